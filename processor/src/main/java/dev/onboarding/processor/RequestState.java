package dev.onboarding.processor;

import dev.onboarding.contract.CfnResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What became of one CloudFormation RequestId: its answer was decided. One lookup answers the duplicate check.
 */
sealed interface RequestState {
    /** Tag of a decided answer: the decision time (8 bytes, epoch millis), then the answer's wire bytes. */
    byte ANSWERED = 'A';

    /**
     * The answer decided for the request, kept in the responses topic's wire format: a redelivery gets it
     * byte for byte, and the retention sweep reads the decision time without decoding it.
     *
     * @param decidedAtMillis when it was decided (epoch millis)
     * @param answer the {@link CfnResponse} as written to the responses topic
     */
    record Decided(long decidedAtMillis, byte[] answer) implements RequestState {
        @Override
        public boolean equals(Object other) {
            return other instanceof Decided d && d.decidedAtMillis == decidedAtMillis
                    && Arrays.equals(d.answer, answer);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(decidedAtMillis) * 31 + Arrays.hashCode(answer);
        }

        @Override
        public String toString() {
            return "Decided[decidedAtMillis=" + decidedAtMillis + ", answer=" + answer.length + " bytes]";
        }
    }

    /** The store's serde: a tag byte, then the decided answer. */
    static Serde<RequestState> serde() {
        return Serdes.serdeFrom((topic, state) -> {
            if (state == null) {
                return null;
            }
            Decided decided = (Decided) state;
            return ByteBuffer.allocate(1 + Long.BYTES + decided.answer().length).put(ANSWERED)
                    .putLong(decided.decidedAtMillis()).put(decided.answer()).array();
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0) {
                throw new SerializationException("empty request state");
            }
            if (bytes[0] != ANSWERED) {
                throw new SerializationException("unknown request state tag " + bytes[0]);
            }
            if (bytes.length < 1 + Long.BYTES) {
                throw new SerializationException("truncated request state");
            }
            return new Decided(ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong(),
                    Arrays.copyOfRange(bytes, 1 + Long.BYTES, bytes.length));
        });
    }
}
