package dev.onboarding.processor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the processor's own claim records, which only ever travel on its internal topics and
 * stores. A compact binary form led by a format version byte; no registry is involved. Format 1: account
 * claims; format 2: claims and outcomes in transit, each with the waiting Create's bytes.
 */
public final class ClaimSerdes {
    /** Claim holders. */
    private static final byte V1 = 1;
    /** Claims and outcomes with the Create that waits for them. */
    private static final byte V2 = 2;

    private ClaimSerdes() {
    }

    /** Serde of {@link ClaimInTransit} (format 2). */
    static Serde<ClaimInTransit> claimsInTransit() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(V2, sizeOf(c.waitingCreate()), out -> {
            writeCommand(out, c.command());
            writeBytes(out, c.waitingCreate());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes, (version, in) -> {
            requireVersion(V2, version);
            ClaimCommand command = readCommand(in);
            return new ClaimInTransit(command, readBytes(in));
        }));
    }

    /** Serde of {@link OutcomeInTransit} (format 2). */
    static Serde<OutcomeInTransit> outcomesInTransit() {
        return Serdes.serdeFrom((topic, o) -> o == null ? null : encode(V2, sizeOf(o.waitingCreate()), out -> {
            out.writeBoolean(o.outcome().granted());
            writeCommand(out, o.outcome().command());
            out.writeUTF(o.outcome().holderIntegrationId());
            writeBytes(out, o.waitingCreate());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes, (version, in) -> {
            requireVersion(V2, version);
            ClaimOutcome outcome = new ClaimOutcome(in.readBoolean(), readCommand(in), in.readUTF());
            return new OutcomeInTransit(outcome, readBytes(in));
        }));
    }

    /** Serde of {@link AccountClaim} (format 1). */
    public static Serde<AccountClaim> claims() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(V1, 0, out -> {
            out.writeUTF(c.integrationId());
            out.writeUTF(c.externalId());
            out.writeLong(c.claimedAtMillis());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes, (version, in) -> {
            requireVersion(V1, version);
            return new AccountClaim(in.readUTF(), in.readUTF(), in.readLong());
        }));
    }

    private static void requireVersion(byte expected, int version) throws IOException {
        if (version != expected) {
            throw new IOException("unexpected format version " + version);
        }
    }

    private static void writeCommand(Out out, ClaimCommand c) throws IOException {
        out.writeByte(c.kind().ordinal());
        out.writeUTF(c.tenantId());
        out.writeUTF(c.accountId());
        out.writeUTF(c.integrationId());
        out.writeUTF(c.externalId());
        out.writeBoolean(c.requestId() != null);
        if (c.requestId() != null) {
            out.writeUTF(c.requestId());
        }
    }

    private static ClaimCommand readCommand(In in) throws IOException {
        int kind = in.readUnsignedByte();
        if (kind >= ClaimCommand.Kind.values().length) {
            throw new IOException("unknown claim kind " + kind);
        }
        String tenant = in.readUTF();
        String account = in.readUTF();
        String integration = in.readUTF();
        String externalId = in.readUTF();
        String requestId = in.readBoolean() ? in.readUTF() : null;
        return new ClaimCommand(ClaimCommand.Kind.values()[kind], tenant, account, integration, externalId,
                requestId);
    }

    private static void writeBytes(Out out, byte[] bytes) {
        // -1 for none; an empty array stays empty.
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte[] readBytes(In in) throws IOException {
        int length = in.readInt();
        if (length < -1 || length > in.remaining()) {
            throw new IOException("bad waiting Create length " + length);
        }
        return length == -1 ? null : in.readFully(length);
    }

    private static int sizeOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private interface Writer {
        void write(Out out) throws IOException;
    }

    private interface Reader<T> {
        T read(int version, In in) throws IOException;
    }

    private static byte[] encode(byte version, int extraBytes, Writer writer) {
        Out out = new Out(160 + extraBytes);
        try {
            out.writeByte(version);
            writer.write(out);
        } catch (IOException e) {
            throw new SerializationException("cannot encode claim record", e);
        }
        return out.toByteArray();
    }

    private static <T> T decode(byte[] bytes, Reader<T> reader) {
        try {
            In in = new In(bytes);
            int version = in.readUnsignedByte();
            if (version != V1 && version != V2) {
                throw new SerializationException("unknown claim record format version " + version);
            }
            return reader.read(version, in);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("cannot decode claim record: " + e.getMessage(), e);
        }
    }

    /**
     * Writes what {@link DataOutputStream} writes, into one unsynchronized array: these records are encoded
     * twice per Create, and the stream's per-byte synchronized calls showed in profiles. Strings of plain ASCII
     * (all the processor writes in practice) take a fast path; any other string goes through
     * {@link DataOutputStream#writeUTF}, so the format is the JDK's.
     */
    static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        void writeByte(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void writeBoolean(boolean v) {
            writeByte(v ? 1 : 0);
        }

        void writeInt(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        void writeUTF(String s) throws IOException {
            int length = s.length();
            boolean ascii = length <= 0xFFFF;
            for (int i = 0; i < length && ascii; i++) {
                char c = s.charAt(i);
                ascii = c >= 1 && c <= 0x7F;
            }
            if (!ascii) {
                ByteArrayOutputStream other = new ByteArrayOutputStream(length * 3 + 2);
                new DataOutputStream(other).writeUTF(s);
                write(other.toByteArray());
                return;
            }
            ensure(2 + length);
            buf[pos++] = (byte) (length >>> 8);
            buf[pos++] = (byte) length;
            for (int i = 0; i < length; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reads what {@link Out} (or {@link DataOutputStream}) wrote, with the same fast path for ASCII strings. */
    static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.length - pos;
        }

        private void need(int n) throws EOFException {
            if (n > remaining()) {
                throw new EOFException("claim record ends early");
            }
        }

        int readUnsignedByte() throws EOFException {
            need(1);
            return buf[pos++] & 0xFF;
        }

        boolean readBoolean() throws EOFException {
            return readUnsignedByte() != 0;
        }

        int readInt() throws EOFException {
            need(4);
            int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                    | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long readLong() throws EOFException {
            return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
        }

        byte[] readFully(int length) throws EOFException {
            need(length);
            byte[] bytes = Arrays.copyOfRange(buf, pos, pos + length);
            pos += length;
            return bytes;
        }

        String readUTF() throws IOException {
            need(2);
            int length = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            need(2 + length);
            boolean ascii = true;
            for (int i = pos + 2; i < pos + 2 + length && ascii; i++) {
                ascii = buf[i] >= 1;
            }
            String s = ascii ? new String(buf, pos + 2, length, StandardCharsets.ISO_8859_1)
                    : new DataInputStream(new ByteArrayInputStream(buf, pos, 2 + length)).readUTF();
            pos += 2 + length;
            return s;
        }
    }
}
