package dev.onboarding.scheduler;

import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import dev.onboarding.schemas.topics.TopicSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler process: creates its topics (when configured to), then runs the {@link SchedulingTopology} with
 * exactly-once processing. Instances sharing {@code scheduler.application-id} split the partitions between them.
 */
public final class SchedulerApp implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerApp.class);
    private static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);

    private final SchedulerConfig config;
    private final SchemaRegistry registry;
    private final TickStatistics statistics = new TickStatistics();
    private volatile KafkaStreams streams;
    private volatile boolean failed;

    /** An app for {@code config}; nothing runs until {@link #start()}. */
    public SchedulerApp(SchedulerConfig config) {
        this.config = config;
        this.registry = SchemaRegistries.connect(config.registry());
    }

    /** An app for {@code config} that publishes its {@link #statistics()} in {@code metrics} ({@link SchedulerMetrics}). */
    public SchedulerApp(SchedulerConfig config, MeterRegistry metrics) {
        this(config);
        SchedulerMetrics.bind(statistics, config.plan(), metrics);
    }

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("the scheduler is already started");
        }
        CollectionPlan plan = config.plan();
        LOG.info("starting the scheduler: {}; {}; {} jobs/s per account at steady state", config, plan,
                String.format("%.3f", plan.jobsPerSecondPerAccount()));
        if (config.createTopics()) {
            createTopics();
        }
        KafkaStreams created = new KafkaStreams(SchedulingTopology.build(config, registry, statistics),
                config.streamsProperties());
        created.setUncaughtExceptionHandler(e -> {
            // A failed thread is replaced: its tasks restart from the last committed transaction.
            LOG.error("scheduler stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        created.setStateListener((now, before) -> {
            LOG.info("scheduler state {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                failed = true;
            }
        });
        streams = created;
        created.start();
    }

    private void createTopics() {
        try (Admin admin = Admin.create(config.kafka().clientProperties())) {
            TopicSettings topics = config.topics();
            List<TopicSpec> specs = List.of(topics.spec(TopicDefinition.INTEGRATIONS),
                    topics.spec(TopicDefinition.COLLECTION_JOBS), topics.spec(TopicDefinition.ROLE_VERIFICATIONS));
            new TopicCreator(admin, 30_000).create(specs).forEach(o -> LOG.info("topic {}: {} {}", o.topic(),
                    o.action(), o.detail()));
            TopicSpec jobs = topics.spec(TopicDefinition.COLLECTION_JOBS);
            NewTopic deadLetters = new NewTopic(config.deadLetterTopic(), Optional.of(jobs.partitions()),
                    jobs.replicationFactor() < 0 ? Optional.empty() : Optional.of(jobs.replicationFactor()))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(DEAD_LETTER_RETENTION.toMillis())));
            try {
                admin.createTopics(List.of(deadLetters)).all().get(30, TimeUnit.SECONDS);
                LOG.info("topic {}: CREATED", config.deadLetterTopic());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create " + config.deadLetterTopic() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating " + config.deadLetterTopic(), e);
        }
    }

    @Override
    public boolean isReady() {
        KafkaStreams current = streams;
        return current != null && current.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public boolean isAlive() {
        KafkaStreams current = streams;
        return !failed && (current == null || current.state() != KafkaStreams.State.ERROR);
    }

    /** What this instance has done so far. */
    public TickStatistics statistics() {
        return statistics;
    }

    /** The running Kafka Streams instance (null before {@link #start()}), for health checks and benchmarks. */
    public KafkaStreams streams() {
        return streams;
    }

    /** The configuration this app runs with. */
    public SchedulerConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        KafkaStreams current = streams;
        if (current != null) {
            // Leave the group so the other instances take over these partitions now, not after a session timeout.
            boolean clean = current.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(config.closeTimeout()));
            if (!clean) {
                LOG.warn("the scheduler did not stop within {}", config.closeTimeout());
            }
        }
        registry.close();
    }
}
