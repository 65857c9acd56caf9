package dev.onboarding.processor;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.KafkaHeader;
import dev.onboarding.contract.KafkaSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    private DeadLetters() {
    }

    /** A dead letter for a record of {@code topic}. */
    public static DeadLetter of(String reasonCode, String reason, byte[] key, byte[] value, String topic,
            int partition, long offset, Headers headers, long timestampMillis, Instant now) {
        return DeadLetter.newBuilder()
                .setReasonCode(reasonCode)
                .setReason(reason)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setSource(KafkaSource.newBuilder()
                        .setTopic(topic)
                        .setPartition(partition)
                        .setOffset(offset)
                        .setHeaders(copy(headers))
                        .setTimestamp(timestampMillis < 0 ? null : Instant.ofEpochMilli(timestampMillis))
                        .build())
                .setDeadLetteredAt(now)
                .setApplication(APPLICATION)
                .build();
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

    private static List<KafkaHeader> copy(Headers headers) {
        List<KafkaHeader> out = new ArrayList<>();
        if (headers != null) {
            for (Header h : headers) {
                if (h.key().equals(SOURCE_PARTITION_HEADER) || h.key().equals(SOURCE_OFFSET_HEADER)) {
                    continue;
                }
                out.add(new KafkaHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
            }
        }
        return out;
    }
}
