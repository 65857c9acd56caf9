package dev.onboarding.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.ContractSamples;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * An independent reader: Confluent's own Python client (Debian's {@code python3-confluent-kafka} with
 * {@code python3-avro}) consumes what our serde wrote and decodes it through the registry. Runs only where
 * those packages are installed.
 */
@EnabledIf("confluentPythonInstalled")
class ConfluentPythonReaderTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    static boolean confluentPythonInstalled() {
        try {
            Process probe = new ProcessBuilder(PYTHON, "-c", "import avro.io, confluent_kafka.avro")
                    .redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void confluentsPythonDeserializerReadsWhatWeWrite() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String registryUrl = ApicurioRegistry.shared().confluentApiUrl();
        RestSchemaRegistry registry = new RestSchemaRegistry(RegistrySettings.of(registryUrl));
        String run = "python-reader-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, SpecificRecord> written = new HashMap<>();
        written.put(run + ".callbacks", ContractSamples.cfnCallback());
        written.put(run + ".dead-letters", ContractSamples.deadLetterFromKafka());
        written.put(run + ".integrations", ContractSamples.integration());
        for (Map.Entry<String, SpecificRecord> entry : written.entrySet()) {
            kafka.createTopic(entry.getKey(), 1);
            produce(kafka, registry, entry.getKey(), entry.getValue());
        }

        Map<String, JsonNode> read = readWithConfluentPython(kafka.bootstrapServers(), registryUrl,
                List.copyOf(written.keySet()));

        JsonNode callback = read.get(run + ".callbacks");
        CfnCallback expected = ContractSamples.cfnCallback();
        assertThat(callback.get("requestType").asText()).isEqualTo("UPDATE");
        assertThat(callback.get("requestId").asText()).isEqualTo(expected.getRequestId());
        assertThat(callback.get("physicalResourceId").asText()).isEqualTo(expected.getPhysicalResourceId());
        assertThat(callback.get("serviceTimeoutSeconds").asInt()).isEqualTo(900);
        assertThat(callback.get("sentAt").asLong()).isEqualTo(ContractSamples.T0.toEpochMilli());
        assertThat(callback.at("/roleVerification/outcome").asText()).isEqualTo("VERIFIED");
        assertThat(callback.at("/roleVerification/verifiedAt").asLong())
                .isEqualTo(expected.getRoleVerification().getVerifiedAt().toEpochMilli());

        JsonNode deadLetter = read.get(run + ".dead-letters");
        DeadLetter expectedLetter = ContractSamples.deadLetterFromKafka();
        assertThat(deadLetter.get("reasonCode").asText()).isEqualTo(expectedLetter.getReasonCode());
        assertThat(deadLetter.get("originalValue").asText()).isEqualTo("7b00ff");
        assertThat(deadLetter.at("/source/offset").asLong()).isEqualTo(1_234_567_890_123L);
        assertThat(deadLetter.at("/source/headers/0/key").asText()).isEqualTo("trace");
        assertThat(deadLetter.at("/source/headers/0/value").asText()).isEqualTo("616263");
        assertThat(deadLetter.at("/source/headers/1/value").isNull()).isTrue();
        assertThat(deadLetter.get("application").isNull()).isTrue();

        JsonNode integration = read.get(run + ".integrations");
        Integration expectedIntegration = ContractSamples.integration();
        assertThat(integration.get("status").asText()).isEqualTo("CONNECTED");
        assertThat(integration.at("/tags/team").asText()).isEqualTo("platform");
        assertThat(integration.get("version").asLong()).isEqualTo(expectedIntegration.getVersion());
        assertThat(integration.get("connectedAt").asLong())
                .isEqualTo(expectedIntegration.getConnectedAt().toEpochMilli());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void produce(EmbeddedKafka kafka, SchemaRegistry registry, String topic,
            T value) throws Exception {
        AvroSerde<T> serde = AvroSerde.forValues((Class<T>) value.getClass(), registry, true);
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static Map<String, JsonNode> readWithConfluentPython(String bootstrap, String registryUrl,
            List<String> topics) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(ConfluentPythonReaderTest.class.getResource("/confluent-python/read_topics.py").toURI());
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), bootstrap, registryUrl));
        command.addAll(topics);
        Process python = new ProcessBuilder(command).redirectErrorStream(false).start();
        // Drain stderr on its own thread so a chatty librdkafka cannot block the process.
        StringBuilder errors = new StringBuilder();
        Thread stderr = new Thread(() -> {
            try {
                errors.append(new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the exit code tells
            }
        });
        stderr.start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(90, TimeUnit.SECONDS)).isTrue();
        stderr.join(10_000);
        assertThat(python.exitValue()).as("python stderr:\n%s", errors).isZero();
        Map<String, JsonNode> byTopic = new HashMap<>();
        for (String line : output.strip().split("\n")) {
            JsonNode record = JSON.readTree(line);
            byTopic.put(record.get("topic").asText(), record.get("value"));
        }
        assertThat(byTopic).containsOnlyKeys(topics);
        return byTopic;
    }
}
