package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommittableOffsetsTest {
    private static final TopicPartition P0 = new TopicPartition("responses", 0);
    private static final TopicPartition P1 = new TopicPartition("responses", 1);
    private final CommittableOffsets offsets = new CommittableOffsets();

    @Test
    void commitsOnlyBelowTheLowestOpenRecord() {
        for (long o = 10; o < 15; o++) {
            offsets.received(P0, o);
        }
        offsets.finished(P0, 11);
        offsets.finished(P0, 12);
        assertThat(offsets.committable(P0)).hasValue(10);
        offsets.finished(P0, 10);
        assertThat(offsets.committable(P0)).hasValue(13);
        offsets.finished(P0, 14);
        offsets.finished(P0, 13);
        assertThat(offsets.committable(P0)).hasValue(15);
        // Nothing stays open: a second report of any of them is stale.
        assertThat(LongStream.range(10, 15)).allSatisfy(o -> assertThat(offsets.finished(P0, o)).isFalse());
    }

    @Test
    void offersEachMoveOnceAndAgainAfterAFailedCommit() {
        offsets.received(P0, 0);
        offsets.received(P1, 5);
        assertThat(offsets.toCommit()).containsOnly(Map.entry(P0, new OffsetAndMetadata(0)),
                Map.entry(P1, new OffsetAndMetadata(5)));
        assertThat(offsets.toCommit()).isEmpty();
        offsets.finished(P1, 5);
        assertThat(offsets.toCommit()).containsOnly(Map.entry(P1, new OffsetAndMetadata(6)));
        offsets.commitFailed(List.of(P1));
        assertThat(offsets.toCommit()).containsOnly(Map.entry(P1, new OffsetAndMetadata(6)));
    }

    @Test
    void ignoresStaleReportsAndForgetsRevokedPartitions() {
        offsets.received(P0, 3);
        assertThat(offsets.finished(P0, 2)).isFalse();
        assertThat(offsets.finished(P1, 3)).isFalse();
        offsets.forget(List.of(P0));
        assertThat(offsets.committable(P0)).isEmpty();
        assertThat(offsets.finished(P0, 3)).isFalse();
        assertThat(offsets.toCommit()).isEmpty();
    }
}
