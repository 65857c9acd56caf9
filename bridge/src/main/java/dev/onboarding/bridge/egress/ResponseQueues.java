package dev.onboarding.bridge.egress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;

/**
 * Where responses are between their consumption and their outcome: <em>ready</em> to send, <em>waiting</em>
 * for their time (a retry's next attempt, a registry outage, a failed recording), or <em>on the wire</em>.
 * Retries wait here rather than on their partition, so a response waiting minutes never blocks the others.
 * Owned by the poll thread, except the in-flight count, which the gauge reads.
 */
final class ResponseQueues {
    private final ArrayDeque<PendingResponse> ready = new ArrayDeque<>();
    private final PriorityQueue<PendingResponse> waiting =
            new PriorityQueue<>(Comparator.comparing(PendingResponse::due));
    private final Map<TopicPartition, Integer> onTheWireByPartition = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Clock clock;

    /** Queues that tell due from waiting by {@code clock}. */
    ResponseQueues(Clock clock) {
        this.clock = clock;
    }

    /** Queues {@code pending}: ready when due, else waiting. */
    void add(PendingResponse pending) {
        if (pending.due().isAfter(clock.instant())) {
            waiting.add(pending);
        } else {
            ready.add(pending);
        }
    }

    /** A response whose outcome could not be recorded waits for its (new) due time. */
    void waitAgain(PendingResponse pending) {
        waiting.add(pending);
    }

    /** Moves the waiting responses that are due on, first reading with {@code read} those not read yet. */
    void promoteDue(UnaryOperator<PendingResponse> read) {
        Instant now = clock.instant();
        while (!waiting.isEmpty() && !waiting.peek().due().isAfter(now)) {
            PendingResponse due = waiting.poll();
            add(due.undecoded() ? read.apply(due) : due);
        }
    }

    /** The next ready response, counted on the wire; null when none is ready or {@code maxInFlight} are. */
    PendingResponse nextToSend(int maxInFlight) {
        if (ready.isEmpty() || inFlight.get() >= maxInFlight) {
            return null;
        }
        PendingResponse next = ready.poll();
        inFlight.incrementAndGet();
        onTheWireByPartition.merge(next.partition(), 1, Integer::sum);
        return next;
    }

    /** A response sent with {@link #nextToSend} has its outcome, or is to be tried again. */
    void returned(PendingResponse pending) {
        inFlight.decrementAndGet();
        onTheWireByPartition.merge(pending.partition(), -1, Integer::sum);
    }

    /** Whether responses are ready but not sent (everything allowed is in flight). */
    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** How many responses wait for their time. */
    int waitingCount() {
        return waiting.size();
    }

    /** How many responses are on the wire (or having their outcome recorded). */
    int inFlight() {
        return inFlight.get();
    }

    /** Whether any response of {@code partitions} is on the wire. */
    boolean onTheWire(Collection<TopicPartition> partitions) {
        return partitions.stream().anyMatch(p -> onTheWireByPartition.getOrDefault(p, 0) > 0);
    }

    /** How long a poll may block: until the next waiting response is due, at most {@code max}. */
    Duration pollWait(Duration max) {
        if (waiting.isEmpty()) {
            return max;
        }
        Duration untilDue = Duration.between(clock.instant(), waiting.peek().due());
        if (untilDue.isNegative()) {
            return Duration.ZERO;
        }
        return untilDue.compareTo(max) < 0 ? untilDue : max;
    }

    /** Drops the ready and waiting responses of partitions this consumer no longer owns. */
    void forget(Collection<TopicPartition> partitions) {
        ready.removeIf(p -> partitions.contains(p.partition()));
        waiting.removeIf(p -> partitions.contains(p.partition()));
    }
}
