package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.embedded.S3ResponseStandIn.RecordedRequest;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The responder end to end: the embedded broker in, the S3 stand-in out. */
class CloudFormationResponderTest {
    private static final Duration BROKER_WAIT = Duration.ofSeconds(90);
    private static final String REGION = "eu-west-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUN = new AtomicInteger();

    private static EmbeddedKafka kafka;
    private static S3ResponseStandIn s3;
    private static S3ResponseStandIn elsewhere;

    private TopicSettings topicSettings;
    private TopicCatalog topics;
    private String groupId;
    private MeterRegistry meters;
    private final List<CloudFormationResponder> responders = new ArrayList<>();

    @BeforeAll
    static void startServices() {
        kafka = EmbeddedKafka.shared();
        s3 = S3ResponseStandIn.start();
        elsewhere = S3ResponseStandIn.start();
    }

    @AfterAll
    static void stopServices() {
        s3.close();
        elsewhere.close();
    }

    @BeforeEach
    void freshTopics() {
        String run = "egress-" + RUN.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Settings settings = Settings.of(Map.of(
                "topics.cfn-responses.name", run + ".cfn-responses",
                "topics.cfn-responses-retry.name", run + ".cfn-responses.retry",
                "topics.cfn-responses-dlq.name", run + ".cfn-responses.dlq"));
        topicSettings = TopicSettings.from(settings);
        topics = TopicCatalog.create(topicSettings, SchemaRegistries.connect(RegistrySettings.of("mock://egress-test")),
                true);
        kafka.createTopic(topics.cfnResponses().name(), 1);
        kafka.createTopic(topics.cfnResponsesRetry().name(), 2);
        kafka.createTopic(topics.cfnResponsesDlq().name(), 1);
        groupId = run + "-responder";
        meters = new SimpleMeterRegistry();
        s3.reset();
        elsewhere.reset();
    }

