package dev.onboarding.bridge.verification;

import dev.onboarding.bridge.ingress.AwsClients;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The bridge's role verifier as one service: consumes {@code onboarding.role-verifications} (what the processor
 * asks once it knows the external ID is the integration's), checks each role with the {@link RoleVerifier}, and
 * writes the result to {@code onboarding.role-verification-results} under the request's key (the external ID), so
 * it comes back to the processor task that asked. A request is committed only after its result is acknowledged;
 * a redelivered request gets the same result ({@link VerificationResults}). It runs with the rest of the bridge
 * ({@code onboarding bridge} or {@code all}).
 */
public final class RoleVerificationService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(RoleVerificationService.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final VerificationConfig config;
    private final KafkaSettings kafka;
    private final TopicCatalog topics;
    private final VerifierMetrics metrics;
    private final Clock clock;
    private final String clientId = "bridge-verifier-" + INSTANCES.incrementAndGet();
    private StsClient sts;
    private OrganizationsClient organizations;
    private RoleVerifier verifier;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile VerificationLoop loop;
    private Thread thread;

    /** A verifier service from its parts (tests, embedding). */
    public RoleVerificationService(VerificationConfig config, KafkaSettings kafka, TopicCatalog topics,
            MeterRegistry registry, Clock clock) {
        this.config = config;
        this.kafka = kafka;
        this.topics = topics;
        this.metrics = new VerifierMetrics(registry);
        this.clock = clock;
    }

    /** A verifier configured by {@code settings}: {@code bridge.*}, {@code kafka.*}, {@code schema.registry.*}, {@code topics.*}. */
    public static RoleVerificationService from(Settings settings, MeterRegistry registry) {
        RegistrySettings registrySettings = RegistrySettings.from(settings);
        TopicCatalog topics = TopicCatalog.create(TopicSettings.from(settings),
                SchemaRegistries.connect(registrySettings), registrySettings.autoRegister());
        return new RoleVerificationService(VerificationConfig.from(settings), KafkaSettings.from(settings), topics,
                registry, Clock.systemUTC());
    }

    @Override
    public String name() {
        return "bridge-verifier";
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the verifier was already started");
        }
        sts = RoleVerifier.stsClient(config, AwsClients.credentials(config.staticCredentials()));
        organizations = RoleVerifier.organizationsClient(config);
        verifier = new RoleVerifier(sts, organizations, config, clock, metrics);
        consumer = new KafkaConsumer<>(consumerProperties());
        producer = new KafkaProducer<>(producerProperties());
        loop = new VerificationLoop(clientId, config, consumer, producer, topics.roleVerifications(),
                topics.roleVerificationResults(), new VerificationResults(verifier, config.rememberedResults(),
                        metrics), DRAIN);
        thread = new Thread(this::run, clientId);
        thread.start();
        LOG.info("verifier {} started: {} to {}, group {}, at most {} AssumeRole/s ({} per account)", clientId,
                topics.roleVerifications().name(), topics.roleVerificationResults().name(), config.groupId(),
                config.ratePerSecond(), config.ratePerSecondPerAccount());
    }

    @Override
    public boolean isReady() {
        VerificationLoop running = loop;
        return running != null && running.isReady();
    }

    @Override
    public boolean isAlive() {
        VerificationLoop running = loop;
        return running == null || !running.failed();
    }

    /** The meters of this verifier. */
    public VerifierMetrics metrics() {
        return metrics;
    }

    /** Stops taking requests, lets those in flight finish (up to 30 s), commits, releases the clients. */
    @Override
    public void close() {
        Thread stopping;
        synchronized (this) {
            stopping = thread;
            if (stopping == null || !loop.running()) {
                return;
            }
            loop.stop();
        }
        try {
            stopping.join(DRAIN.plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            LOG.warn("verifier {} did not stop in time", clientId);
        }
    }

    private void run() {
        try {
            loop.run();
        } finally {
            Duration grace = Duration.ofSeconds(10);
            closeQuietly(() -> consumer.close(grace));
            closeQuietly(() -> producer.close(grace));
            closeQuietly(verifier::close);
            closeQuietly(sts::close);
            closeQuietly(organizations::close);
            loop.stop();
            LOG.info("verifier {} stopped ({} request(s) still open)", clientId, loop.open());
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = kafka.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The processor asks in transactions: only what it committed is verified.
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
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
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
