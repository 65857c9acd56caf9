package dev.onboarding.bench.api;

import dev.onboarding.api.replica.IntegrationReplica;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How long a new API instance (or one that lost its state dir) takes to copy the whole integrations topic into
 * RocksDB before it is ready, and how long a restart on its state dir takes: N integrations of realistic size
 * (a PENDING and, for most, a CONNECTED state each), spread over T tenants, on an embedded broker in this JVM.
 * Prints records and integrations per second, the copy's size on disk and the heap after GC.
 *
 * <pre>
 * mvn -B -q -pl bench -am -Dmaven.test.skip=true package
 * java -Xmx1g -cp bench/target/onboarding-bench.jar dev.onboarding.bench.api.ReplicaRestoreBenchmark \
 *     [integrations=1000000] [tenants=10000] [partitions=6]
 * </pre>
 */
public final class ReplicaRestoreBenchmark {
    private static final String TOPIC = "bench.onboarding.integrations";

    private ReplicaRestoreBenchmark() {
    }

    /** Runs the benchmark; arguments are {@code name=value}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            String[] parts = arg.split("=", 2);
            options.put(parts[0], parts[1]);
        }
        int integrations = Integer.parseInt(options.getOrDefault("integrations", "1000000"));
        int tenants = Integer.parseInt(options.getOrDefault("tenants", "10000"));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "6"));
        AvroSerde<Integration> serde = AvroSerde.forValues(Integration.class,
                InMemorySchemaRegistry.scope("replica-restore-bench"), true);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(TOPIC, partitions);
            long records = produce(kafka, serde, integrations, tenants);
            Path dir = Files.createTempDirectory("replica-restore-bench");
            try {
                System.out.printf(Locale.ROOT, "topic: %,d records (%,d integrations, %,d tenants, %d partitions)%n",
                        records, integrations, tenants, partitions);
                Duration full = restore(kafka, serde, dir, "from an empty state dir");
                System.out.printf(Locale.ROOT, "  %,.0f records/s, %,.0f integrations/s%n",
                        records / seconds(full), integrations / seconds(full));
                System.out.printf(Locale.ROOT, "  copy on disk: %,d MB; heap after GC: %,d MB%n",
                        size(dir) >> 20, heapAfterGc() >> 20);
                long more = produce(kafka, serde, integrations / 100, tenants);
                restore(kafka, serde, dir, "restart on the state dir, " + String.format(Locale.ROOT, "%,d", more)
                        + " new records");
            } finally {
                delete(dir);
            }
        }
    }

    private static Duration restore(EmbeddedKafka kafka, AvroSerde<Integration> serde, Path dir, String what)
            throws InterruptedException {
        try (IntegrationReplica replica = new IntegrationReplica(dir, TOPIC, KafkaSettings.of(kafka.bootstrapServers()),
                serde.deserializer(), new SimpleMeterRegistry())) {
            replica.start();
            while (!replica.isCaughtUp()) {
                Thread.sleep(20);
            }
            Duration took = replica.restoreTime().orElseThrow();
            System.out.printf(Locale.ROOT, "restore %s: %,d records in %.1f s%n", what, replica.restoredRecords(),
                    seconds(took));
            if (replica.list("tenant-1", Optional.of(IntegrationStatus.CONNECTED), 10, Optional.empty())
                    .integrations().isEmpty()) {
                throw new IllegalStateException("the copy lists nothing for tenant-1");
            }
            return took;
        }
    }

    /** N integrations: a PENDING state each, and a CONNECTED one for three in four; returns the record count. */
    private static long produce(EmbeddedKafka kafka, AvroSerde<Integration> serde, int integrations, int tenants) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long records = 0;
        long base = Instant.now().toEpochMilli();
        String run = Long.toString(System.nanoTime(), 36);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int n = 0; n < integrations; n++) {
                String id = "int-" + run + "-" + n;
                Instant requested = Instant.ofEpochMilli(base - n);
                Integration pending = Integration.newBuilder().setIntegrationId(id)
                        .setTenantId("tenant-" + (n % tenants)).setExternalId("onb-" + Long.toString(n * 7919L, 32)
                                + "abcdefghijklmnopqrstuvwxyz")
                        .setName("AWS account " + n).setStatus(IntegrationStatus.PENDING)
                        .setRoleName("OnboardingIntegrationRole").setTags(Map.of("env", "prod", "team", "data"))
                        .setRequestedAt(requested).setExpiresAt(requested.plusSeconds(86_400))
                        .setUpdatedAt(requested).setVersion(1).build();
                producer.send(new ProducerRecord<>(TOPIC, id, serde.serialize(TOPIC, pending)));
                records++;
                if (n % 4 != 0) {
                    String account = String.format("%012d", 100_000_000_000L + n);
                    Integration connected = Integration.newBuilder(pending).setStatus(IntegrationStatus.CONNECTED)
                            .setAccountId(account).setRoleArn("arn:aws:iam::" + account
                                    + ":role/OnboardingIntegrationRole").setRegion("us-east-1")
                            .setStackId("arn:aws:cloudformation:us-east-1:" + account + ":stack/Onboarding-" + id
                                    + "/0f3e8a10-2c4b-11ef-9a3e-0a1b2c3d4e5f")
                            .setLogicalResourceId("ProviderRegistration").setPhysicalResourceId(id)
                            .setLastRequestId("req-" + n).setConnectedAt(requested.plusSeconds(120))
                            .setUpdatedAt(requested.plusSeconds(120)).setVersion(2).build();
                    producer.send(new ProducerRecord<>(TOPIC, id, serde.serialize(TOPIC, connected)));
                    records++;
                }
            }
            producer.flush();
        }
        return records;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
