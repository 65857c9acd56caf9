package dev.onboarding.bridge.egress;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * <p>This class builds the clients and runs the parts on one thread: the {@link ResponderLoop} (poll, pause,
 * commit, rebalance; the only user of the consumer), the {@link ResponseReader}, the {@link ResponseQueues}
 * (retry records wait there until due, their offsets uncommitted, so a response waiting minutes never blocks
 * others on its partition; when too many wait, the retry partitions pause), and the {@link OutcomeRecorder}
 * (retry topic, dead letters, finish), which reports back to the loop from the HTTP and producer callbacks.
 */
public final class CloudFormationResponder implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(CloudFormationResponder.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EgressConfig config;
    private final KafkaSettings kafka;
    private final Topic<String, CfnResponse> responses;
    private final Topic<String, CfnResponse> retries;
    private final Clock clock;
    private final ResponseQueues queues;
    private final ResponderMetrics metrics;
    private final MeterRegistry meters;
    private List<KafkaClientMetrics> clientMetrics = List.of();
    private final ResponseDelivery delivery;
    private final String clientId;
    private final TopicCatalog topics;

    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private volatile ResponderLoop loop;
    private Thread thread;

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
        this.queues = new ResponseQueues(clock);
        this.meters = meters;
        this.metrics = new ResponderMetrics(meters, queues::inFlight);
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
        OutcomeRecorder recorder = new OutcomeRecorder(producer, retries,
                new ResponseDeadLetters(producer, topics.cfnResponsesDlq()), config.retrySchedule(), metrics, clock);
        loop = new ResponderLoop(clientId, config, consumer, responses.name(), retries.name(),
                new ResponseReader(responses, retries.name(), config.backoffBase(), clock, clientId), queues,
                new DeliveryPreflight(config.urlPolicy()), delivery, recorder, clock);
        // The clients' own metrics (lag, fetch and record rates, errors) next to the responder's.
        clientMetrics = List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(producer));
        clientMetrics.forEach(binder -> binder.bindTo(meters));
        thread = new Thread(this::run, clientId);
        thread.start();
        LOG.info("responder {} started: topics {} and {}, group {}, at most {} in flight", clientId, responses.name(),
                retries.name(), config.groupId(), config.maxInFlight());
    }

    @Override
    public boolean isReady() {
        ResponderLoop running = loop;
        return running != null && running.isReady();
    }

    @Override
    public boolean isAlive() {
        ResponderLoop running = loop;
        return running == null || !running.failed();
    }

    /** Stops taking responses, waits up to the drain timeout for those in flight, commits, releases. */
    @Override
    public void close() {
        Thread stopping;
        synchronized (this) {
            stopping = thread;
            if (stopping == null) {
                delivery.close(); // never started: only the HTTP client holds resources
                return;
            }
            if (!loop.running()) {
                return;
            }
            loop.stop();
        }
        // No wakeup(): the loop never blocks longer than its longest poll, and a pending wakeup would break
        // the final commit.
        try {
            stopping.join(config.drainTimeout().plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            LOG.warn("responder {} did not stop in time", clientId);
        }
    }

    /** The poll thread: the loop, then the clients closed whatever ended it. */
    private void run() {
        try {
            loop.run();
        } finally {
            Duration grace = Duration.ofSeconds(10);
            clientMetrics.forEach(KafkaClientMetrics::close);
            closeQuietly(() -> consumer.close(grace));
            closeQuietly(() -> producer.close(grace));
            closeQuietly(delivery::close);
            loop.stop();
            LOG.info("responder {} stopped ({} responses handled, {} still in flight)", clientId, loop.handled(),
                    queues.inFlight());
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
