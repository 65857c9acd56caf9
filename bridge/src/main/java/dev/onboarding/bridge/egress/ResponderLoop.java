package dev.onboarding.bridge.egress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder's poll thread, the only one touching the consumer. Each turn: take the reports of finished
 * and requeued responses, move waiting responses that are due to ready, send what the in-flight bound
 * allows (preflight, then the PUT, whose outcome goes to the {@link OutcomeRecorder}), pause the partitions
 * while a backlog waits, commit each partition up to its lowest unfinished record, and poll. A partition
 * taken away is drained (what is on the wire may finish) and committed before it goes; on stop, everything
 * in flight gets the drain timeout, then the last commit.
 */
final class ResponderLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderLoop.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(100);

    private final String clientId;
    private final EgressConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final String responsesTopic;
    private final String retryTopic;
    private final ResponseReader reader;
    private final ResponseQueues queues;
    private final DeliveryPreflight preflight;
    private final ResponseDelivery delivery;
    private final OutcomeRecorder recorder;
    private final Clock clock;
    private final CommittableOffsets offsets = new CommittableOffsets();
    private final Set<TopicPartition> owned = new HashSet<>();
    private final AtomicLong handled = new AtomicLong();
    private Instant lastCommit = Instant.EPOCH;

    private volatile boolean running = true;
    private volatile boolean polling;
    private volatile boolean failed;

    /** A loop over {@code consumer}, reading {@code responsesTopic} and {@code retryTopic}. */
    ResponderLoop(String clientId, EgressConfig config, Consumer<byte[], byte[]> consumer, String responsesTopic,
            String retryTopic, ResponseReader reader, ResponseQueues queues, DeliveryPreflight preflight,
            ResponseDelivery delivery, OutcomeRecorder recorder, Clock clock) {
        this.clientId = clientId;
        this.config = config;
        this.consumer = consumer;
        this.responsesTopic = responsesTopic;
        this.retryTopic = retryTopic;
        this.reader = reader;
        this.queues = queues;
        this.preflight = preflight;
        this.delivery = delivery;
        this.recorder = recorder;
        this.clock = clock;
    }

    /** Whether the loop runs and has polled (the consumer joined its group). */
    boolean isReady() {
        return running && polling && !failed;
    }

    /** Whether the loop stopped on an unexpected error. */
    boolean failed() {
        return failed;
    }

    /** Whether the loop was not asked to stop. */
    boolean running() {
        return running;
    }

    /** Asks the loop to stop after its current turn (it never blocks longer than 100 ms). */
    void stop() {
        running = false;
        polling = false;
    }

    /** Responses finished so far. */
    long handled() {
        return handled.get();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(responsesTopic, retryTopic), new Rebalance());
            while (running) {
                takeReports();
                queues.promoteDue(reader::read);
                sendReady();
                adjustPauses();
                commitIfDue();
                boolean atCapacity = queues.hasReady();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(atCapacity ? Duration.ZERO
                        : queues.pollWait(MAX_POLL_WAIT));
                polling = true;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record);
                }
                if (atCapacity && records.isEmpty()) {
                    // Everything we may run is running: sleep until something finishes.
                    awaitReport(MAX_POLL_WAIT);
                }
            }
        } catch (RuntimeException | Error e) {
            failed = true;
            LOG.error("responder {} stopped on an unexpected error; unfinished responses stay uncommitted", clientId,
                    e);
        } finally {
            try {
                drainAndCommit();
            } catch (RuntimeException e) {
                LOG.warn("responder {} could not commit its last offsets; the uncommitted responses will be sent "
                        + "again", clientId, e);
            }
        }
    }

    private void drainAndCommit() {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (queues.inFlight() > 0 && System.nanoTime() < deadline) {
            awaitReport(MAX_POLL_WAIT);
        }
        takeReports();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.toCommit();
        if (!commit.isEmpty()) {
            consumer.commitSync(commit, Duration.ofSeconds(10));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        PendingResponse taken = PendingResponse.taken(record, clock.instant());
        offsets.received(taken.partition(), record.offset());
        queues.add(reader.read(taken));
    }

    private void sendReady() {
        PendingResponse next;
        while ((next = queues.nextToSend(config.maxInFlight())) != null) {
            send(next);
        }
    }

    private void send(PendingResponse pending) {
        if (pending.response() == null) {
            recorder.giveUp(pending,
                    new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.MALFORMED_RECORD, pending.malformed()));
            return;
        }
        DeliveryPreflight.Plan plan = preflight.check(pending.response(), clock.instant());
        if (plan instanceof DeliveryPreflight.Refuse refuse) {
            recorder.giveUp(pending, refuse.giveUp());
            return;
        }
        DeliveryPreflight.Send send = (DeliveryPreflight.Send) plan;
        if (send.bodyCut()) {
            LOG.info("response {} for stack {}: Reason/Data cut to fit {} bytes", pending.response().getRequestId(),
                    pending.response().getStackId(), CloudFormationResponseBody.MAX_BYTES);
        }
        delivery.put(send.url(), send.body()).whenComplete((outcome, error) -> {
            try {
                recorder.attempted(pending, error == null ? outcome
                        : new DeliveryOutcome.Retryable("unexpected error (" + error.getClass().getSimpleName() + ")"));
            } catch (RuntimeException e) {
                recorder.requeue(pending, e);
            }
        });
    }

    private void adjustPauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> wanted = new HashSet<>();
        if (queues.hasReady()) {
            wanted.addAll(assigned); // backlog: fetch nothing more until capacity frees
        } else if (queues.waitingCount() >= config.maxWaiting()) {
            assigned.stream().filter(p -> p.topic().equals(retryTopic)).forEach(wanted::add);
        }
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> toResume = new HashSet<>(paused);
        toResume.removeAll(wanted);
        Set<TopicPartition> toPause = new HashSet<>(wanted);
        toPause.removeAll(paused);
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
    }

    private void commitIfDue() {
        Instant now = clock.instant();
        if (Duration.between(lastCommit, now).compareTo(config.commitInterval()) < 0) {
            return;
        }
        lastCommit = now;
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.toCommit();
        if (!commit.isEmpty()) {
            consumer.commitAsync(commit, (committed, error) -> {
                if (error != null) {
                    offsets.commitFailed(commit.keySet());
                    LOG.warn("responder {} could not commit offsets (will retry): {}", clientId, error.toString());
                }
            });
        }
    }

    private void awaitReport(Duration wait) {
        try {
            OutcomeRecorder.Report report = recorder.nextReport(wait);
            if (report != null) {
                take(report);
                takeReports();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void takeReports() {
        OutcomeRecorder.Report report;
        while ((report = recorder.nextReport()) != null) {
            take(report);
        }
    }

    private void take(OutcomeRecorder.Report report) {
        PendingResponse pending = report.pending();
        queues.returned(pending);
        if (report instanceof OutcomeRecorder.Requeue) {
            if (owned.contains(pending.partition())) {
                queues.waitAgain(pending);
            }
            // else: the new owner reads it again from the last commit.
            return;
        }
        offsets.finished(pending.partition(), pending.record().offset());
        handled.incrementAndGet();
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, false);
        }

        private void release(Collection<TopicPartition> partitions, boolean commit) {
            if (partitions.isEmpty()) {
                return;
            }
            owned.removeAll(partitions);
            queues.forget(partitions);
            if (commit) {
                // Let what is on the wire finish so the new owner does not send it again.
                long deadline = System.nanoTime() + config.drainTimeout().toNanos();
                while (queues.onTheWire(partitions) && System.nanoTime() < deadline && running) {
                    awaitReport(MAX_POLL_WAIT);
                }
                Map<TopicPartition, OffsetAndMetadata> commitNow = offsets.toCommit();
                if (!commitNow.isEmpty()) {
                    try {
                        consumer.commitSync(commitNow, Duration.ofSeconds(10));
                    } catch (RuntimeException e) {
                        LOG.warn("responder {} could not commit on losing partitions {}: {}", clientId, partitions,
                                e.toString());
                    }
                }
            }
            offsets.forget(partitions);
            LOG.info("responder {} released {}", clientId, partitions);
        }
    }
}
