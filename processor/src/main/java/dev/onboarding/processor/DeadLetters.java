package dev.onboarding.processor;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds the processor's dead letters: why, the original bytes and where they came from. Request events
 * refused after re-keying carry their source coordinates in headers the intake adds, so the dead letter
 * names the original topic, partition and offset rather than the internal repartition topic.
 */
public final class DeadLetters {
    /** Which app dead-lettered the record. */
    public static final String APPLICATION = "processor";
    /** Header carrying the source partition of a re-keyed request. */
    public static final String SOURCE_PARTITION_HEADER = "onboarding-source-partition";
    /** Header carrying the source offset of a re-keyed request. */
    public static final String SOURCE_OFFSET_HEADER = "onboarding-source-offset";
    /** Reason code: the value could not be deserialized. */
    public static final String UNREADABLE = "UNREADABLE_RECORD";
    /** Reason code: a callback without a value. */
    public static final String EMPTY_VALUE = "EMPTY_VALUE";
    /** The source headers: the processor's own bookkeeping, left out of the dead letter. */
    private static final Set<String> SOURCE_HEADERS = Set.of(SOURCE_PARTITION_HEADER, SOURCE_OFFSET_HEADER);

    private DeadLetters() {
    }

    /** A dead letter for a record of {@code topic}. */
    public static DeadLetter of(String reasonCode, String reason, byte[] key, byte[] value, String topic,
            int partition, long offset, Headers headers, long timestampMillis, Instant now) {
        return DeadLetterBuilder.deadLetter(APPLICATION, reasonCode, reason)
                .original(key, value)
                .fromKafka(topic, partition, offset, headers,
                        timestampMillis < 0 ? null : Instant.ofEpochMilli(timestampMillis), SOURCE_HEADERS)
                .at(now);
    }

    /** The source partition a re-keyed request carries, or -1. */
    public static int sourcePartition(Headers headers) {
        return (int) longHeader(headers, SOURCE_PARTITION_HEADER);
    }

    /** The source offset a re-keyed request carries, or -1. */
    public static long sourceOffset(Headers headers) {
        return longHeader(headers, SOURCE_OFFSET_HEADER);
    }

    /** Stamps the source coordinates on a record's headers before it is re-keyed. */
    public static void stampSource(Headers headers, int partition, long offset) {
        headers.remove(SOURCE_PARTITION_HEADER).remove(SOURCE_OFFSET_HEADER)
                .add(SOURCE_PARTITION_HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8))
                .add(SOURCE_OFFSET_HEADER, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    }

    private static long longHeader(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
