package dev.onboarding.schemas.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's framing of a serialized value: magic byte 0, the schema id as a 4-byte big-endian int,
 * then the Avro binary encoding. Any Confluent deserializer reads what this writes.
 */
public final class ConfluentWireFormat {
    /** The only magic byte defined. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro payload. */
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** Writes the header for {@code schemaId} into a new buffer sized for {@code payloadSize} more bytes. */
    public static ByteBuffer header(int schemaId, int payloadSize) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE + payloadSize);
        buffer.put(MAGIC_BYTE).putInt(schemaId);
        return buffer;
    }

    /** Reads the schema id, checking the magic byte and the length. */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new IllegalArgumentException("too short for the Confluent wire format: " + data.length + " bytes");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException(String.format("unknown magic byte 0x%02x (not the Confluent wire format)",
                    data[0]));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
