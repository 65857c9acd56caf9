package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ResponseQueuesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration MAX_WAIT = Duration.ofMillis(100);
    private static final CfnResponse READ = CfnResponse.newBuilder()
            .setRequestId("req")
            .setResponseUrl("https://example")
            .setStatus(ResponseStatus.SUCCESS)
            .setPhysicalResourceId("p")
            .setStackId("s")
            .setLogicalResourceId("l")
            .setDeadline(NOW.plusSeconds(3600))
            .build();

    private final ResponseQueues queues = new ResponseQueues(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void sendsWhatIsDueUpToTheInFlightBoundAndCountsItPerPartition() {
        PendingResponse first = read(0, 0, NOW);
        PendingResponse second = read(1, 1, NOW.minusSeconds(1));
        PendingResponse third = read(0, 2, NOW);
        queues.add(first);
        queues.add(second);
        queues.add(third);

        assertThat(queues.nextToSend(2)).isEqualTo(first);
        assertThat(queues.nextToSend(2)).isEqualTo(second);
        assertThat(queues.nextToSend(2)).isNull();
        assertThat(queues.hasReady()).isTrue();
        assertThat(queues.inFlight()).isEqualTo(2);
        assertThat(queues.onTheWire(List.of(partition(0)))).isTrue();

        queues.returned(first);
        assertThat(queues.onTheWire(List.of(partition(0)))).isFalse();
        assertThat(queues.onTheWire(List.of(partition(1)))).isTrue();
        assertThat(queues.nextToSend(2)).isEqualTo(third);
        assertThat(queues.hasReady()).isFalse();
    }

    @Test
    void waitingResponsesMoveOnInDueOrderAndThoseNotReadAreReadFirst() {
        PendingResponse later = read(0, 0, NOW.plusSeconds(2));
        PendingResponse unread = PendingResponse.taken(record(0, 1), NOW.plusSeconds(1)).at(NOW.plusSeconds(1));
        queues.add(later);
        queues.add(unread);
        assertThat(queues.waitingCount()).isEqualTo(2);
        assertThat(queues.pollWait(MAX_WAIT)).isEqualTo(MAX_WAIT);
        assertThat(queues.nextToSend(10)).isNull();

        ResponseQueues soon = new ResponseQueues(Clock.fixed(NOW.plusMillis(1_950), ZoneOffset.UTC));
        soon.add(later);
        assertThat(soon.pollWait(MAX_WAIT)).isEqualTo(Duration.ofMillis(50));

        ResponseQueues afterBoth = new ResponseQueues(Clock.fixed(NOW.plusSeconds(2), ZoneOffset.UTC));
        afterBoth.waitAgain(later);
        afterBoth.waitAgain(unread);
        afterBoth.promoteDue(pending -> pending.read(READ, NOW.plusSeconds(2)));
        PendingResponse firstOut = afterBoth.nextToSend(10);
        assertThat(firstOut.record().offset()).isEqualTo(1);
        assertThat(firstOut.response()).isEqualTo(READ);
        assertThat(afterBoth.nextToSend(10)).isEqualTo(later);
        assertThat(afterBoth.waitingCount()).isZero();
    }

    @Test
    void forgetsTheResponsesOfPartitionsTakenAway() {
        queues.add(read(0, 0, NOW));
        queues.add(read(0, 1, NOW.plusSeconds(5)));
        PendingResponse kept = read(1, 0, NOW);
        queues.add(kept);

        queues.forget(List.of(partition(0)));

        assertThat(queues.waitingCount()).isZero();
        assertThat(queues.nextToSend(10)).isEqualTo(kept);
        assertThat(queues.nextToSend(10)).isNull();
    }

    private static PendingResponse read(int partition, long offset, Instant due) {
        return PendingResponse.taken(record(partition, offset), NOW).read(READ, due);
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>("responses", partition, offset, new byte[0], new byte[0]);
    }

    private static TopicPartition partition(int partition) {
        return new TopicPartition("responses", partition);
    }
}
