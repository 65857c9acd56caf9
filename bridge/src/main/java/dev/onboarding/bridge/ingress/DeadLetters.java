package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import java.time.Clock;
import java.util.Arrays;

/**
 * Builds the dead letters of the ingress: the reason, the original body and where it came from. A
 * body over the size limit keeps only its first {@link CallbackParser#MAX_BODY_BYTES} bytes, so the
 * dead letter itself always fits in a Kafka record.
 */
public final class DeadLetters {
    /** The application name written into every dead letter. */
    public static final String APPLICATION = "bridge";

    private final Clock clock;

    /** Dead letters stamped with {@code clock}. */
    public DeadLetters(Clock clock) {
        this.clock = clock;
    }

    /** The dead letter of {@code message} for {@code reasonCode}. */
    public DeadLetter of(QueueMessage message, String reasonCode, String reason) {
        byte[] body = message.body();
        String why = reason;
        if (body.length > CallbackParser.MAX_BODY_BYTES) {
            body = Arrays.copyOf(body, CallbackParser.MAX_BODY_BYTES);
            why = reason + " (original value cut to its first " + CallbackParser.MAX_BODY_BYTES + " bytes)";
        }
        return DeadLetterBuilder.deadLetter(APPLICATION, reasonCode, why)
                .original(null, body)
                .fromSqs(message.region(), message.queueUrl(), message.messageId(), message.receiveCount(),
                        message.sentAt().orElse(null))
                .at(clock.instant());
    }
}
