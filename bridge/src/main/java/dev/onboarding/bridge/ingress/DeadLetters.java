package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import java.time.Clock;

/**
 * Builds the dead letters of the ingress: the reason, the original body and where it came from. Anyone can
 * publish to the provider's SNS topics, so a body over {@code bridge.dead-letter.max-original-bytes} (64 KiB by
 * default, more than any real custom-resource request) keeps only its first bytes, its size and its SHA-256:
 * a flood of 256 KB junk costs the dead-letter topic a bounded number of bytes per message.
 */
public final class DeadLetters {
    /** The application name written into every dead letter. */
    public static final String APPLICATION = "bridge";

    private final Clock clock;
    private final int maxOriginalBytes;

    /** Dead letters stamped with {@code clock}, keeping at most {@code maxOriginalBytes} of a body. */
    public DeadLetters(Clock clock, int maxOriginalBytes) {
        this.clock = clock;
        this.maxOriginalBytes = maxOriginalBytes;
    }

    /** The dead letter of {@code message} for {@code reasonCode}. */
    public DeadLetter of(QueueMessage message, String reasonCode, String reason) {
        byte[] body = message.body();
        String why = body.length <= maxOriginalBytes ? reason
                : reason + " (original value cut to its first " + maxOriginalBytes + " of " + body.length + " bytes)";
        return DeadLetterBuilder.deadLetter(APPLICATION, reasonCode, why)
                .maxOriginalBytes(maxOriginalBytes)
                .original(null, body)
                .fromSqs(message.region(), message.queueUrl(), message.messageId(), message.receiveCount(),
                        message.sentAt().orElse(null))
                .at(clock.instant());
    }
}