    @AfterEach
    void stopResponders() {
        responders.forEach(CloudFormationResponder::close);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void putsTheProtocolBodyWithoutAContentTypeAndKeepsItWithinTheLimit() throws Exception {
        start(Map.of());
        CfnResponse success = response("req-ok").setData(Map.of("IntegrationId", "int-1")).build();
        CfnResponse longFailure = response("req-long").setStatus(ResponseStatus.FAILED)
                .setReason("role cannot be assumed: " + "z".repeat(8_000)).build();
        send(success, longFailure);

        await().atMost(BROKER_WAIT).until(() -> s3.requestCount() == 2);
        RecordedRequest ok = s3.requestsForPath(success.getResponseUrl()).get(0);
        assertThat(ok.method()).isEqualTo("PUT");
        assertThat(ok.contentType().orElse("")).isEmpty();
        JsonNode body = JSON.readTree(ok.body());
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("phys-req-ok");
        assertThat(body.get("StackId").asText()).isEqualTo(stackId());
        assertThat(body.get("RequestId").asText()).isEqualTo("req-ok");
        assertThat(body.get("LogicalResourceId").asText()).isEqualTo("CustomResource");
        assertThat(body.get("Data").get("IntegrationId").asText()).isEqualTo("int-1");

        RecordedRequest cut = s3.requestsForPath(longFailure.getResponseUrl()).get(0);
        assertThat(cut.body().length).isLessThanOrEqualTo(CloudFormationResponseBody.MAX_BYTES);
        assertThat(JSON.readTree(cut.body()).get("Reason").asText()).startsWith("role cannot be assumed: zzz")
                .endsWith(CloudFormationResponseBody.CUT_MARKER);

        await().atMost(BROKER_WAIT).until(() -> counter(ResponderMetrics.DELIVERED) == 2);
        assertThat(meters.get(ResponderMetrics.DECISION_TO_DELIVERY).timer().count()).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThroughTheRetryTopicUntilAccepted() {
        start(Map.of());
        CfnResponse flaky = response("req-flaky").build();
        s3.respondWith(flaky.getResponseUrl(), 500, 500, 200);
        send(flaky);

        await().atMost(BROKER_WAIT).until(() -> counter(ResponderMetrics.DELIVERED) == 1);
        List<RecordedRequest> attempts = s3.requestsForPath(flaky.getResponseUrl());
        assertThat(attempts).hasSize(3);
        // Each wait is at least half of the backoff (base 100 ms, then 200 ms).
        assertThat(Duration.between(attempts.get(0).receivedAt(), attempts.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(Duration.between(attempts.get(1).receivedAt(), attempts.get(2).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(counter(ResponderMetrics.RETRIED)).isEqualTo(2);

        List<CfnResponse> retries = readAll(topics.cfnResponsesRetry(), 2);
        assertThat(retries).extracting(CfnResponse::getAttempt).containsExactly(1, 2);
        assertThat(retries).allSatisfy(r -> {
            assertThat(r.getLastError()).isEqualTo("HTTP 500");
            assertThat(r.getNextAttemptAt()).isNotNull();
            assertThat(r.getRequestId()).isEqualTo("req-flaky");
        });
        assertThat(s3.requestsForPath(flaky.getResponseUrl())).hasSize(3);
    }

    @Test
    void aRejectedUrlIsTriedOnceAndDeadLettered() {
        start(Map.of());
        CfnResponse expired = response("req-403").build();
        s3.respondWith(expired.getResponseUrl(), 403);
        send(expired);

        DeadLetter dead = readAll(topics.cfnResponsesDlq(), 1).get(0);
        assertThat(dead.getReasonCode()).isEqualTo("HTTP_403");
        assertThat(dead.getApplication()).isEqualTo("bridge");
        KafkaSource source = (KafkaSource) dead.getSource();
        assertThat(source.getTopic()).isEqualTo(topics.cfnResponses().name());
        CfnResponse original = topics.cfnResponses().valueSerde().deserializer()
                .deserialize(source.getTopic(), bytes(dead.getOriginalValue()));
        assertThat(original.getRequestId()).isEqualTo("req-403");
        assertThat(s3.requestsForPath(expired.getResponseUrl())).hasSize(1);
        assertThat(meters.get(ResponderMetrics.GIVEN_UP).tag("reason", "HTTP_403").counter().count()).isEqualTo(1);
        assertThat(counter(ResponderMetrics.RETRIED)).isZero();
    }

    @Test
    void aGiveUpOnAnAnswerNamingNoIntegrationIsSaidAtDebugSoAFloodCannotFillTheLogsOneNamingItAtWarn() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger product = (Logger) LoggerFactory.getLogger("dev.onboarding");
        Level before = product.getLevel();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        product.setLevel(Level.DEBUG);
        try {
            start(Map.of());
            CfnResponse forged = response("req-forged").build();
            CfnResponse genuine = response("req-genuine").setIntegrationId("int-1").build();
            s3.respondWith(forged.getResponseUrl(), 403);
            s3.respondWith(genuine.getResponseUrl(), 403);
            send(forged, genuine);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<ILoggingEvent> gaveUp;
                synchronized (lines) { // the appender appends under its own lock
                    gaveUp = lines.list.stream()
                            .filter(e -> e.getFormattedMessage().startsWith("gave up response")).toList();
                }
                assertThat(gaveUp).hasSize(2);
                assertThat(gaveUp).filteredOn(e -> e.getFormattedMessage().contains("req-forged")).singleElement()
                        .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.DEBUG));
                assertThat(gaveUp).filteredOn(e -> e.getFormattedMessage().contains("req-genuine")).singleElement()
                        .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
            });
        } finally {
            root.detachAppender(lines);
            product.setLevel(before);
        }
    }

    @Test
    void responsesThatMustNotBeSentNeverTouchTheNetwork() {
        start(Map.of());
        CfnResponse offPolicy = response("req-elsewhere")
                .setResponseUrl(elsewhere.responseUrlFor(REGION, stackId(), "req-elsewhere")).build();
        CfnResponse late = response("req-late").setDeadline(Instant.now().minusSeconds(1)).build();
        send(offPolicy, late);
        sendRaw("req-garbage", "not avro at all".getBytes());

        List<DeadLetter> dead = readAll(topics.cfnResponsesDlq(), 3);
        Map<String, String> reasonByKey = dead.stream().collect(Collectors.toMap(
                d -> new String(bytes(d.getOriginalKey())), DeadLetter::getReasonCode));
        assertThat(reasonByKey).containsExactlyInAnyOrderEntriesOf(Map.of(
                "req-elsewhere", "RESPONSE_URL_NOT_HTTPS",
                "req-late", DeliveryOutcome.GiveUp.DEADLINE_PASSED,
                "req-garbage", DeliveryOutcome.GiveUp.MALFORMED_RECORD));
        assertThat(dead).allSatisfy(d -> assertThat(d.getReason()).doesNotContain("X-Amz-Signature"));
        assertThat(elsewhere.requestCount()).isZero();
        assertThat(s3.requestCount()).isZero();
    }

    @Test
    void aSlowOrFailingEndpointDoesNotHoldUpTheOthers() {
        start(Map.of("bridge.egress.request-timeout", "60s"));
        CfnResponse slow = response("req-slow").build();
        CfnResponse failing = response("req-failing").build();
        s3.delay(slow.getResponseUrl(), Duration.ofSeconds(45));
        s3.respondWith(failing.getResponseUrl(), 503);
        List<CfnResponse> others = IntStream.range(0, 20).mapToObj(i -> response("req-fast-" + i).build()).toList();
        // All on one partition, the slow and failing ones first.
        send(slow, failing);
        send(others.toArray(CfnResponse[]::new));

        await().atMost(Duration.ofSeconds(40)).until(() -> others.stream()
                .allMatch(r -> !s3.requestsForPath(r.getResponseUrl()).isEmpty())
                && counter(ResponderMetrics.DELIVERED) >= 20);
        // The slow one is still on the wire, the failing one is being retried: neither blocked the rest.
        assertThat(counter(ResponderMetrics.DELIVERED)).isEqualTo(20);
        assertThat(s3.requestsForPath(slow.getResponseUrl())).hasSize(1);
        await().atMost(BROKER_WAIT).until(() -> s3.requestsForPath(failing.getResponseUrl()).size() >= 2);
    }

    @Test
    void aResponderStoppedMidFlightLeavesWhatIsOnTheWireUncommittedForTheNextOne() throws Exception {
        CloudFormationResponder first = start(Map.of("bridge.egress.max-in-flight", "4"));
        List<CfnResponse> all = IntStream.range(0, 20).mapToObj(i -> response("req-crash-" + i).build()).toList();
        // Far longer than the steps below and the 2 s drain timeout: the first four are still on the wire at the stop.
        all.forEach(r -> s3.delay(r.getResponseUrl(), Duration.ofSeconds(20)));
        send(all.toArray(CfnResponse[]::new));

        await().atMost(BROKER_WAIT).until(() -> s3.requestCount() >= 4);
        // What a crash at this moment would leave: the periodic commits never pass a response on the wire.
        TopicPartition partition = new TopicPartition(topics.cfnResponses().name(), 0);
        await().atMost(BROKER_WAIT).until(() -> committed().containsKey(partition));
        assertThat(committed().get(partition).offset()).isZero();
        first.close();
        Set<String> onTheWire = s3.requests().stream().map(RecordedRequest::path).collect(Collectors.toSet());
        assertThat(onTheWire).hasSize(4);
        assertThat(committed().get(partition).offset()).isZero();
        all.forEach(r -> s3.delay(r.getResponseUrl(), Duration.ZERO));

        start(Map.of());
        await().atMost(BROKER_WAIT).until(() -> all.stream()
                .allMatch(r -> !s3.requestsForPath(r.getResponseUrl()).isEmpty()));
        // Those in flight at the stop were not committed, so the new instance sent them again.
        await().atMost(BROKER_WAIT).until(() -> onTheWire.stream()
                .allMatch(path -> s3.requestsForPath(path).size() >= 2));
        assertThat(readAllNow(topics.cfnResponsesDlq())).isEmpty();
    }

    @Test
    void anUnreachableRegistryDelaysResponsesButNeverDeadLettersThem() {
        RegistryOutage registry = new RegistryOutage(
                SchemaRegistries.connect(RegistrySettings.of("mock://egress-test")));
        start(Map.of(), TopicCatalog.create(topicSettings, registry, true));
        CfnResponse response = response("req-outage").build();
        send(response);

        await().atMost(BROKER_WAIT).until(() -> registry.refusedLookups.get() >= 3);
        assertThat(s3.requestCount()).isZero();
        assertThat(readAllNow(topics.cfnResponsesDlq())).isEmpty();

        registry.down = false;
        await().atMost(BROKER_WAIT).until(() -> counter(ResponderMetrics.DELIVERED) == 1);
        assertThat(s3.requestsForPath(response.getResponseUrl())).hasSize(1);
        assertThat(readAllNow(topics.cfnResponsesDlq())).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    /** The real in-memory registry behind a switch that makes it unreachable (as a REST registry that is down). */
    private static final class RegistryOutage implements SchemaRegistry {
        private final SchemaRegistry registry;
        private final AtomicInteger refusedLookups = new AtomicInteger();
        private volatile boolean down = true;

        RegistryOutage(SchemaRegistry registry) {
            this.registry = registry;
        }

        @Override
        public int register(String subject, Schema schema) {
            return registry.register(subject, schema);
        }

        @Override
        public int idOf(String subject, Schema schema) {
            return registry.idOf(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            if (down) {
                refusedLookups.incrementAndGet();
                throw new SchemaRegistryException("schema registry is unreachable", -1, null);
            }
            return registry.schemaById(id);
        }

        @Override
        public String url() {
            return "outage://" + registry.url();
        }
    }

    private CloudFormationResponder start(Map<String, String> overrides) {
        return start(overrides, topics);
    }

    private CloudFormationResponder start(Map<String, String> overrides, TopicCatalog catalog) {
        Map<String, String> values = new HashMap<>(Map.of(
                "bridge.egress.group-id", groupId,
                "bridge.egress.max-in-flight", "16",
                "bridge.egress.request-timeout", "10s",
                "bridge.egress.backoff.base", "100ms",
                "bridge.egress.backoff.max", "1s",
                "bridge.egress.commit-interval", "100ms",
                "bridge.egress.drain-timeout", "2s",
                EgressConfig.LOCAL_ORIGIN_KEY, s3.origin()));
        values.putAll(overrides);
        CloudFormationResponder responder = new CloudFormationResponder(EgressConfig.from(Settings.of(values)),
                KafkaSettings.of(kafka.bootstrapServers()), catalog, meters);
        responders.add(responder);
        responder.start();
        return responder;
    }

    private static String stackId() {
        return "arn:aws:cloudformation:" + REGION + ":123456789012:stack/onboarding/"
                + "6f1c2d3e-0000-4000-8000-000000000001";
    }

    private static CfnResponse.Builder response(String requestId) {
        return CfnResponse.newBuilder()
                .setRequestId(requestId)
                .setResponseUrl(s3.responseUrlFor(REGION, stackId(), requestId))
                .setStatus(ResponseStatus.SUCCESS)
                .setPhysicalResourceId("phys-" + requestId)
                .setStackId(stackId())
                .setLogicalResourceId("CustomResource")
                .setDeadline(Instant.now().plus(Duration.ofHours(1)))
                .setDecidedAt(Instant.now());
    }

    private void send(CfnResponse... responses) {
        Topic<String, CfnResponse> topic = topics.cfnResponses();
        try (KafkaProducer<String, CfnResponse> producer = new KafkaProducer<>(producerProperties(),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (CfnResponse response : responses) {
                producer.send(new ProducerRecord<>(topic.name(), response.getRequestId(), response));
            }
        }
    }

    private void sendRaw(String key, byte[] value) {
        Serializer<byte[]> raw = new ByteArraySerializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(), raw, raw)) {
            producer.send(new ProducerRecord<>(topics.cfnResponses().name(), key.getBytes(), value));
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** Waits until {@code topic} holds at least {@code count} records and returns them. */
    private <V> List<V> readAll(Topic<String, V> topic, int count) {
        List<V> values = new ArrayList<>();
        await().atMost(BROKER_WAIT).until(() -> {
            values.clear();
            values.addAll(readAllNow(topic));
            return values.size() >= count;
        });
        return values;
    }

    private <V> List<V> readAllNow(Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<V> out = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(record.value());
                }
            }
            return out;
        }
    }

    /** The offsets the responders' group committed. */
    private Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        }
    }

    private double counter(String name) {
        return meters.get(name).counter().count();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
