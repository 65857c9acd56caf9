package dev.onboarding.bridge.egress;

import dev.onboarding.contract.CfnResponse;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A response taken from a topic, with the time it may be attempted and how often recording its outcome
 * failed (which stretches the wait before the next try).
 *
 * @param record the record as consumed
 * @param partition where it was consumed from
 * @param response the response read from it; null while not read, or when it cannot be read
 * @param malformed why it cannot be read (it will be dead-lettered), or null
 * @param due when it may be attempted
 * @param requeues how often recording its outcome failed
 */
record PendingResponse(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, CfnResponse response,
        String malformed, Instant due, int requeues) {

    /** A record just consumed, not read yet, due {@code now}. */
    static PendingResponse taken(ConsumerRecord<byte[], byte[]> record, Instant now) {
        return new PendingResponse(record, new TopicPartition(record.topic(), record.partition()), null, null, now, 0);
    }

    /** Read into {@code read}, due at {@code when}. */
    PendingResponse read(CfnResponse read, Instant when) {
        return new PendingResponse(record, partition, read, null, when, requeues);
    }

    /** Unreadable for {@code why}, due {@code now} (to be dead-lettered). */
    PendingResponse unreadable(String why, Instant now) {
        return new PendingResponse(record, partition, null, why, now, requeues);
    }

    /** The same, due at {@code when}. */
    PendingResponse at(Instant when) {
        return new PendingResponse(record, partition, response, malformed, when, requeues);
    }

    /** Recording its outcome failed once more: due again at {@code when}. */
    PendingResponse requeued(Instant when) {
        return new PendingResponse(record, partition, response, malformed, when, requeues + 1);
    }

    /** Not read yet (the registry was unreachable). */
    boolean undecoded() {
        return response == null && malformed == null;
    }

    /** Where the record was read, for logs: {@code topic-partition@offset}. */
    String position() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
