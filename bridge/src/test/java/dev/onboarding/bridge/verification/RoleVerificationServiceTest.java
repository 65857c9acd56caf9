package dev.onboarding.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.config.Settings;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.StackSettings;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verifier service on the embedded broker and the STS stand-in: requests in, results out, commits after. */
class RoleVerificationServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static StsStandIn sts;

    private final String prefix = "v" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TopicCatalog topics;
    private Map<String, String> settings;

    @BeforeAll
    static void startSts() {
        sts = StsStandIn.start();
    }

    @AfterAll
    static void stopSts() {
        sts.close();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private RoleVerificationService start(Map<String, String> extra) {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        kafka.createTopic(prefix + ".role-verifications", 2);
        kafka.createTopic(prefix + ".role-verification-results", 2);
        String registry = "mock://" + prefix;
        StackSettings stack = StackSettings.of(kafka.bootstrapServers(), registry)
                .topic("role-verifications", prefix + ".role-verifications")
                .topic("role-verification-results", prefix + ".role-verification-results")
                .sts(sts).awsCredentials("test", "test")
                .with("bridge.verification.group-id", prefix + "-verifier")
                .with("bridge.verification.max-duration", "2s")
                .with("bridge.verification.initial-backoff", "200ms")
                .with("bridge.verification.max-backoff", "400ms");
        extra.forEach(stack::with);
        settings = stack.build();
        topics = TopicCatalog.create(TopicSettings.from(Settings.of(settings)),
                SchemaRegistries.connect(RegistrySettings.of(registry)), true);
        RoleVerificationService service = RoleVerificationService.from(Settings.of(settings),
                new SimpleMeterRegistry());
        service.start();
        closeables.add(service);
        await().atMost(WAIT).until(service::isReady);
        return service;
    }

    @Test
    void answersEveryRequestUnderItsKeyWithTheOutcomeOfItsRole() {
        start(Map.of());
        RoleVerificationRequest exact = RoleVerifierTest.request(RoleVerifierTest.randomAccount(), "Exact");
        sts.trust(exact.getRoleArn(), exact.getExternalId());
        RoleVerificationRequest open = RoleVerifierTest.request(RoleVerifierTest.randomAccount(), "Open");
        sts.trust(open.getRoleArn(), StsStandIn.Condition.NONE, null);
        RoleVerificationRequest missing = RoleVerifierTest.request(RoleVerifierTest.randomAccount(), "Missing");

        send(exact, open, missing);

        List<ConsumerRecord<String, RoleVerificationResult>> results = awaitResults(3);
        assertThat(results).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getExternalId()));
        assertThat(outcomeOf(results, exact)).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(outcomeOf(results, open)).isEqualTo(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
        assertThat(outcomeOf(results, missing)).isEqualTo(RoleVerificationOutcome.DENIED);
        RoleVerificationResult verified = results.stream().filter(r -> r.value().getVerificationId()
                .equals(exact.getVerificationId())).findFirst().orElseThrow().value();
        assertThat(verified.getIntegrationId()).isEqualTo(exact.getIntegrationId());
        assertThat(verified.getRoleArn()).isEqualTo(exact.getRoleArn());
        assertThat(verified.getRequestId()).isEqualTo(exact.getRequestId());
        await().atMost(WAIT).until(() -> committedTotal() == 3);
    }

    @Test
    void aRedeliveredRequestGetsTheSameResultWithoutNewStsCalls() {
        start(Map.of());
        RoleVerificationRequest request = RoleVerifierTest.request(RoleVerifierTest.randomAccount(), "Again");
        sts.trust(request.getRoleArn(), request.getExternalId());
        // Same RequestId, another integration's external ID and role: a different request, verified on its own.
        RoleVerificationRequest sameId = RoleVerificationRequest.newBuilder(
                RoleVerifierTest.request(RoleVerifierTest.randomAccount(), "Other"))
                .setVerificationId(request.getVerificationId()).build();

        send(request);
        awaitResults(1);
        send(request, sameId);

        List<ConsumerRecord<String, RoleVerificationResult>> results = awaitResults(3);
        List<RoleVerificationResult> forRequest = results.stream().map(ConsumerRecord::value)
                .filter(r -> r.getExternalId().equals(request.getExternalId())).toList();
        assertThat(forRequest).hasSize(2);
        assertThat(forRequest.get(1)).isEqualTo(forRequest.get(0));
        assertThat(sts.assumeRoleCalls(request.getRoleArn())).isEqualTo(3);
        assertThat(outcomeOf(results, sameId)).isEqualTo(RoleVerificationOutcome.DENIED);
    }

    @Test
    void aRequestIsCommittedOnlyOnceItsResultIsWritten() throws Exception {
        start(Map.of("bridge.verification.max-duration", "20s", "bridge.verification.attempt-timeout", "15s"));
        RoleVerificationRequest slow = RoleVerifierTest.request(RoleVerifierTest.randomAccount(), "Slow");
        sts.trust(slow.getRoleArn(), slow.getExternalId());
        sts.delayNext(slow.getRoleArn(), 1, Duration.ofSeconds(4));

        send(slow);

        await().atMost(WAIT).until(() -> sts.assumeRoleCalls(slow.getRoleArn()) >= 1);
        assertThat(committedTotal()).as("taken, not answered: not committed").isZero();
        awaitResults(1);
        await().atMost(WAIT).until(() -> committedTotal() == 1);
    }

    private void send(RoleVerificationRequest... requests) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("kafka.bootstrap.servers"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            Topic<String, RoleVerificationRequest> topic = topics.roleVerifications();
            for (RoleVerificationRequest request : requests) {
                producer.send(new ProducerRecord<>(topic.name(), request.getExternalId(),
                        topic.valueSerde().serializer().serialize(topic.name(), request))).get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ConsumerRecord<String, RoleVerificationResult>> awaitResults(int count) {
        Topic<String, RoleVerificationResult> topic = topics.roleVerificationResults();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("kafka.bootstrap.servers"));
        List<ConsumerRecord<String, RoleVerificationResult>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), WAIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(new ConsumerRecord<>(r.topic(),
                        r.partition(), r.offset(), new String(r.key()),
                        topic.valueSerde().deserializer().deserialize(r.topic(), r.value()))));
                return out.size() >= count;
            });
        }
        return out;
    }

    private static RoleVerificationOutcome outcomeOf(List<ConsumerRecord<String, RoleVerificationResult>> results,
            RoleVerificationRequest request) {
        return results.stream().map(ConsumerRecord::value)
                .filter(r -> r.getExternalId().equals(request.getExternalId())).findFirst().orElseThrow()
                .getVerification().getOutcome();
    }

    private long committedTotal() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("kafka.bootstrap.servers"));
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(prefix + "-verifier")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }
}
