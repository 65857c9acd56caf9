package dev.onboarding.schemas.deadletters;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.KafkaHeader;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.SqsSource;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;

/**
 * Builds the dead letters of every app the same way: why (a reason code from a bounded set and a
 * human reason), the original bytes, where they came from and which app gave up on them, so that an
 * operator reads every {@code .dlq} topic alike and can replay what is in it.
 *
 * <pre>{@code
 * DeadLetter letter = DeadLetterBuilder.deadLetter("processor", "UNREADABLE_RECORD", "cannot deserialize")
 *         .original(key, value)
 *         .fromKafka(topic, partition, offset, headers, timestamp)
 *         .at(now);
 * }</pre>
 */
public final class DeadLetterBuilder {
    /**
     * How much of an original value a dead letter keeps by default: 64 KiB, more than any real
     * custom-resource request (a forged body may be SQS's 256 KB). Past it, the first bytes, the whole size
     * and a SHA-256 of the whole value.
     */
    public static final int DEFAULT_MAX_ORIGINAL_BYTES = 64 * 1024;

    private final DeadLetter.Builder letter;
    private int maxOriginalBytes = DEFAULT_MAX_ORIGINAL_BYTES;

    private DeadLetterBuilder(String application, String reasonCode, String reason) {
        this.letter = DeadLetter.newBuilder()
                .setApplication(application)
                .setReasonCode(reasonCode)
                .setReason(reason);
    }

    /** A dead letter written by {@code application} for {@code reasonCode}, explained by {@code reason}. */
    public static DeadLetterBuilder deadLetter(String application, String reasonCode, String reason) {
        return new DeadLetterBuilder(application, reasonCode, reason);
    }

    /** Keeps at most {@code bytes} of the original value (default {@link #DEFAULT_MAX_ORIGINAL_BYTES}); call first. */
    public DeadLetterBuilder maxOriginalBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("a dead letter keeps at least one byte of the original value");
        }
        this.maxOriginalBytes = bytes;
        return this;
    }

    /**
     * The original key and value bytes, as read; either may be null. A value over the bound is kept as its
     * first bytes, with its whole size and SHA-256 in {@code originalValueSize} and {@code originalValueSha256}.
     */
    public DeadLetterBuilder original(byte[] key, byte[] value) {
        letter.setOriginalKey(key == null ? null : ByteBuffer.wrap(key));
        if (value == null || value.length <= maxOriginalBytes) {
            letter.setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                    .setOriginalValueSize(null).setOriginalValueSha256(null);
        } else {
            letter.setOriginalValue(ByteBuffer.wrap(Arrays.copyOf(value, maxOriginalBytes)))
                    .setOriginalValueSize((long) value.length)
                    .setOriginalValueSha256(sha256(value));
        }
        return this;
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Read from a Kafka record: its coordinates, its headers in order ({@code headers} may be null) and its
     * timestamp (null when it had none).
     */
    public DeadLetterBuilder fromKafka(String topic, int partition, long offset, Iterable<Header> headers,
            Instant timestamp) {
        return fromKafka(topic, partition, offset, headers, timestamp, Set.of());
    }

    /**
     * As {@link #fromKafka(String, int, long, Iterable, Instant)}, leaving out the headers named in
     * {@code internal} (an app's own bookkeeping, not part of the original record).
     */
    public DeadLetterBuilder fromKafka(String topic, int partition, long offset, Iterable<Header> headers,
            Instant timestamp, Set<String> internal) {
        List<KafkaHeader> copied = new ArrayList<>();
        if (headers != null) {
            for (Header header : headers) {
                if (!internal.contains(header.key())) {
                    copied.add(new KafkaHeader(header.key(),
                            header.value() == null ? null : ByteBuffer.wrap(header.value())));
                }
            }
        }
        letter.setSource(KafkaSource.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setHeaders(copied)
                .setTimestamp(timestamp)
                .build());
        return this;
    }

    /** Received from an SQS queue; {@code sentAt} (SQS SentTimestamp) may be null. */
    public DeadLetterBuilder fromSqs(String queueRegion, String queueUrl, String messageId, int receiveCount,
            Instant sentAt) {
        letter.setSource(SqsSource.newBuilder()
                .setQueueRegion(queueRegion)
                .setQueueUrl(queueUrl)
                .setMessageId(messageId)
                .setReceiveCount(receiveCount)
                .setSentAt(sentAt)
                .build());
        return this;
    }

    /** The dead letter, dead-lettered at {@code deadLetteredAt}. */
    public DeadLetter at(Instant deadLetteredAt) {
        return letter.setDeadLetteredAt(deadLetteredAt).build();
    }
}
