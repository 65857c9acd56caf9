package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.KafkaHeader;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlq list} and {@code dlq redrive} against the shared broker. */
class DlqCommandTest {
    private final EmbeddedKafka kafka = EmbeddedKafka.shared();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String dlqTopic = "test-" + run + ".integration-requests.dlq";
    private final String sourceTopic = "test-" + run + ".integration-requests";
    private final String integrationsDlq = "test-" + run + ".integrations.dlq";
    private Path config;
    private TopicCatalog catalog;

    @TempDir
    Path dir;

    @BeforeEach
    void topicsAndConfig() throws Exception {
        Map<String, String> keys = Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", "mock://cli-dlq-" + run,
                "topics.partitions", "2",
                "topics.integration-requests-dlq.name", dlqTopic,
                "topics.integration-requests.name", sourceTopic,
                "topics.integrations-dlq.name", integrationsDlq);
        StringBuilder text = new StringBuilder();
        keys.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        config = Files.writeString(dir.resolve("dlq.properties"), text);
        Settings settings = Settings.of(keys);
        TopicSettings topics = TopicSettings.from(settings);
        TopicCreator.createAll(KafkaSettings.from(settings), topics);
        catalog = TopicCatalog.create(topics, SchemaRegistries.connect(RegistrySettings.from(settings)), true);
        try (KafkaProducer<String, DeadLetter> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
                catalog.integrationRequestsDlq().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(dlqTopic, "k1", letter("MALFORMED", "first-original"))).get();
            producer.send(new ProducerRecord<>(dlqTopic, "k2", letter("EXTERNAL_ID_REUSED", "second-original"))).get();
        }
    }

    private DeadLetter letter(String reason, String original) {
        return DeadLetter.newBuilder().setReasonCode(reason).setReason("because " + reason)
                .setOriginalKey(ByteBuffer.wrap(("key-" + original).getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(original.getBytes(StandardCharsets.UTF_8)))
                .setSource(KafkaSource.newBuilder().setTopic(sourceTopic).setPartition(0).setOffset(42)
                        .setHeaders(List.of(KafkaHeader.newBuilder().setKey("trace")
                                .setValue(ByteBuffer.wrap(new byte[] {1})).build()))
                        .build())
                .setDeadLetteredAt(Instant.now()).setApplication("processor").build();
    }

    @Test
    void listShowsEveryDeadLetterWithReasonAndSource() {
        CommandRun list = CommandRun.of("dlq", "list", dlqTopic, "--config", config.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("MALFORMED", "EXTERNAL_ID_REUSED", "kafka " + sourceTopic + "-0@42",
                "2 dead letter(s)");

        CommandRun filtered = CommandRun.of("dlq", "list", "integration-requests-dlq", "--reason", "MALFORMED",
                "--json", "--config", config.toString());
        assertThat(filtered.exitCode()).as(filtered.err()).isZero();
        assertThat(filtered.out().strip().lines()).hasSize(1).first().asString()
                .contains("\"reasonCode\":\"MALFORMED\"");
    }

    @Test
    void redriveSendsTheOriginalBytesBackToTheSourceTopic() {
        CommandRun refused = CommandRun.of("dlq", "redrive", dlqTopic, "--config", config.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("--position", "--all");

        CommandRun dry = CommandRun.of("dlq", "redrive", dlqTopic, "--all", "--dry-run", "--config",
                config.toString());
        assertThat(dry.out()).contains("would send 2 dead letter(s)");
        assertThat(readSource(Duration.ofSeconds(2))).isEmpty();

        CommandRun redrive = CommandRun.of("dlq", "redrive", dlqTopic, "--reason", "EXTERNAL_ID_REUSED", "--all",
                "--config", config.toString());
        assertThat(redrive.exitCode()).as(redrive.err()).isZero();
        assertThat(redrive.out()).contains("sent 1 dead letter(s)");
        List<ConsumerRecord<byte[], byte[]>> records = readSource(Duration.ofSeconds(30));
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("second-original");
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("key-second-original");
        assertThat(records.get(0).headers().lastHeader("trace").value()).containsExactly(1);
        assertThat(records.get(0).headers().lastHeader("onboarding-redriven-from")).isNotNull();
    }

    @Test
    void everyDeadLetterTopicOfTheCatalogIsAccepted() {
        for (String topic : List.of(integrationsDlq, "integrations-dlq", "cfn-callbacks-dlq", "cfn-responses-dlq")) {
            CommandRun list = CommandRun.of("dlq", "list", topic, "--config", config.toString());
            assertThat(list.exitCode()).as(topic + ": " + list.err()).isZero();
            assertThat(list.out()).as(topic).contains("0 dead letter(s)");
        }
        CommandRun redrive = CommandRun.of("dlq", "redrive", "integrations-dlq", "--all", "--config",
                config.toString());
        assertThat(redrive.exitCode()).as(redrive.err()).isZero();
        assertThat(redrive.out()).contains("sent 0 dead letter(s)");
    }

    @Test
    void anUnknownTopicIsOneClearLine() {
        CommandRun run = CommandRun.of("dlq", "list", "onboarding.collection-jobs", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: not a dead-letter topic: onboarding.collection-jobs");
    }

    @Test
    void topologyCommandPrintsBothStreamsApps() {
        CommandRun processor = CommandRun.of("topology", "processor");
        assertThat(processor.exitCode()).as(processor.err()).isZero();
        assertThat(processor.out()).contains("Sub-topology", "onboarding.cfn-callbacks", "onboarding.cfn-responses");
        CommandRun scheduler = CommandRun.of("topology", "scheduler");
        assertThat(scheduler.exitCode()).as(scheduler.err()).isZero();
        assertThat(scheduler.out()).contains("Sub-topology", "onboarding.integrations",
                "onboarding.collection-jobs");
    }

    private List<ConsumerRecord<byte[], byte[]>> readSource(Duration wait) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(sourceTopic, 0),
                    new TopicPartition(sourceTopic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && records.isEmpty()) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
