package dev.onboarding.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.KafkaHeader;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.SqsSource;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * {@code onboarding dlq list|redrive <topic>}: inspect dead letters, and send chosen ones back where
 * they came from (their Kafka topic, or their SQS queue) once the cause is fixed.
 */
@Command(name = "dlq", description = "Inspect dead letters and send chosen ones back to their source.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Redrive.class, CommandLine.HelpCommand.class})
final class DlqCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One dead letter with where it sits. */
    record Letter(int partition, long offset, String key, DeadLetter value) {
        String position() {
            return partition + ":" + offset;
        }
    }

    /** Options shared by both subcommands. */
    static class Selection {
        @Parameters(index = "0", paramLabel = "TOPIC",
                description = "A dead-letter topic: its name (onboarding.cfn-callbacks.dlq) or id (cfn-callbacks-dlq).")
        String topic;

        @Option(names = "--reason", paramLabel = "CODE", description = "Only dead letters with this reason code.")
        String reason;

        @Option(names = "--max", paramLabel = "N", defaultValue = "1000",
                description = "Read at most N dead letters (default: ${DEFAULT-VALUE}).")
        int max;

        @CommandLine.Mixin
        ConfigOption config;

        /** Reads the dead letters of the topic, oldest first, filtered. */
        List<Letter> read(Settings settings, TopicCatalog catalog) {
            Topic<String, DeadLetter> dlq = deadLetterTopic(catalog, topic);
            Map<String, Object> props = KafkaSettings.from(settings).clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            List<Letter> letters = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(dlq.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (letters.size() < max && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        DeadLetter letter = dlq.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        if (reason == null || reason.equals(letter.getReasonCode())) {
                            letters.add(new Letter(r.partition(), r.offset(), r.key(), letter));
                        }
                    }
                }
            }
            return letters.size() > max ? letters.subList(0, max) : letters;
        }
    }

    /** Lists dead letters. */
    @Command(name = "list", description = "List dead letters: position, time, reason and source.")
    static final class ListLetters implements Runnable {
        @CommandLine.Mixin
        Selection selection;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Settings settings = selection.config.settings();
            PrintWriter out = spec.commandLine().getOut();
            List<Letter> letters = selection.read(settings, catalog(settings));
            for (Letter letter : letters) {
                if (json) {
                    out.println(toJson(letter));
                } else {
                    DeadLetter d = letter.value();
                    out.printf("%-10s %s %-28s %s | %s%n", letter.position(), d.getDeadLetteredAt(), d.getReasonCode(),
                            describeSource(d), d.getReason());
                }
            }
            if (!json) {
                out.println(letters.size() + " dead letter(s)");
            }
        }
    }

    /** Sends chosen dead letters back to their source. */
    @Command(name = "redrive", description = "Send chosen dead letters back to their source topic or SQS queue.")
    static final class Redrive implements Runnable {
        @CommandLine.Mixin
        Selection selection;

        @Option(names = "--position", paramLabel = "PARTITION:OFFSET", split = ",",
                description = "Only these dead letters (as printed by dlq list).")
        List<String> positions;

        @Option(names = "--all", description = "Every selected dead letter (required when no --position is given).")
        boolean all;

        @Option(names = "--dry-run", description = "Show what would be sent, send nothing.")
        boolean dryRun;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if ((positions == null || positions.isEmpty()) && !all) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "choose dead letters with --position PARTITION:OFFSET or --all (and optionally --reason)");
            }
            Settings settings = selection.config.settings();
            PrintWriter out = spec.commandLine().getOut();
            Set<String> wanted = positions == null ? Set.of() : new HashSet<>(positions);
            List<Letter> chosen = selection.read(settings, catalog(settings)).stream()
                    .filter(l -> wanted.isEmpty() || wanted.contains(l.position())).toList();
            Map<String, Object> props = KafkaSettings.from(settings).clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            int sent = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (Letter letter : chosen) {
                    DeadLetter d = letter.value();
                    String target = describeSource(d);
                    if (d.getOriginalValue() == null) {
                        out.println("skip " + letter.position() + ": no original bytes to send");
                        continue;
                    }
                    if (d.getOriginalValueSize() != null) {
                        out.println("skip " + letter.position() + ": only the first " + d.getOriginalValue().remaining()
                                + " of its " + d.getOriginalValueSize() + " bytes were kept (SHA-256 "
                                + d.getOriginalValueSha256() + "); sending a part would be a different message");
                        continue;
                    }
                    out.println((dryRun ? "would send " : "send ") + letter.position() + " -> " + target);
                    if (dryRun) {
                        continue;
                    }
                    if (d.getSource() instanceof KafkaSource k) {
                        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(k.getTopic(), null,
                                bytes(d.getOriginalKey()), bytes(d.getOriginalValue()));
                        for (KafkaHeader h : k.getHeaders()) {
                            record.headers().add(h.getKey(), bytes(h.getValue()));
                        }
                        record.headers().add("onboarding-redriven-from", letter.position()
                                .getBytes(StandardCharsets.UTF_8));
                        producer.send(record).get();
                    } else if (d.getSource() instanceof SqsSource s) {
                        sendToQueue(settings, s, new String(bytes(d.getOriginalValue()), StandardCharsets.UTF_8));
                    }
                    sent++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while redriving", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("could not send a dead letter back: " + e.getCause().getMessage(),
                        e.getCause());
            }
            out.println((dryRun ? "would send " + chosen.size() : "sent " + sent) + " dead letter(s)");
        }

        private static void sendToQueue(Settings settings, SqsSource source, String body) {
            SqsClientBuilder builder = SqsClient.builder().region(Region.of(source.getQueueRegion()))
                    .httpClient(ApacheHttpClient.create());
            settings.find("bridge.sqs.endpoint." + source.getQueueRegion())
                    .ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
            // The same credentials the bridge uses: explicit keys (local SQS) or the default chain.
            builder.credentialsProvider(settings.find("bridge.aws.access-key-id")
                    .<software.amazon.awssdk.auth.credentials.AwsCredentialsProvider>map(key -> StaticCredentialsProvider
                            .create(AwsBasicCredentials.create(key, settings.string("bridge.aws.secret-access-key"))))
                    .orElseGet(() -> DefaultCredentialsProvider.builder().build()));
            try (SqsClient sqs = builder.build()) {
                sqs.sendMessage(m -> m.queueUrl(source.getQueueUrl()).messageBody(body));
            }
        }
    }

    static TopicCatalog catalog(Settings settings) {
        RegistrySettings registry = RegistrySettings.from(settings);
        return TopicCatalog.create(TopicSettings.from(settings), SchemaRegistries.connect(registry), false);
    }

    static Topic<String, DeadLetter> deadLetterTopic(TopicCatalog catalog, String nameOrId) {
        for (TopicDefinition def : TopicDefinition.values()) {
            if (def.valueType() == DeadLetter.class
                    && (catalog.settings().name(def).equals(nameOrId) || def.id().equals(nameOrId))) {
                return catalog.deadLetterTopics().stream()
                        .filter(t -> t.name().equals(catalog.settings().name(def))).findFirst().orElseThrow();
            }
        }
        throw new IllegalArgumentException("not a dead-letter topic: " + nameOrId + " (use one of "
                + String.join(", ", catalog.deadLetterTopics().stream().map(Topic::name).toList()) + ")");
    }

    static String describeSource(DeadLetter d) {
        if (d.getSource() instanceof KafkaSource k) {
            return "kafka " + k.getTopic() + "-" + k.getPartition() + "@" + k.getOffset();
        }
        if (d.getSource() instanceof SqsSource s) {
            return "sqs " + s.getQueueRegion() + " message " + s.getMessageId() + " (received " + s.getReceiveCount()
                    + "x)";
        }
        return "unknown source";
    }

    private static ObjectNode toJson(Letter letter) {
        DeadLetter d = letter.value();
        ObjectNode node = JSON.createObjectNode();
        node.put("position", letter.position()).put("key", letter.key()).put("reasonCode", d.getReasonCode())
                .put("reason", d.getReason()).put("deadLetteredAt", String.valueOf(d.getDeadLetteredAt()))
                .put("source", describeSource(d))
                .put("originalValueBytes", d.getOriginalValue() == null ? 0 : d.getOriginalValue().remaining())
                .put("originalValueSize", d.getOriginalValueSize())
                .put("originalValueSha256", d.getOriginalValueSha256());
        return node;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
