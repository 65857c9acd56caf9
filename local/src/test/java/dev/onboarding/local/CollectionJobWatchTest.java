package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.JobCause;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The demo's view of the jobs topic: committed jobs per integration, as a collector would see them. */
class CollectionJobWatchTest {
    private static final String REGISTRY = "mock://cli-job-watch";

    @Test
    void countsCommittedJobsPerIntegrationOnly() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "jobs-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        AvroSerde<CollectionJob> serde = AvroSerde.forValues(CollectionJob.class,
                SchemaRegistries.connect(RegistrySettings.of(REGISTRY)), true);

        try (CollectionJobWatch watch = CollectionJobWatch.start(kafka.bootstrapServers(), REGISTRY, topic,
                Duration.ofSeconds(60));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "job-watch-test-" + UUID.randomUUID()),
                     new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "int-aborted", serde.serialize(topic, job("int-aborted",
                    JobCause.INITIAL))));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "int-a", serde.serialize(topic, job("int-a", JobCause.INITIAL))));
            producer.send(new ProducerRecord<>(topic, "int-a", serde.serialize(topic, job("int-a", JobCause.INITIAL))));
            producer.send(new ProducerRecord<>(topic, "int-a", serde.serialize(topic, job("int-a", JobCause.PERIODIC))));
            producer.send(new ProducerRecord<>(topic, "int-b", serde.serialize(topic, job("int-b", JobCause.PERIODIC))));
            producer.send(new ProducerRecord<>(topic, "int-a", "not avro".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(watch.seen("int-a").jobs()).isEqualTo(3);
                assertThat(watch.seen("int-b").jobs()).isEqualTo(1);
                assertThat(watch.undecodable()).isEqualTo(1);
            });
            assertThat(watch.seen("int-a").initialJobs()).isEqualTo(2);
            assertThat(watch.seen("int-a").lastArrivalNanos()).isPositive();
            assertThat(watch.seen("int-aborted").jobs()).as("aborted jobs never reach collectors").isZero();
        }
    }

    private static CollectionJob job(String integrationId, JobCause cause) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return CollectionJob.newBuilder()
                .setJobId(UUID.randomUUID().toString())
                .setIntegrationId(integrationId)
                .setTenantId("acme")
                .setAccountId("123456789012")
                .setRoleArn("arn:aws:iam::123456789012:role/R")
                .setExternalId("onb-test")
                .setRegion("us-east-1")
                .setService("ec2")
                .setResourceType("AWS::EC2::Instance")
                .setScheduledFor(now)
                .setDeadline(now.plusSeconds(60))
                .setCause(cause)
                .build();
    }
}
