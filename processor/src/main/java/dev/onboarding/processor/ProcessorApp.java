package dev.onboarding.processor;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.processor.health.HealthConfig;
import dev.onboarding.processor.queries.IntegrationQueryServer;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor as a running service: the {@link OnboardingTopology} in Kafka Streams with exactly-once
 * processing, plus the {@link IntegrationQueryServer}. A stream thread that dies on an unexpected error
 * is replaced (its tasks restart from the last commit, so nothing is lost or doubled).
 */
public final class ProcessorApp implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);
    private static final long ADMIN_TIMEOUT_MS = 30_000;

    private final ProcessorConfig config;
    private final KafkaSettings kafka;
    private final TopicCatalog catalog;
    private final SchemaRegistry registry;
    private final ProcessorMetrics metrics;
    private final HealthConfig health;
    private KafkaStreams streams; // guarded by this
    private IntegrationQueryServer queryServer; // guarded by this

    /** An app over the given settings; nothing runs before {@link #start}. */
    public ProcessorApp(ProcessorConfig config, KafkaSettings kafka, TopicCatalog catalog, SchemaRegistry registry) {
        this(config, kafka, catalog, registry, ProcessorMetrics.none());
    }

    /** An app over the given settings that counts what it does in {@code metrics}; nothing runs before {@link #start}. */
    public ProcessorApp(ProcessorConfig config, KafkaSettings kafka, TopicCatalog catalog, SchemaRegistry registry,
            ProcessorMetrics metrics) {
        this(config, kafka, catalog, registry, metrics, HealthConfig.defaults());
    }

    /** As above, keeping integration health by {@code health}; nothing runs before {@link #start}. */
    public ProcessorApp(ProcessorConfig config, KafkaSettings kafka, TopicCatalog catalog, SchemaRegistry registry,
            ProcessorMetrics metrics, HealthConfig health) {
        this.health = health;
        this.config = config;
        this.kafka = kafka;
        this.catalog = catalog;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** An app configured from {@code processor.*}, {@code kafka.*}, {@code topics.*} and {@code schema.registry.*}. */
    public static ProcessorApp from(Settings settings) {
        return from(settings, ProcessorMetrics.none());
    }

    /** As {@link #from(Settings)}, counting what it does in {@code metrics}. */
    public static ProcessorApp from(Settings settings, ProcessorMetrics metrics) {
        ProcessorConfig config = ProcessorConfig.from(settings);
        KafkaSettings kafka = KafkaSettings.from(settings);
        RegistrySettings registrySettings = RegistrySettings.from(settings);
        SchemaRegistry registry = SchemaRegistries.connect(registrySettings);
        TopicCatalog catalog = TopicCatalog.create(TopicSettings.from(settings), registry,
                registrySettings.autoRegister());
        return new ProcessorApp(config, kafka, catalog, registry, metrics, HealthConfig.from(settings));
    }

    @Override
    public String name() {
        return "processor";
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("the processor was already started");
        }
        int partitions = callbackPartitions();
        Topology topology = OnboardingTopology.build(catalog, ProcessorSerdes.using(registry), config, partitions,
                partitionsOf(List.of(catalog.integrationRequests().name())).get(0), health);
        queryServer = IntegrationQueryServer.start(config.httpBindAddress(), config.httpPort(),
                config.httpAdvertisedHost());
        Properties props = streamsProperties(config, kafka, DeadLetterRoutes.of(catalog),
                Optional.of(queryServer.hostInfo().host() + ":" + queryServer.hostInfo().port()));
        props.put(ProcessorMetrics.CONFIG, metrics);
        streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it (its tasks resume from the last commit)", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("processor {} -> {}", before, now));
        queryServer.serve(streams, catalog.integrations().name(), catalog.integrations().valueSerde());
        streams.start();
        LOG.info("processor {} started: {} partitions per external-ID topic, queries at {}", config.applicationId(),
                partitions, queryServer.url());
    }

    @Override
    public synchronized boolean isReady() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public synchronized boolean isAlive() {
        if (streams == null) {
            return true;
        }
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
    }

    /** Where the interactive queries are served, e.g. {@code http://host:8090}; empty before {@link #start}. */
    public synchronized Optional<URI> queryUrl() {
        return Optional.ofNullable(queryServer).map(IntegrationQueryServer::url);
    }

    /** The running Kafka Streams instance (tests, metrics); empty before {@link #start}. */
    public synchronized Optional<KafkaStreams> streams() {
        return Optional.ofNullable(streams);
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            if (!streams.close(config.closeTimeout())) {
                LOG.warn("Kafka Streams did not stop within {}", config.closeTimeout());
            }
        }
        if (queryServer != null) {
            queryServer.close();
        }
        registry.close();
    }

    /** The Kafka Streams configuration of the processor. */
    public static Properties streamsProperties(ProcessorConfig config, KafkaSettings kafka, DeadLetterRoutes routes,
            Optional<String> applicationServer) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.internalReplicationFactor());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), config.producerBatchSize());
        // Inputs of one task need no timestamp alignment (a callback that overtakes its request is held), so
        // a task never waits on an input that has nothing committed yet, e.g. claim outcomes mid-transaction.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UnreadableRecordHandler.class);
        props.put(UnreadableRecordHandler.ROUTES_CONFIG, routes);
        applicationServer.ifPresent(server -> props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server));
        return props;
    }

    /**
     * The description of the processor's topology as configured by {@code settings} (for
     * {@code onboarding topology processor}); needs no broker and no registry.
     */
    public static String describeTopology(Settings settings) {
        TopicSettings topics = TopicSettings.from(settings);
        // Serdes are never called while describing: an in-process registry is enough.
        SchemaRegistry registry = InMemorySchemaRegistry.scope("processor-topology-description");
        TopicCatalog catalog = TopicCatalog.create(topics, registry, true);
        return OnboardingTopology.build(catalog, ProcessorSerdes.using(registry), ProcessorConfig.from(settings),
                topics.spec(TopicDefinition.CFN_CALLBACKS).partitions(),
                topics.spec(TopicDefinition.INTEGRATION_REQUESTS).partitions(), HealthConfig.from(settings))
                .describe().toString();
    }

    /**
     * Partition count of the callbacks topic, which every repartition keyed by external ID must share, and so must
     * the verification results topic (read by the same tasks): a different count would send results to tasks that
     * do not wait for them, so it stops the start with the reason.
     */
    private int callbackPartitions() {
        String topic = catalog.cfnCallbacks().name();
        String results = catalog.roleVerificationResults().name();
        List<Integer> counts = partitionsOf(List.of(topic, results));
        int partitions = counts.get(0);
        int resultPartitions = counts.get(1);
        if (resultPartitions != partitions) {
            throw new IllegalStateException("topic " + results + " has " + resultPartitions + " partitions and "
                    + topic + " has " + partitions + ": they must have the same count (the processor reads each "
                    + "result in the task of its external ID); recreate " + results + " with " + partitions);
        }
        return partitions;
    }

    /**
     * Partition counts of {@code topics}, in their order (the requests topic's is the count collection results are
     * repartitioned to by integration id).
     */
    private List<Integer> partitionsOf(List<String> topics) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            var descriptions = admin.describeTopics(topics).allTopicNames()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return topics.stream().map(t -> descriptions.get(t).partitions().size()).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("topic " + String.join(" or ", topics)
                        + " does not exist: create the topics first", e);
            }
            throw new IllegalStateException("cannot describe topic " + String.join(", ", topics) + ": "
                    + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + kafka.bootstrapServers() + " within "
                    + ADMIN_TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + String.join(", ", topics), e);
        }
    }
}
