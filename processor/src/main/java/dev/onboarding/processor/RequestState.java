package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What became of one CloudFormation RequestId: its answer was decided (or, in stores written by versions
 * before Creates travelled with their claims, its Create waits for an account claim). One lookup answers
 * the duplicate check.
 */
sealed interface RequestState {
    /** Tag of a waiting Create: written by earlier versions, still read. */
    byte WAITING = 'W';
    /** Tag of a decided answer as earlier versions wrote it (the response alone): still read. */
    byte DECIDED = 'D';
    /** Tag of a decided answer: the decision time (8 bytes, epoch millis), then the answer's wire bytes. */
    byte ANSWERED = 'A';

    /** A Create whose account claim is on its way (only in stores written by earlier versions). */
    record Waiting(CfnCallback callback) implements RequestState {
    }

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

    /**
     * The store's serde: a tag byte, then the state. Waiting Creates use the processor's callback serde
     * (subject {@code <topic>-waiting-value}); old {@link #DECIDED} entries are re-encoded for the responses
     * topic when read, so every {@link Decided} holds the topic's wire format.
     *
     * @param callbacks serde of waiting Creates
     * @param responses the responses topic's serde
     * @param responsesTopic the responses topic
     */
    static Serde<RequestState> serde(Serde<CfnCallback> callbacks, Serde<CfnResponse> responses,
            String responsesTopic) {
        Serializer<CfnResponse> answers = responses.serializer();
        return Serdes.serdeFrom((topic, state) -> {
            if (state == null) {
                return null;
            }
            if (state instanceof Waiting w) {
                byte[] body = callbacks.serializer().serialize(topic + "-waiting", w.callback());
                byte[] out = new byte[body.length + 1];
                out[0] = WAITING;
                System.arraycopy(body, 0, out, 1, body.length);
                return out;
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
            return switch (bytes[0]) {
                case ANSWERED -> {
                    if (bytes.length < 1 + Long.BYTES) {
                        throw new SerializationException("truncated request state");
                    }
                    yield new Decided(ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong(),
                            Arrays.copyOfRange(bytes, 1 + Long.BYTES, bytes.length));
                }
                case WAITING -> new Waiting(callbacks.deserializer().deserialize(topic + "-waiting",
                        Arrays.copyOfRange(bytes, 1, bytes.length)));
                case DECIDED -> {
                    CfnResponse response = responses.deserializer().deserialize(topic + "-decided",
                            Arrays.copyOfRange(bytes, 1, bytes.length));
                    long decidedAt = response.getDecidedAt() == null ? 0 : response.getDecidedAt().toEpochMilli();
                    yield new Decided(decidedAt, answers.serialize(responsesTopic, response));
                }
                default -> throw new SerializationException("unknown request state tag " + bytes[0]);
            };
        });
    }
}
