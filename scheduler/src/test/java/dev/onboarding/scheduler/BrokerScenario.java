package dev.onboarding.scheduler;

import dev.onboarding.config.Settings;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.Integration;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One scheduler deployment on the shared embedded broker, with its own topics, application id and registry
 * scope, plus a producer of integrations and a read_committed reader of the jobs.
 */
final class BrokerScenario implements AutoCloseable {
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final EmbeddedKafka kafka = EmbeddedKafka.shared();
    private final String integrationsTopic = "it-" + suffix + ".integrations";
    private final String jobsTopic = "it-" + suffix + ".collection-jobs";
    private final String registryScope = "scheduler-it-" + suffix;
    private final int partitions;
    private final JobCatalog catalog;
    private final AvroSerde<Integration> integrationSerde = AvroSerde.forValues(Integration.class,
            InMemorySchemaRegistry.scope(registryScope), true);
    private final AvroSerde<CollectionJob> jobSerde = AvroSerde.forValues(CollectionJob.class,
            InMemorySchemaRegistry.scope(registryScope), true);
    private final KafkaProducer<String, Integration> producer;
    private final KafkaConsumer<String, CollectionJob> consumer;
    private final List<CollectionJob> jobs = new ArrayList<>();

    BrokerScenario(int partitions, JobCatalog catalog) {
        this.partitions = partitions;
        this.catalog = catalog;
        kafka.createTopic(integrationsTopic, partitions);
        kafka.createTopic(jobsTopic, partitions);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), integrationSerde.serializer());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), jobSerde.deserializer());
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(jobsTopic, p));
        }
        consumer.assign(all);
        consumer.seekToBeginning(all);
    }

    /** The config of one instance of this deployment, its RocksDB state in {@code stateDir}. */
    SchedulerConfig config(Path stateDir) {
        return SchedulerConfig.from(Settings.of(Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("schema.registry.url", "mock://" + registryScope),
                Map.entry("topics.integrations.name", integrationsTopic),
                Map.entry("topics.collection-jobs.name", jobsTopic),
                Map.entry("topics.partitions", String.valueOf(partitions)),
                Map.entry("scheduler.dead-letter-topic", "it-" + suffix + ".dlq"),
                Map.entry("scheduler.application-id", "scheduler-it-" + suffix),
                Map.entry("scheduler.state-dir", stateDir.toString()),
                Map.entry("scheduler.regions", "us-east-1,eu-west-1"),
                Map.entry("scheduler.slot-spacing", "1s"),
                Map.entry("scheduler.close-timeout", "20s"),
                // Quicker failure detection and commits than production: the test has a minute, not an hour.
                Map.entry("kafka.session.timeout.ms", "10000"),
                Map.entry("kafka.heartbeat.interval.ms", "1000"))))
                .withCatalog(catalog);
    }

    /** Publishes integration records and waits until the broker has them. */
    void send(List<Integration> integrations) {
        try {
            for (Integration integration : integrations) {
                producer.send(new ProducerRecord<>(integrationsTopic, integration.getIntegrationId(), integration))
                        .get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish integrations", e);
        }
    }

    /** Every committed job read so far (reads more first). */
    List<CollectionJob> jobs() {
        for (ConsumerRecord<String, CollectionJob> record : consumer.poll(Duration.ofMillis(200))) {
            jobs.add(record.value());
        }
        return List.copyOf(jobs);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
        InMemorySchemaRegistry.drop(registryScope);
    }
}
