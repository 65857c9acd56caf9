package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What became of one CloudFormation RequestId: its Create waits for an account claim, or its answer was
 * decided. One store holds both, so the duplicate check is one read and finishing a Create is one write.
 */
sealed interface RequestState {
    /** Tag of a waiting Create in the serialized form. */
    byte WAITING = 'W';
    /** Tag of a decided answer in the serialized form. */
    byte DECIDED = 'D';

    /** A Create whose account claim is on its way. */
    record Waiting(CfnCallback callback) implements RequestState {
    }

    /** The answer decided for the request, re-emitted identically on redelivery. */
    record Decided(CfnResponse response) implements RequestState {
    }

    /**
     * A serde of tag byte + the record in its own serde. Each kind uses its own registry subject
     * ({@code <topic>-waiting-value}, {@code <topic>-decided-value}), so the two schemas never meet in one
     * subject's compatibility check.
     */
    static Serde<RequestState> serde(Serde<CfnCallback> callbacks, Serde<CfnResponse> responses) {
        return Serdes.serdeFrom((topic, state) -> {
            if (state == null) {
                return null;
            }
            byte[] body;
            byte tag;
            if (state instanceof Waiting w) {
                tag = WAITING;
                body = callbacks.serializer().serialize(topic + "-waiting", w.callback());
            } else {
                tag = DECIDED;
                body = responses.serializer().serialize(topic + "-decided", ((Decided) state).response());
            }
            byte[] out = new byte[body.length + 1];
            out[0] = tag;
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0) {
                throw new SerializationException("empty request state");
            }
            byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
            return switch (bytes[0]) {
                case WAITING -> new Waiting(callbacks.deserializer().deserialize(topic + "-waiting", body));
                case DECIDED -> new Decided(responses.deserializer().deserialize(topic + "-decided", body));
                default -> throw new SerializationException("unknown request state tag " + bytes[0]);
            };
        });
    }
}
