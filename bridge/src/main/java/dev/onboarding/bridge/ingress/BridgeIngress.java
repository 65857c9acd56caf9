package dev.onboarding.bridge.ingress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.bridge.ingress.IngressConfig.QueueSpec;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The bridge's ingress as one service: pollers on every regional queue (and on the regional SQS
 * dead-letter queues, where configured) feeding the callbacks topic through the {@link CallbackIntake}.
 * {@link #close()} stops polling, lets in-flight messages finish, deletes what Kafka acknowledged, and
 * releases the clients. It runs as {@code onboarding bridge} (or {@code all}).
 */
public final class BridgeIngress implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeIngress.class);

    private final IngressConfig config;
    private final KafkaSettings kafka;
    private final TopicCatalog topics;
    private final IngressMetrics metrics;
    private final Clock clock;
    private final List<RegionalQueuePoller> pollers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, SqsClient> receivers = new LinkedHashMap<>();
    private final Map<String, SqsClient> operations = new LinkedHashMap<>();
    private CallbackPublisher publisher;
    private ScheduledExecutorService visibilityTimer;
    private volatile boolean started;
    private volatile boolean closed;

    /** An ingress from its parts (tests, embedding). */
    public BridgeIngress(IngressConfig config, KafkaSettings kafka, TopicCatalog topics, MeterRegistry registry,
            Clock clock) {
        this.config = config;
        this.kafka = kafka;
        this.topics = topics;
        this.metrics = new IngressMetrics(registry);
        this.clock = clock;
    }

    /** An ingress configured by {@code settings}: {@code bridge.*}, {@code kafka.*}, {@code schema.registry.*}, {@code topics.*}. */
    public static BridgeIngress from(Settings settings, MeterRegistry registry) {
        IngressConfig config = IngressConfig.from(settings);
        RegistrySettings registrySettings = RegistrySettings.from(settings);
        TopicCatalog topics = TopicCatalog.create(TopicSettings.from(settings),
                SchemaRegistries.connect(registrySettings), registrySettings.autoRegister());
        return new BridgeIngress(config, KafkaSettings.from(settings), topics, registry, Clock.systemUTC());
    }

    @Override
    public String name() {
        return "bridge-ingress";
    }

    @Override
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("bridge ingress can only be started once");
        }
        try {
            startParts();
        } catch (RuntimeException e) {
            close(); // release whatever was built before the failure
            throw e;
        }
        started = true;
        LOG.info("bridge ingress started: {} queue(s), {} poller thread(s), Kafka {}", config.queues().size(),
                threads.size(), kafka);
    }

    private void startParts() {
        AwsCredentialsProvider credentials = AwsClients.credentials(config.staticCredentials());
        publisher = CallbackPublisher.create(kafka, topics, metrics);
        DeadLetters deadLetters = new DeadLetters(clock, config.deadLetterMaxOriginalBytes());
        CallbackParser parser = new CallbackParser(ResponseUrlPolicy.of(config.responseUrlLocalOrigin()),
                config.defaultServiceTimeout());
        CallbackIntake intake = new CallbackIntake(parser, publisher, deadLetters, metrics, clock);
        SqsDeadLetterDrain drain = new SqsDeadLetterDrain(publisher, deadLetters, metrics);
        RegionalQueuePoller.PollSettings poll = new RegionalQueuePoller.PollSettings(config.waitTime(),
                config.maxMessages(), config.visibilityTimeout(), config.maxInFlightPerPoller(),
                config.shutdownTimeout());

        for (QueueSpec queue : config.queues()) {
            int connections = config.pollersPerQueue() + (queue.deadLetterQueueUrl().isPresent() ? 1 : 0);
            SqsClient receiver = AwsClients.sqs(queue, credentials, connections + 1);
            SqsClient ops = AwsClients.sqs(queue, credentials, connections + 2);
            receivers.put(queue.region(), receiver);
            operations.put(queue.region(), ops);
            for (int i = 1; i <= config.pollersPerQueue(); i++) {
                addPoller(new RegionalQueuePoller(queue.region(), queue.queueUrl(), receiver, ops, intake, poll,
                        metrics, clock), "ingress-" + queue.region() + "-" + i);
            }
            queue.deadLetterQueueUrl().ifPresent(dlq -> addPoller(new RegionalQueuePoller(queue.region(), dlq,
                    receiver, ops, drain, poll, metrics, clock), "ingress-" + queue.region() + "-sqs-dlq"));
        }
        long period = Math.max(250, Math.min(5_000, config.visibilityTimeout().toMillis() / 4));
        visibilityTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingress-visibility");
            t.setDaemon(true);
            return t;
        });
        visibilityTimer.scheduleWithFixedDelay(() -> pollers.forEach(RegionalQueuePoller::extendVisibility), period,
                period, TimeUnit.MILLISECONDS);
        threads.forEach(Thread::start);
    }

    private void addPoller(RegionalQueuePoller poller, String threadName) {
        pollers.add(poller);
        threads.add(new Thread(poller, threadName));
    }

    @Override
    public boolean isReady() {
        return started && !closed && pollers.stream().allMatch(RegionalQueuePoller::isPolling);
    }

    @Override
    public boolean isAlive() {
        return !started || closed || threads.stream().allMatch(Thread::isAlive);
    }

    /** The meters of this ingress. */
    public IngressMetrics metrics() {
        return metrics;
    }

    /** Messages in flight across all pollers. */
    public int inFlight() {
        return pollers.stream().mapToInt(RegionalQueuePoller::inFlight).sum();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("bridge ingress stopping: {} message(s) in flight", inFlight());
        pollers.forEach(RegionalQueuePoller::stop);
        // Closing the receive clients cuts their long polls short; deletes use the other clients.
        receivers.values().forEach(BridgeIngress::closeQuietly);
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < pollers.size(); i++) {
            if (!threads.get(i).isAlive()) {
                continue; // never started
            }
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!pollers.get(i).awaitStopped(Duration.ofNanos(left))) {
                    threads.get(i).interrupt();
                    pollers.get(i).awaitStopped(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (visibilityTimer != null) {
            visibilityTimer.shutdownNow();
        }
        if (publisher != null) {
            publisher.close(Duration.ofSeconds(10));
        }
        operations.values().forEach(BridgeIngress::closeQuietly);
        LOG.info("bridge ingress stopped");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            LOG.debug("closing {} failed", closeable, e);
        }
    }
}
