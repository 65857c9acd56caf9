package dev.onboarding.bridge.egress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers CloudFormation: consumes {@code onboarding.cfn-responses} and {@code onboarding.cfn-responses.retry}
 * and PUTs each response to its ResponseURL, many at once.
 *
 * <p>Flow per response: preflight (deadline, URL policy, body) → PUT → delivered; or, on a retryable
 * failure, written to the retry topic with its next attempt time; or given up and dead-lettered. A
 * response is <em>finished</em> once that outcome is safely recorded (delivered, or the retry/dead letter
 * acknowledged by the broker), and offsets are committed only up to the lowest unfinished record of each
 * partition, so a crash re-sends at most what was in flight (a second PUT is harmless, a missing one is not).
 *
 * <p>One thread owns the consumer; HTTP and producer callbacks report back through a queue. Retry records
 * wait in memory until due (their offsets stay uncommitted), so a response waiting minutes never blocks
 * others on its partition; when too many wait, the retry partitions pause.
 */
public final class CloudFormationResponder implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(CloudFormationResponder.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(100);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EgressConfig config;
    private final KafkaSettings kafka;
    private final Topic<String, CfnResponse> responses;
    private final Topic<String, CfnResponse> retries;
    private final Clock clock;
    private final DeliveryPreflight preflight;
    private final RetrySchedule schedule;
    private final ResponderMetrics metrics;
    private final MeterRegistry meters;
    private List<KafkaClientMetrics> clientMetrics = List.of();
    private final ResponseDelivery delivery;
    private final String clientId;
    private final TopicCatalog topics;

    /** Written by callbacks, read by the poll thread. */
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Dispatched and not yet finished; read by the gauge. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong handled = new AtomicLong();

    // Owned by the poll thread.
    private final CommittableOffsets offsets = new CommittableOffsets();
    private final ArrayDeque<Pending> ready = new ArrayDeque<>();
    private final PriorityQueue<Pending> waiting = new PriorityQueue<>(Comparator.comparing(Pending::due));
    private final Map<TopicPartition, Integer> dispatchedByPartition = new HashMap<>();
    private final Set<TopicPartition> owned = new HashSet<>();
    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private ResponseDeadLetters deadLetters;
    private Instant lastCommit = Instant.EPOCH;

    private volatile boolean running;
    private volatile boolean halted;
    private volatile boolean polling;
    private volatile boolean failed;
    private Thread thread;

    /**
     * A response taken from a topic, with the time it may be attempted and how often recording its outcome
     * failed (which stretches the wait before the next try).
     */
    private record Pending(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, CfnResponse response,
            String malformed, Instant due, int requeues) {
        Pending at(Instant when) {
            return new Pending(record, partition, response, malformed, when, requeues);
        }

        Pending requeued(Instant when) {
            return new Pending(record, partition, response, malformed, when, requeues + 1);
        }

        /** Not read yet (the registry was unreachable). */
        boolean undecoded() {
            return response == null && malformed == null;
        }
    }

    /** Reported by callbacks to the poll thread. */
    private sealed interface Event {
        Pending pending();
    }

    /** The response's outcome is recorded; its offset may be committed. */
    private record Finished(Pending pending) implements Event {
    }

    /** Its outcome could not be recorded (broker unavailable): try the whole thing again at its due time. */
    private record Requeue(Pending pending) implements Event {
    }

    /** A responder using {@code topics} for its topic names and serdes. */
    public CloudFormationResponder(EgressConfig config, KafkaSettings kafka, TopicCatalog topics,
            MeterRegistry meters) {
        this(config, kafka, topics, meters, Clock.systemUTC());
    }

    CloudFormationResponder(EgressConfig config, KafkaSettings kafka, TopicCatalog topics, MeterRegistry meters,
            Clock clock) {
        this.config = config;
        this.kafka = kafka;
        this.topics = topics;
        this.responses = topics.cfnResponses();
        this.retries = topics.cfnResponsesRetry();
        this.clock = clock;
        this.preflight = new DeliveryPreflight(config.urlPolicy());
        this.schedule = config.retrySchedule();
        this.meters = meters;
        this.metrics = new ResponderMetrics(meters, inFlight::get);
        this.delivery = new ResponseDelivery(config.connectTimeout(), config.requestTimeout(), config.maxInFlight());
        this.clientId = "bridge-responder-" + INSTANCES.incrementAndGet();
    }

    @Override
    public String name() {
        return "bridge-egress";
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the responder was already started");
        }
        consumer = new KafkaConsumer<>(consumerProperties());
        producer = new KafkaProducer<>(producerProperties());
        deadLetters = new ResponseDeadLetters(producer, topics.cfnResponsesDlq());
        // The clients' own metrics (lag, fetch and record rates, errors) next to the responder's.
        clientMetrics = List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(producer));
        clientMetrics.forEach(binder -> binder.bindTo(meters));
        running = true;
        thread = new Thread(this::run, clientId);
        thread.start();
        LOG.info("responder {} started: topics {} and {}, group {}, at most {} in flight", clientId, responses.name(),
                retries.name(), config.groupId(), config.maxInFlight());
    }

    @Override
    public boolean isReady() {
        return running && polling && !failed;
    }

    @Override
    public boolean isAlive() {
        return !failed;
    }

    /** Stops taking responses, waits up to the drain timeout for those in flight, commits, releases. */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops at once the way a crash would: nothing drained, nothing more committed. Requests already on
     * the wire may still complete. For tests of at-least-once delivery.
     */
    void halt() {
        stop(true);
    }

    private void stop(boolean abruptly) {
        Thread loop;
        synchronized (this) {
            loop = thread;
            if (loop == null) {
                delivery.close(); // never started: only the HTTP client holds resources
                return;
            }
            if (!running) {
                return;
            }
            halted = abruptly;
            running = false;
        }
        // No wakeup(): the loop never blocks longer than MAX_POLL_WAIT, and a pending wakeup would break
        // the final commit.
        try {
            loop.join(config.drainTimeout().plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop.isAlive()) {
            LOG.warn("responder {} did not stop in time", clientId);
        }
    }

    // ------------------------------------------------------------------ poll thread

    private void run() {
        try {
            consumer.subscribe(List.of(responses.name(), retries.name()), new Rebalance());
            while (running) {
                handleEvents();
                promoteDue();
                dispatchReady();
                adjustPauses();
                commitIfDue();
                boolean atCapacity = !ready.isEmpty();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(atCapacity ? Duration.ZERO : pollWait());
                polling = true;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record);
                }
                if (atCapacity && records.isEmpty()) {
                    // Everything we may run is running: sleep until something finishes.
                    awaitEvent(MAX_POLL_WAIT);
                }
            }
        } catch (RuntimeException | Error e) {
            failed = true;
            LOG.error("responder {} stopped on an unexpected error; unfinished responses stay uncommitted", clientId,
                    e);
        } finally {
            shutDown();
        }
    }

    private void shutDown() {
        try {
            if (!halted) {
                drainAndCommit();
            }
        } catch (RuntimeException e) {
            LOG.warn("responder {} could not commit its last offsets; the uncommitted responses will be sent again",
                    clientId, e);
        } finally {
            Duration grace = halted ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
            clientMetrics.forEach(KafkaClientMetrics::close);
            closeQuietly(() -> consumer.close(grace));
            closeQuietly(() -> producer.close(halted ? Duration.ZERO : grace));
            closeQuietly(delivery::close);
            polling = false;
            running = false;
            LOG.info("responder {} stopped ({} responses handled, {} still in flight)", clientId, handled.get(),
                    inFlight.get());
        }
    }

    private void drainAndCommit() {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            awaitEvent(MAX_POLL_WAIT);
        }
        handleEvents();
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.toCommit();
        if (!commit.isEmpty()) {
            consumer.commitSync(commit, Duration.ofSeconds(10));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.received(partition, record.offset());
        schedule(decode(new Pending(record, partition, null, null, clock.instant(), 0)));
    }

    private void schedule(Pending pending) {
        if (pending.due().isAfter(clock.instant())) {
            waiting.add(pending);
        } else {
            ready.add(pending);
        }
    }

    /**
     * Reads the record and sets when it is due: now, or its next attempt time on the retry topic. A record
     * that cannot be read is marked malformed (it will be dead-lettered); while the registry is unreachable
     * it stays undecoded and is tried again later, because a valid answer must never be dead-lettered for that.
     */
    private Pending decode(Pending pending) {
        ConsumerRecord<byte[], byte[]> record = pending.record();
        Instant now = clock.instant();
        CfnResponse response;
        try {
            response = record.value() == null ? null
                    : responses.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            Optional<SchemaRegistryException> registry = registryFailure(e);
            if (registry.isPresent() && (registry.get().httpStatus() < 0 || registry.get().httpStatus() >= 500)) {
                LOG.warn("responder {}: schema registry unavailable ({}); record {}-{}@{} will be read again",
                        clientId, registry.get().getMessage(), record.topic(), record.partition(), record.offset());
                return pending.at(now.plus(config.backoffBase()));
            }
            return new Pending(record, pending.partition(), null,
                    "the record is not a readable CfnResponse: " + e.getMessage(), now, pending.requeues());
        }
        if (response == null) {
            return new Pending(record, pending.partition(), null, "the record has no value", now, pending.requeues());
        }
        Instant due = now;
        if (record.topic().equals(retries.name()) && response.getNextAttemptAt() != null) {
            due = response.getNextAttemptAt();
            // A response whose deadline comes first is given up then, not after its next attempt time.
            if (response.getDeadline() != null && response.getDeadline().isBefore(due)) {
                due = response.getDeadline();
            }
        }
        return new Pending(record, pending.partition(), response, null, due, pending.requeues());
    }

    private static Optional<SchemaRegistryException> registryFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException registry) {
                return Optional.of(registry);
            }
        }
        return Optional.empty();
    }

    private void promoteDue() {
        Instant now = clock.instant();
        while (!waiting.isEmpty() && !waiting.peek().due().isAfter(now)) {
            Pending due = waiting.poll();
            schedule(due.undecoded() ? decode(due) : due);
        }
    }

    private void dispatchReady() {
        while (!ready.isEmpty() && inFlight.get() < config.maxInFlight()) {
            dispatch(ready.poll());
        }
    }

    private void adjustPauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> wanted = new HashSet<>();
        if (!ready.isEmpty()) {
            wanted.addAll(assigned); // backlog: fetch nothing more until capacity frees
        } else if (waiting.size() >= config.maxWaiting()) {
            assigned.stream().filter(p -> p.topic().equals(retries.name())).forEach(wanted::add);
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

    private Duration pollWait() {
        if (waiting.isEmpty()) {
            return MAX_POLL_WAIT;
        }
        Duration untilDue = Duration.between(clock.instant(), waiting.peek().due());
        if (untilDue.isNegative()) {
            return Duration.ZERO;
        }
        return untilDue.compareTo(MAX_POLL_WAIT) < 0 ? untilDue : MAX_POLL_WAIT;
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

    private void awaitEvent(Duration wait) {
        try {
            Event event = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (event != null) {
                handle(event);
                handleEvents();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void handleEvents() {
        Event event;
        while ((event = events.poll()) != null) {
            handle(event);
        }
    }

    private void handle(Event event) {
        Pending pending = event.pending();
        inFlight.decrementAndGet();
        dispatchedByPartition.merge(pending.partition(), -1, Integer::sum);
        if (event instanceof Requeue) {
            if (owned.contains(pending.partition())) {
                waiting.add(pending);
            }
            // else: the new owner reads it again from the last commit.
            return;
        }
        offsets.finished(pending.partition(), pending.record().offset());
        handled.incrementAndGet();
    }

    private void dispatch(Pending pending) {
        inFlight.incrementAndGet();
        dispatchedByPartition.merge(pending.partition(), 1, Integer::sum);
        if (pending.response() == null) {
            giveUp(pending, new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.MALFORMED_RECORD, pending.malformed()));
            return;
        }
        DeliveryPreflight.Plan plan = preflight.check(pending.response(), clock.instant());
        if (plan instanceof DeliveryPreflight.Refuse refuse) {
            giveUp(pending, refuse.giveUp());
            return;
        }
        DeliveryPreflight.Send send = (DeliveryPreflight.Send) plan;
        if (send.bodyCut()) {
            LOG.info("response {} for stack {}: Reason/Data cut to fit {} bytes", pending.response().getRequestId(),
                    pending.response().getStackId(), CloudFormationResponseBody.MAX_BYTES);
        }
        delivery.put(send.url(), send.body()).whenComplete((outcome, error) -> {
            try {
                afterAttempt(pending, error == null ? outcome
                        : new DeliveryOutcome.Retryable("unexpected error (" + error.getClass().getSimpleName() + ")"));
            } catch (RuntimeException e) {
                requeue(pending, e);
            }
        });
    }

    // ------------------------------------------------------------------ callback threads

    private void afterAttempt(Pending pending, DeliveryOutcome outcome) {
        CfnResponse response = pending.response();
        Instant now = clock.instant();
        if (outcome instanceof DeliveryOutcome.Delivered) {
            metrics.delivered(response.getDecidedAt(), now);
            LOG.debug("response {} for stack {} delivered to {} (attempt {})", response.getRequestId(),
                    response.getStackId(), host(response), response.getAttempt() + 1);
            finish(pending);
        } else if (outcome instanceof DeliveryOutcome.Retryable retryable) {
            int attemptsMade = response.getAttempt() + 1;
            Optional<Instant> next = schedule.nextAttempt(attemptsMade, now, response.getDeadline(),
                    ThreadLocalRandom.current().nextDouble());
            if (next.isEmpty()) {
                giveUp(pending, new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.DEADLINE_PASSED,
                        "no attempt fits before the deadline " + response.getDeadline() + " after " + attemptsMade
                                + " attempt(s); last error: " + retryable.detail()));
            } else {
                moveToRetry(pending, attemptsMade, next.get(), retryable.detail());
            }
        } else {
            giveUp(pending, (DeliveryOutcome.GiveUp) outcome);
        }
    }

    private void moveToRetry(Pending pending, int attemptsMade, Instant nextAttemptAt, String detail) {
        CfnResponse response = pending.response();
        CfnResponse again = CfnResponse.newBuilder(response)
                .setAttempt(attemptsMade)
                .setNextAttemptAt(nextAttemptAt)
                .setLastError(detail)
                .build();
        try {
            byte[] value = retries.valueSerde().serializer().serialize(retries.name(), again);
            producer.send(new ProducerRecord<>(retries.name(), pending.record().key(), value), (metadata, error) -> {
                if (error != null) {
                    requeue(pending, error);
                    return;
                }
                metrics.retried();
                LOG.info("response {} for stack {} to {}: attempt {} failed ({}); next attempt at {}",
                        response.getRequestId(), response.getStackId(), host(response), attemptsMade, detail,
                        nextAttemptAt);
                finish(pending);
            });
        } catch (RuntimeException e) {
            requeue(pending, e);
        }
    }

    private void giveUp(Pending pending, DeliveryOutcome.GiveUp giveUp) {
        deadLetters.send(pending.record(), giveUp, clock.instant()).whenComplete((written, error) -> {
            if (error != null) {
                requeue(pending, error);
                return;
            }
            metrics.givenUp(giveUp.reasonCode());
            CfnResponse response = pending.response();
            if (response == null) {
                LOG.warn("gave up record {}-{}@{}: {} ({})", pending.record().topic(), pending.record().partition(),
                        pending.record().offset(), giveUp.reasonCode(), giveUp.reason());
            } else {
                LOG.warn("gave up response {} for stack {} to {}: {} ({})", response.getRequestId(),
                        response.getStackId(), host(response), giveUp.reasonCode(), giveUp.reason());
            }
            finish(pending);
        });
    }

    private void finish(Pending pending) {
        events.add(new Finished(pending));
    }

    private void requeue(Pending pending, Throwable error) {
        Duration wait = schedule.backoff(pending.requeues() + 1, ThreadLocalRandom.current().nextDouble());
        LOG.warn("response at {}-{}@{}: could not record its outcome ({}); trying it again in {}",
                pending.record().topic(), pending.record().partition(), pending.record().offset(), error.toString(),
                wait);
        events.add(new Requeue(pending.requeued(clock.instant().plus(wait))));
    }

    private static String host(CfnResponse response) {
        return ResponseUrlPolicy.hostForLogs(response.getResponseUrl());
    }

    // ------------------------------------------------------------------ set-up

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
            ready.removeIf(p -> partitions.contains(p.partition()));
            waiting.removeIf(p -> partitions.contains(p.partition()));
            if (commit && !halted) {
                // Let what is on the wire finish so the new owner does not send it again.
                long deadline = System.nanoTime() + config.drainTimeout().toNanos();
                while (partitions.stream().anyMatch(p -> dispatchedByPartition.getOrDefault(p, 0) > 0)
                        && System.nanoTime() < deadline && running) {
                    awaitEvent(MAX_POLL_WAIT);
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

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = kafka.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The processor writes responses in transactions.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = kafka.clientProperties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        return p;
    }

    private static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.debug("error while closing", e);
        }
    }
}
