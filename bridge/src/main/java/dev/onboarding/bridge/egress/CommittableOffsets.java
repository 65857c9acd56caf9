package dev.onboarding.bridge.egress;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed while responses finish out of order: per partition, everything below
 * the lowest record still open. Committing past an open record could lose its answer in a crash;
 * committing below a finished one only means a harmless second PUT. Not thread-safe: the poll thread
 * owns it.
 */
public final class CommittableOffsets {
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    private static final class PartitionState {
        private final TreeSet<Long> open = new TreeSet<>();
        private long next = -1;
        private long lastCommitted = -1;

        long frontier() {
            return open.isEmpty() ? next : open.first();
        }
    }

    /** A record at {@code offset} was taken on: it stays open until {@link #finished}. */
    public void received(TopicPartition partition, long offset) {
        PartitionState state = partitions.computeIfAbsent(partition, p -> new PartitionState());
        state.open.add(offset);
        state.next = Math.max(state.next, offset + 1);
    }

    /** The record at {@code offset} is done with; returns false when it was not open here (a stale report). */
    public boolean finished(TopicPartition partition, long offset) {
        PartitionState state = partitions.get(partition);
        return state != null && state.open.remove(offset);
    }

    /** The offset a commit of {@code partition} would store now (the next record to read after a restart). */
    public OptionalLong committable(TopicPartition partition) {
        PartitionState state = partitions.get(partition);
        return state == null || state.next < 0 ? OptionalLong.empty() : OptionalLong.of(state.frontier());
    }

    /** The offsets that moved since the last call, marked as committed. */
    public Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((partition, state) -> {
            long frontier = state.frontier();
            if (state.next >= 0 && frontier > state.lastCommitted) {
                out.put(partition, new OffsetAndMetadata(frontier));
                state.lastCommitted = frontier;
            }
        });
        return out;
    }

    /** A commit of these offsets failed: offer them again next time. */
    public void commitFailed(Collection<TopicPartition> failed) {
        failed.forEach(partition -> {
            PartitionState state = partitions.get(partition);
            if (state != null) {
                state.lastCommitted = -1;
            }
        });
    }

    /** Stops tracking partitions this consumer no longer owns. */
    public void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }
}
