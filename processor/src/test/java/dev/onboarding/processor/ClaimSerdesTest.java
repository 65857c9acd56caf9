package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The claim records' binary form, checked against the JDK's {@link DataOutputStream}, whose format it keeps. */
class ClaimSerdesTest {
    private static final List<String> STRINGS = List.of("", "tenant-a", "123456789012", "tenant-ü", "nul\0inside",
            "emoji-\uD83D\uDE00", "日本", "x".repeat(5_000));

    private static byte[] jdkUtf(String s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeUTF(s);
        return bytes.toByteArray();
    }

    @Test
    void stringsAreWrittenAsTheJdkWritesThemAndReadBackFromIt() throws IOException {
        for (String s : STRINGS) {
            ClaimSerdes.Out out = new ClaimSerdes.Out(4);
            out.writeUTF(s);
            assertThat(out.toByteArray()).as(s).isEqualTo(jdkUtf(s));
            assertThat(new ClaimSerdes.In(jdkUtf(s)).readUTF()).as(s).isEqualTo(s);
            assertThat(new DataInputStream(new ByteArrayInputStream(out.toByteArray())).readUTF()).as(s).isEqualTo(s);
        }
    }

    @Test
    void numbersAreWrittenAsTheJdkWritesThem() throws IOException {
        ClaimSerdes.Out out = new ClaimSerdes.Out(1);
        out.writeInt(-2);
        out.writeLong(1_900_000_000_123L);
        out.writeBoolean(true);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream jdk = new DataOutputStream(expected);
        jdk.writeInt(-2);
        jdk.writeLong(1_900_000_000_123L);
        jdk.writeBoolean(true);
        assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());

        ClaimSerdes.In in = new ClaimSerdes.In(expected.toByteArray());
        assertThat(in.readInt()).isEqualTo(-2);
        assertThat(in.readLong()).isEqualTo(1_900_000_000_123L);
        assertThat(in.readBoolean()).isTrue();
        assertThat(in.remaining()).isZero();
    }

    @Test
    void claimsAndOutcomesInTransitReadBackWhole() {
        for (String s : STRINGS.subList(0, 7)) {
            ClaimCommand claim = ClaimCommand.claim("tenant-" + s, "123456789012", "int-" + s, "ext-" + s, "req-" + s);
            for (byte[] create : Arrays.asList(null, new byte[0], new byte[] {0, 1, 2, 3})) {
                ClaimInTransit transit = new ClaimInTransit(claim, create);
                var claims = ClaimSerdes.claimsInTransit();
                assertThat(claims.deserializer().deserialize("t", claims.serializer().serialize("t", transit)))
                        .isEqualTo(transit);
                OutcomeInTransit outcome = new OutcomeInTransit(new ClaimOutcome(true, claim, "int-" + s), create);
                var outcomes = ClaimSerdes.outcomesInTransit();
                assertThat(outcomes.deserializer().deserialize("t", outcomes.serializer().serialize("t", outcome)))
                        .isEqualTo(outcome);
            }
        }
        AccountClaim holder = new AccountClaim("int-ü", "ext-1", 1_900_000_000_000L);
        var claims = ClaimSerdes.claims();
        assertThat(claims.deserializer().deserialize("t", claims.serializer().serialize("t", holder)))
                .isEqualTo(holder);
    }

    @Test
    void aDamagedRecordIsASerializationError() {
        ClaimInTransit transit = new ClaimInTransit(ClaimCommand.claim("tenant-a", "123456789012", "int-1", "ext-1",
                "req-1"), new byte[] {9, 9, 9});
        byte[] whole = ClaimSerdes.claimsInTransit().serializer().serialize("t", transit);
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> ClaimSerdes.claimsInTransit().deserializer().deserialize("t", part))
                    .as("cut at %d", cut).isInstanceOf(SerializationException.class);
        }
        byte[] unknownVersion = whole.clone();
        unknownVersion[0] = 7;
        assertThatThrownBy(() -> ClaimSerdes.claimsInTransit().deserializer().deserialize("t", unknownVersion))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 7");
    }
}
