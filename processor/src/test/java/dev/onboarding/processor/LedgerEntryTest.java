package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The ledger store's values: a state with the answer kept with it. */
class LedgerEntryTest {
    private static final String CHANGELOG = "app-integrations-by-external-id-changelog";
    /** Stands for a state in the integrations topic's wire format: led by the Confluent magic byte. */
    private static final byte[] STATE = {0, 0, 0, 0, 7, 2, 4, 6, 8};
    private static final RequestState.Decided ANSWER = new RequestState.Decided(1_900_000_000_000L,
            new byte[] {0, 0, 0, 0, 9, 1, 3, 5});

    private final Serde<LedgerEntry> serde = LedgerEntry.serde();

    private byte[] write(LedgerEntry entry) {
        return serde.serializer().serialize(CHANGELOG, entry);
    }

    private LedgerEntry read(byte[] bytes) {
        return serde.deserializer().deserialize(CHANGELOG, bytes);
    }

    @Test
    void aStateWithItsAnswerReadsBackWhole() {
        LedgerEntry entry = new LedgerEntry(STATE, new LedgerEntry.AnsweredRequest("req-ü-1", ANSWER));

        LedgerEntry read = read(write(entry));

        assertThat(read).isEqualTo(entry);
        assertThat(read.answerFor("req-ü-1")).isEqualTo(ANSWER);
        assertThat(read.answerFor("req-2")).isNull();
    }

    @Test
    void aStateWithoutAnAnswerReadsBackWithout() {
        LedgerEntry read = read(write(new LedgerEntry(STATE, null)));

        assertThat(read.state()).isEqualTo(STATE);
        assertThat(read.answered()).isNull();
        assertThat(read.answerFor("req-1")).isNull();
    }

    @Test
    void aNewStateKeepsTheAnswer() {
        LedgerEntry entry = new LedgerEntry(STATE, new LedgerEntry.AnsweredRequest("req-1", ANSWER));
        byte[] next = {0, 0, 0, 0, 7, 9};

        assertThat(read(write(entry.withState(next)))).isEqualTo(new LedgerEntry(next, entry.answered()));
    }

    @Test
    void aDamagedEntryIsASerializationError() {
        byte[] whole = write(new LedgerEntry(STATE, new LedgerEntry.AnsweredRequest("req-1", ANSWER)));

        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> read(Arrays.copyOf(whole, 3))).isInstanceOf(SerializationException.class);
        // Cut inside the state, inside the RequestId, inside the decision time.
        assertThatThrownBy(() -> read(Arrays.copyOf(whole, 1 + 4 + STATE.length - 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("state length");
        assertThatThrownBy(() -> read(Arrays.copyOf(whole, 1 + 4 + STATE.length + 2 + 3)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("RequestId length");
        assertThatThrownBy(() -> read(Arrays.copyOf(whole, 1 + 4 + STATE.length + 2 + 5 + 4)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void aRequestIdTooLongToStoreIsRefusedWhenWritten() {
        String huge = "r".repeat(70_000);
        LedgerEntry entry = new LedgerEntry(STATE, new LedgerEntry.AnsweredRequest(huge, ANSWER));

        assertThatThrownBy(() -> write(entry)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("RequestId too long");
        assertThat(huge.getBytes(StandardCharsets.UTF_8)).hasSizeGreaterThan(0xFFFF);
    }
}
