package dev.onboarding.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfluentWireFormatTest {

    @Test
    void headerIsMagicByteThenBigEndianId() {
        ByteBuffer buffer = ConfluentWireFormat.header(0x0A0B0C0D, 3);

        assertThat(buffer.position()).isEqualTo(ConfluentWireFormat.HEADER_SIZE);
        assertThat(buffer.capacity()).isEqualTo(5 + 3);
        assertThat(buffer.array()).startsWith((byte) 0, (byte) 0x0A, (byte) 0x0B, (byte) 0x0C, (byte) 0x0D);
    }

    @Test
    void readsTheIdBigEndian() {
        byte[] data = {0, 0x12, 0x34, 0x56, 0x78, 42};

        assertThat(ConfluentWireFormat.schemaId(data)).isEqualTo(0x12345678);
    }

    @Test
    void headerAndSchemaIdAgree() {
        for (int id : new int[] {1, 255, 256, 65_536, 16_777_216, Integer.MAX_VALUE}) {
            assertThat(ConfluentWireFormat.schemaId(ConfluentWireFormat.header(id, 0).array())).isEqualTo(id);
        }
    }

    @Test
    void anEmptyPayloadAfterTheHeaderIsStillFramedCorrectly() {
        assertThat(ConfluentWireFormat.schemaId(new byte[] {0, 0, 0, 0, 7})).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void refusesInputShorterThanTheHeader(int length) {
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[length]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("too short for the Confluent wire format: " + length + " bytes");
    }

    @Test
    void refusesAnUnknownMagicByte() {
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown magic byte 0x01 (not the Confluent wire format)");
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[] {(byte) 0xff, 0, 0, 0, 1}))
                .hasMessageContaining("0xff");
    }

    @Test
    void namesJsonForWhatItIs() {
        byte[] json = "{\"RequestType\":\"Create\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(json)).hasMessageContaining("magic byte 0x7b");
    }
}
