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
 * what an earlier one left in a changelog; no registry is involved.
 */
public final class ClaimSerdes {
    private static final byte VERSION = 1;

    private ClaimSerdes() {
    }

    /** Serde of {@link ClaimCommand}. */
    public static Serde<ClaimCommand> commands() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(out -> writeCommand(out, c)),
                (topic, bytes) -> bytes == null ? null : decode(bytes, ClaimSerdes::readCommand));
    }

    /** Serde of {@link ClaimOutcome}. */
    public static Serde<ClaimOutcome> outcomes() {
        return Serdes.serdeFrom((topic, o) -> o == null ? null : encode(out -> {
            out.writeBoolean(o.granted());
            writeCommand(out, o.command());
            out.writeUTF(o.holderIntegrationId());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes,
                in -> new ClaimOutcome(in.readBoolean(), readCommand(in), in.readUTF())));
    }

    /** Serde of {@link AccountClaim}. */
    public static Serde<AccountClaim> claims() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(out -> {
            out.writeUTF(c.integrationId());
            out.writeUTF(c.externalId());
            out.writeLong(c.claimedAtMillis());
        }), (topic, bytes) -> bytes == null ? null : decode(bytes,
                in -> new AccountClaim(in.readUTF(), in.readUTF(), in.readLong())));
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

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new SerializationException("cannot encode claim record", e);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new SerializationException("unknown claim record format version " + version);
            }
            return reader.read(in);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("cannot decode claim record: " + e.getMessage(), e);
        }
    }
}
