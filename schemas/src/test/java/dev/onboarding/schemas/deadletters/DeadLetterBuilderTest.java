package dev.onboarding.schemas.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.KafkaHeader;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.schemas.ContractSamples;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterBuilderTest {
    private static final Instant T0 = ContractSamples.T0;

    @Test
    void buildsTheSqsDeadLetterOfTheContract() {
        DeadLetter letter = DeadLetterBuilder.deadLetter("bridge", "MALFORMED_JSON", "Unexpected character '}' at 1:17")
                .original(null, "{\"Type\": \"Notif}".getBytes(StandardCharsets.UTF_8))
                .fromSqs("eu-west-1", "https://sqs.eu-west-1.amazonaws.com/999999999999/onboarding", "sqs-9", 5, T0)
                .at(T0.plusSeconds(1));

        assertThat(letter).isEqualTo(ContractSamples.deadLetterFromSqs());
    }

    @Test
    void buildsTheKafkaDeadLetterOfTheContractWithItsHeadersInOrder() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        headers.add("empty", null);

        DeadLetter letter = DeadLetterBuilder.deadLetter(null, "UNREADABLE_RECORD", "unknown magic byte 0x7b")
                .original("int-1".getBytes(StandardCharsets.UTF_8), new byte[] {0x7b, 0x00, (byte) 0xff})
                .fromKafka("onboarding.integration-requests", 4, 1_234_567_890_123L, headers, T0)
                .at(T0.plusSeconds(2));

        assertThat(letter).isEqualTo(ContractSamples.deadLetterFromKafka());
    }

    @Test
    void aValueOverTheBoundKeepsItsFirstBytesItsSizeAndItsHash() throws Exception {
        byte[] junk = new byte[256 * 1024];
        new java.util.Random(7).nextBytes(junk);

        DeadLetter cut = DeadLetterBuilder.deadLetter("bridge", "BODY_TOO_LARGE", "too large")
                .original(null, junk).fromSqs("eu-west-1", "q", "m", 1, null).at(T0);
        DeadLetter whole = DeadLetterBuilder.deadLetter("bridge", "MALFORMED_JSON", "x")
                .original(null, java.util.Arrays.copyOf(junk, DeadLetterBuilder.DEFAULT_MAX_ORIGINAL_BYTES))
                .fromSqs("eu-west-1", "q", "m", 1, null).at(T0);
        DeadLetter smaller = DeadLetterBuilder.deadLetter("bridge", "BODY_TOO_LARGE", "too large")
                .maxOriginalBytes(1024).original(null, junk).fromSqs("eu-west-1", "q", "m", 1, null).at(T0);

        assertThat(cut.getOriginalValue()).isEqualTo(
                ByteBuffer.wrap(junk, 0, DeadLetterBuilder.DEFAULT_MAX_ORIGINAL_BYTES));
        assertThat(cut.getOriginalValueSize()).isEqualTo(junk.length);
        assertThat(cut.getOriginalValueSha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(junk)));
        assertThat(whole.getOriginalValue().remaining()).isEqualTo(DeadLetterBuilder.DEFAULT_MAX_ORIGINAL_BYTES);
        assertThat(whole.getOriginalValueSize()).isNull();
        assertThat(whole.getOriginalValueSha256()).isNull();
        assertThat(smaller.getOriginalValue().remaining()).isEqualTo(1024);
        assertThat(smaller.getOriginalValueSize()).isEqualTo(junk.length);
    }

    @Test
    void leavesOutAnAppsOwnHeadersAndAcceptsNoneAtAll() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("internal-offset", "42".getBytes(StandardCharsets.UTF_8));
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));

        KafkaSource filtered = (KafkaSource) DeadLetterBuilder.deadLetter("processor", "EMPTY_VALUE", "no value")
                .fromKafka("t", 0, 7, headers, null, Set.of("internal-offset"))
                .at(T0).getSource();
        DeadLetter bare = DeadLetterBuilder.deadLetter("scheduler", "EMPTY_VALUE", "no value")
                .fromKafka("t", -1, -1, null, null)
                .at(T0);

        assertThat(filtered.getHeaders()).containsExactly(
                new KafkaHeader("trace", ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8))));
        assertThat(filtered.getTimestamp()).isNull();
        assertThat(((KafkaSource) bare.getSource()).getHeaders()).isEmpty();
        assertThat(bare.getOriginalKey()).isNull();
        assertThat(bare.getOriginalValue()).isNull();
        assertThat(bare.getApplication()).isEqualTo("scheduler");
        assertThat(bare.getDeadLetteredAt()).isEqualTo(T0);
    }
}
