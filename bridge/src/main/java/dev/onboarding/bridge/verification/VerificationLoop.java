package dev.onboarding.bridge.verification;

import dev.onboarding.bridge.egress.CommittableOffsets;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verifier's poll thread, the only one touching the consumer. Each request taken stays open until its result
 * is acknowledged by the broker; each partition is committed up to its lowest open request, so a crash verifies
 * again at most what was in flight (the processor keeps the first result for a request and ignores the others).
 * While {@code maxPending} requests are open, the partitions pause.
 */
final class VerificationLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String clientId;
    private final VerificationConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Topic<String, RoleVerificationRequest> requests;
    private final Topic<String, RoleVerificationResult> results;
    private final VerificationResults verifications;
    private final Duration drainTimeout;
    private final CommittableOffsets offsets = new CommittableOffsets();
    private final Queue<Done> done = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private long lastCommit;
    private volatile boolean running = true;
    private volatile boolean polling;
    private volatile boolean failed;

    /** A finished request: its result acknowledged (or the request unreadable). */
    private record Done(TopicPartition partition, long offset) {
    }

    VerificationLoop(String clientId, VerificationConfig config, Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer, Topic<String, RoleVerificationRequest> requests,
            Topic<String, RoleVerificationResult> results, VerificationResults verifications, Duration drainTimeout) {
        this.clientId = clientId;
        this.config = config;
        this.consumer = consumer;
        this.producer = producer;
        this.requests = requests;
        this.results = results;
        this.verifications = verifications;
        this.drainTimeout = drainTimeout;
    }

    boolean isReady() {
        return running && polling && !failed;
    }

    boolean failed() {
        return failed;
    }

    boolean running() {
        return running;
    }

    void stop() {
        running = false;
        polling = false;
    }

    /** Requests taken on whose results are not acknowledged yet. */
    int open() {
        return open.get();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(requests.name()), new Rebalance());
            while (running) {
                takeDone();
                if (open.get() >= config.maxPending()) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                commitIfDue();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    accept(record);
                }
                polling = true;
            }
        } catch (RuntimeException | Error e) {
            failed = true;
            LOG.error("verifier {} stopped on an unexpected error; unfinished requests stay uncommitted", clientId, e);
        } finally {
            try {
                drainAndCommit();
            } catch (RuntimeException e) {
                LOG.warn("verifier {} could not commit its last offsets; those requests will be verified again",
                        clientId, e);
            }
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.received(partition, record.offset());
        open.incrementAndGet();
        RoleVerificationRequest request;
        try {
            request = record.value() == null ? null
                    : requests.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            // Only the processor writes this topic: a record it cannot have written is skipped, never retried forever.
            LOG.warn("verifier {} skips unreadable request at {}-{}@{}: {}", clientId, record.topic(),
                    record.partition(), record.offset(), e.toString());
            request = null;
        }
        if (request == null) {
            done.add(new Done(partition, record.offset()));
            return;
        }
        RoleVerificationRequest taken = request;
        verifications.resultOf(taken).whenComplete((result, error) -> {
            if (error != null) {
                // Closed while it ran: left open, so it is verified again after a restart.
                return;
            }
            send(record, partition, taken, result);
        });
    }

    /** Writes the result under the request's key; the request is done once the broker acknowledged it. */
    private void send(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, RoleVerificationRequest request,
            RoleVerificationResult result) {
        byte[] value = results.valueSerde().serializer().serialize(results.name(), result);
        producer.send(new ProducerRecord<>(results.name(), record.key(), value), (metadata, error) -> {
            if (error == null) {
                done.add(new Done(partition, record.offset()));
                return;
            }
            try (RequestLogContext ignored = RequestLogContext.of(request.getRequestId(), request.getIntegrationId(),
                    ExternalIds.redact(request.getExternalId()))) {
                LOG.warn("verifier {} could not write the result of {} (left uncommitted, verified again after a "
                        + "restart): {}", clientId, keyForLogs(record), error.toString());
            }
        });
    }

    private void takeDone() {
        Done finished;
        while ((finished = done.poll()) != null) {
            // Every request taken on is done once, whether its partition is still ours or not.
            open.decrementAndGet();
            offsets.finished(finished.partition(), finished.offset());
        }
    }

    private void commitIfDue() {
        long now = System.nanoTime();
        if (now - lastCommit < config.commitInterval().toNanos()) {
            return;
        }
        lastCommit = now;
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.toCommit();
        if (!commit.isEmpty()) {
            consumer.commitAsync(commit, (committed, error) -> {
                if (error != null) {
                    offsets.commitFailed(commit.keySet());
                    LOG.warn("verifier {} could not commit offsets (will retry): {}", clientId, error.toString());
                }
            });
        }
    }

    private void drainAndCommit() {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (open.get() > 0 && System.nanoTime() < deadline) {
            producer.flush();
            takeDone();
            if (open.get() > 0) {
                consumer.poll(Duration.ofMillis(50));
            }
        }
        takeDone();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.toCommit();
        if (!commit.isEmpty()) {
            consumer.commitSync(commit, Duration.ofSeconds(10));
        }
    }

    private static String keyForLogs(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "a request without a key"
                : "the request for " + ExternalIds.redact(new String(record.key(), StandardCharsets.UTF_8));
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Nothing to set up: requests are read from the last commit.
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
            takeDone();
            if (commit) {
                Map<TopicPartition, OffsetAndMetadata> commitNow = offsets.toCommit();
                commitNow.keySet().retainAll(partitions);
                if (!commitNow.isEmpty()) {
                    try {
                        consumer.commitSync(commitNow, Duration.ofSeconds(10));
                    } catch (RuntimeException e) {
                        LOG.warn("verifier {} could not commit on losing partitions {}: {}", clientId, partitions,
                                e.toString());
                    }
                }
            }
            // What is still running there finishes and writes its result; the new owner verifies it again and the
            // processor keeps the first result.
            offsets.forget(partitions);
            LOG.info("verifier {} released {}", clientId, partitions);
        }
    }
}
