package dev.onboarding.processor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the processor's own claim records, which only ever travel on its internal topics and
 * stores. A compact binary form led by a format version byte, so a later version can still read
 * what an earlier one left in a topic or changelog; no registry is involved. Format 1: the claim
 * records alone; format 2 (claims and outcomes in transit): the same, then the waiting Create's bytes.
 */
public final class ClaimSerdes {
    /** Claim holders, and claims and outcomes written before Creates travelled with their claims. */
    private static final byte V1 = 1;
    /** Claims and outcomes with the Create that waits for them. */
    private static final byte V2 = 2;

    private ClaimSerdes() {
    }

    /** Serde of {@link ClaimInTransit}: reads both formats, writes format 2. */
    static Serde<ClaimInTransit> claimsInTransit() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(V2, sizeOf(c.waitingCreate()), out -> {
            writeCommand(out, c.command());
            writeBytes(out, c.waitingCreate());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes, (version, in) -> {
            ClaimCommand command = readCommand(in);
            return new ClaimInTransit(command, version == V2 ? readBytes(in) : null);
        }));
    }

    /** Serde of {@link OutcomeInTransit}: reads both formats, writes format 2. */
    static Serde<OutcomeInTransit> outcomesInTransit() {
        return Serdes.serdeFrom((topic, o) -> o == null ? null : encode(V2, sizeOf(o.waitingCreate()), out -> {
            out.writeBoolean(o.outcome().granted());
            writeCommand(out, o.outcome().command());
            out.writeUTF(o.outcome().holderIntegrationId());
            writeBytes(out, o.waitingCreate());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes, (version, in) -> {
            ClaimOutcome outcome = new ClaimOutcome(in.readBoolean(), readCommand(in), in.readUTF());
            return new OutcomeInTransit(outcome, version == V2 ? readBytes(in) : null);
        }));
    }

    /** Serde of {@link AccountClaim} (format 1). */
    public static Serde<AccountClaim> claims() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(V1, 0, out -> {
            out.writeUTF(c.integrationId());
            out.writeUTF(c.externalId());
            out.writeLong(c.claimedAtMillis());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes, (version, in) -> {
            if (version != V1) {
                throw new IOException("unknown account claim format version " + version);
            }
            return new AccountClaim(in.readUTF(), in.readUTF(), in.readLong());
        }));
    }

    /** Format 1 of a claim, as versions before format 2 wrote it (tests of upgrades read it back). */
    static byte[] formatOne(ClaimCommand command) {
        return encode(V1, 0, out -> writeCommand(out, command));
    }

    /** Format 1 of an outcome, as versions before format 2 wrote it. */
    static byte[] formatOne(ClaimOutcome outcome) {
        return encode(V1, 0, out -> {
            out.writeBoolean(outcome.granted());
            writeCommand(out, outcome.command());
            out.writeUTF(outcome.holderIntegrationId());
        });
    }

    private static void writeCommand(DataOutputStream out, ClaimCommand c) throws IOException {
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

    private static ClaimCommand readCommand(DataInputStream in) throws IOException {
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

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        // -1 for none; an empty array stays empty.
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < -1 || length > in.available()) {
            throw new IOException("bad waiting Create length " + length);
        }
        if (length == -1) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static int sizeOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(int version, DataInputStream in) throws IOException;
    }

    private static byte[] encode(byte version, int extraBytes, Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160 + extraBytes);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            writer.write(out);
        } catch (IOException e) {
            throw new SerializationException("cannot encode claim record", e);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
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
}
