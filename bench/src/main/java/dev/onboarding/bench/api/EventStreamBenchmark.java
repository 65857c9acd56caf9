package dev.onboarding.bench.api;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.DevTokenIssuer;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One API instance ({@code onboarding api}, in its own JVM, as deployed) with the broker on the same machine:
 * <ol>
 * <li>as many concurrent event streams ({@code GET /v1/integrations/{id}/events}) as it holds, up to
 * {@code streams}, each on its own integration, opened in batches; the largest count reached;
 * <li>state changes of those integrations at {@code rate} per second for {@code seconds}: the delivery latency
 * from the state record's append (the topic's {@code LogAppendTime}) to the event at the client, p50/p99/max, and
 * how many arrived; the API's heap after a full GC, its RSS and CPU;
 * <li>{@code POST /v1/integrations} with acks=all (answered once the PENDING state is back from a stand-in that
 * turns requests into states, as the processor does) against two ceilings measured in the same run: the same
 * server answering {@code 201} without producing (a replayed Idempotency-Key: authentication, validation, the
 * copy's lookup and the answer), and a bare acks=all producer writing the same records at the same concurrency.
 * </ol>
 * The clients (Vert.x, this JVM) and the broker share the machine with the API. Raise the open-file limit first:
 * the API holds one socket per stream, and this JVM the other end.
 *
 * <pre>
 * mvn -B -q -pl bench -am -Dmaven.test.skip=true package
 * ulimit -n 20000 &amp;&amp; java -Xmx2g -cp bench/target/onboarding-bench.jar \
 *     dev.onboarding.bench.api.EventStreamBenchmark [streams=10000] [rate=200] [seconds=60] [posts=20] \
 *     [concurrency=64] [api-heap=1g]
 * </pre>
 */
public final class EventStreamBenchmark {
    private static final int PER_TENANT = 100;
    private static final int BATCH = 250;
    private static final String PROVIDER_ACCOUNT = "111122223333";

    private final Map<String, String> options;
    private final int streams;
    private final int rate;
    private final int seconds;
    private final int postSeconds;
    private final int concurrency;
    private final Map<String, Long> appended = new ConcurrentHashMap<>();
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger closedEarly = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final java.util.Set<String> openIds = ConcurrentHashMap.newKeySet();

    private EventStreamBenchmark(Map<String, String> options) {
        this.options = options;
        this.streams = Integer.parseInt(options.getOrDefault("streams", "10000"));
        this.rate = Integer.parseInt(options.getOrDefault("rate", "200"));
        this.seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
        this.postSeconds = Integer.parseInt(options.getOrDefault("posts", "20"));
        this.concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
    }

    /** Runs the benchmark; arguments are {@code name=value}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] parts = arg.split("=", 2);
            options.put(parts[0], parts[1]);
        }
        new EventStreamBenchmark(options).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; open-file limit: see ulimit -n; load %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), loadAverage());
        Path dir = Files.createTempDirectory("event-stream-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                ApicurioRegistry apicurio = ApicurioRegistry.start();
                SchemaRegistry registry = SchemaRegistries.connect(RegistrySettings.of(apicurio.confluentApiUrl()));
                DevTokenIssuer issuer = DevTokenIssuer.create(dir.resolve("issuer"))) {
            KafkaSettings kafkaSettings = KafkaSettings.of(kafka.bootstrapServers());
            TopicCreator.createAll(kafkaSettings, TopicSettings.defaults());
            TopicCatalog catalog = TopicCatalog.create(TopicSettings.defaults(), registry, true);
            appendTimeOnBroker(kafka, catalog.integrations().name());
            List<String> ids = produceIntegrations(kafka, catalog);
            Map<String, String> tokens = new HashMap<>();
            for (int t = 0; t <= streams / PER_TENANT; t++) {
                tokens.put(tenant(t), issuer.mint(tenant(t), DevTokenIssuer.ALL_SCOPES, Duration.ofHours(2)));
            }
            try (ApiProcess api = ApiProcess.start(dir, kafka.bootstrapServers(), apicurio.confluentApiUrl(), issuer,
                    options.getOrDefault("api-heap", "1g"));
                    RequestEcho echo = new RequestEcho(kafka.bootstrapServers(), catalog)) {
                Vertx vertx = Vertx.vertx();
                try {
                    openStreams(vertx, api.url(), ids, tokens);
                    measureChanges(kafka, catalog, new ArrayList<>(openIds));
                    api.report("after the changes, " + open.get() + " streams open");
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                    vertx = Vertx.vertx();
                    measurePosts(vertx, api.url(), tokens, kafka, catalog);
                    api.report("after the POSTs");
                } finally {
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            delete(dir);
        }
        System.out.printf(Locale.ROOT, "load at the end %s%n", loadAverage());
    }

    // ---- setup ----

    private static void appendTimeOnBroker(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry("message.timestamp.type", "LogAppendTime"),
                            AlterConfigOp.OpType.SET)))).all().get(60, TimeUnit.SECONDS);
        }
    }

    private List<String> produceIntegrations(EmbeddedKafka kafka, TopicCatalog catalog) {
        List<String> ids = new ArrayList<>(streams);
        try (KafkaProducer<String, Integration> producer = producer(kafka, catalog)) {
            for (int n = 0; n < streams; n++) {
                String id = "int-bench-" + n;
                ids.add(id);
                producer.send(new ProducerRecord<>(catalog.integrations().name(), id, pending(id, tenant(n / PER_TENANT),
                        1)));
                versions.put(id, 1L);
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "%,d PENDING integrations over %,d tenants written%n", streams,
                streams / PER_TENANT + 1);
        return ids;
    }

    private static Integration pending(String id, String tenant, long version) {
        Instant now = Instant.now();
        return Integration.newBuilder().setIntegrationId(id).setTenantId(tenant)
                .setExternalId("onb-" + Long.toString(id.hashCode() & 0xffffffffL, 32) + "abcdefghijklmnopqrstuvwx")
                .setName("AWS account of " + id).setStatus(IntegrationStatus.PENDING)
                .setRoleName("OnboardingIntegrationRole").setTags(Map.of("env", "prod", "team", "data"))
                .setRequestedAt(now).setExpiresAt(now.plus(Duration.ofDays(1))).setUpdatedAt(now)
                .setVersion(version).build();
    }

    private static KafkaProducer<String, Integration> producer(EmbeddedKafka kafka, TopicCatalog catalog) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(p, new StringSerializer(), catalog.integrations().valueSerde().serializer());
    }

    private static String tenant(int n) {
        return "tenant-" + n;
    }

    // ---- (1) event streams ----

    private void openStreams(Vertx vertx, URI api, List<String> ids, Map<String, String> tokens) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(api.getHost())
                .setDefaultPort(api.getPort()).setKeepAlive(true).setConnectTimeout(30_000),
                new PoolOptions().setHttp1MaxSize(streams + 16));
        long start = System.nanoTime();
        int reached = 0;
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            CountDownLatch started = new CountDownLatch(batch.size());
            int refusedBefore = refused.get();
            for (String id : batch) {
                openStream(client, id, tokens.get(tenantOf(id)), started);
            }
            if (!started.await(120, TimeUnit.SECONDS)) {
                System.out.printf(Locale.ROOT, "batch at %,d did not start within 120 s%n", from);
                break;
            }
            int failed = refused.get() - refusedBefore;
            reached = open.get();
            if ((from + BATCH) % 1000 == 0 || failed > 0) {
                System.out.printf(Locale.ROOT, "  %,d streams open after %.1f s%s%n", reached,
                        (System.nanoTime() - start) / 1e9, failed > 0 ? " (" + failed + " refused or failed)" : "");
            }
            if (failed > batch.size() / 100) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "(1) streams: %,d of %,d open at once (opened in %.1f s), load %s%s%n", reached,
                streams, (System.nanoTime() - start) / 1e9, loadAverage(), failures.isEmpty() ? ""
                        : "; failures: " + failures);
    }

    private String tenantOf(String id) {
        return tenant(Integer.parseInt(id.substring("int-bench-".length())) / PER_TENANT);
    }

    private void openStream(HttpClient client, String id, String token, CountDownLatch started) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setURI("/v1/integrations/" + id + "/events").putHeader("Authorization", "Bearer " + token);
        boolean[] first = {true};
        StringBuilder pending = new StringBuilder();
        client.request(request).compose(req -> req.send()).onComplete(done -> {
            if (done.failed() || done.result().statusCode() != 200) {
                failures.computeIfAbsent(done.failed() ? done.cause().toString() : "HTTP " + done.result().statusCode(),
                        k -> new AtomicInteger()).incrementAndGet();
                refused.incrementAndGet();
                started.countDown();
                return;
            }
            done.result().handler(chunk -> {
                long now = System.currentTimeMillis();
                pending.append(chunk.toString(StandardCharsets.UTF_8));
                for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
                    String event = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    if (event.contains("event: state")) {
                        String version = event.substring(event.indexOf("id: ") + 4, event.indexOf('\n'));
                        arrived.putIfAbsent(id + "#" + version, now);
                        if (first[0]) {
                            first[0] = false;
                            open.incrementAndGet();
                            openIds.add(id);
                            started.countDown();
                        }
                    }
                }
            });
            done.result().endHandler(v -> closed(id, first, started, "ended"));
            done.result().exceptionHandler(e -> closed(id, first, started, e.toString()));
        });
    }

    private void closed(String id, boolean[] first, CountDownLatch started, String why) {
        failures.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
        if (first[0]) {
            first[0] = false;
            refused.incrementAndGet();
            started.countDown();
        } else if (openIds.remove(id)) {
            open.decrementAndGet();
            closedEarly.incrementAndGet();
        }
    }

    // ---- (2) changes at a steady rate ----

    private void measureChanges(EmbeddedKafka kafka, TopicCatalog catalog, List<String> ids) throws Exception {
        if (ids.isEmpty()) {
            return;
        }
        Random random = new Random(42);
        int total = rate * seconds;
        AtomicInteger acked = new AtomicInteger();
        List<String> sent = new ArrayList<>(total);
        long cpuBefore = ApiProcess.current().cpuMillis();
        long start = System.nanoTime();
        try (KafkaProducer<String, Integration> producer = producer(kafka, catalog)) {
            for (int n = 0; n < total; n++) {
                long due = start + n * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String id = ids.get(random.nextInt(ids.size()));
                long version = versions.merge(id, 1L, Long::sum);
                String key = id + "#" + version;
                sent.add(key);
                producer.send(new ProducerRecord<>(catalog.integrations().name(), id,
                        Integration.newBuilder(pending(id, tenantOf(id), version)).setTags(Map.of("env", "prod",
                                "change", Integer.toString(n))).build()), (metadata, error) -> {
                                    if (error == null) {
                                        appended.put(key, metadata.timestamp());
                                        acked.incrementAndGet();
                                    }
                                });
            }
            producer.flush();
        }
        double took = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && sent.stream().anyMatch(k -> !arrived.containsKey(k))) {
            Thread.sleep(100);
        }
        long cpu = ApiProcess.current().cpuMillis() - cpuBefore;
        long[] latencies = sent.stream().filter(k -> arrived.containsKey(k) && appended.containsKey(k))
                .mapToLong(k -> arrived.get(k) - appended.get(k)).sorted().toArray();
        System.out.printf(Locale.ROOT, "(2) changes: %,d at %.0f/s over %.1f s to %,d open streams; %,d delivered "
                + "(%,d missing), %d streams closed early; load %s%s%n", total, total / took, took, ids.size(),
                latencies.length, total - latencies.length, closedEarly.get(), loadAverage(),
                failures.isEmpty() ? "" : "; failures: " + failures);
        if (latencies.length > 0) {
            System.out.printf(Locale.ROOT, "    append -> event at the client: p50 %d ms, p99 %d ms, max %d ms%n",
                    percentile(latencies, 50), percentile(latencies, 99), latencies[latencies.length - 1]);
        }
        System.out.printf(Locale.ROOT, "    API CPU during the changes: %.2f cores%n", cpu / 1000.0 / took);
    }

    // ---- (3) POST throughput and its two ceilings ----

    private void measurePosts(Vertx vertx, URI api, Map<String, String> tokens, EmbeddedKafka kafka,
            TopicCatalog catalog) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(api.getHost())
                .setDefaultPort(api.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
        List<String> tenantTokens = new ArrayList<>(tokens.values());
        // Warm-up, and the keyed integrations the replays answer with.
        post(client, tenantTokens, Duration.ofSeconds(5), true, "warm-up");
        long[] created = post(client, tenantTokens, Duration.ofSeconds(postSeconds), false, "create");
        long[] replayed = post(client, tenantTokens, Duration.ofSeconds(postSeconds), true, "replay");
        double producer = bareProducer(kafka, catalog, Duration.ofSeconds(postSeconds));
        System.out.printf(Locale.ROOT, "(3) POST /v1/integrations, %d concurrent, acks=all, answered once PENDING is "
                + "back: %,.0f/s (p50 %d ms, p99 %d ms)%n", concurrency, created[0] / (double) postSeconds,
                percentile(Arrays.copyOfRange(created, 1, created.length), 50),
                percentile(Arrays.copyOfRange(created, 1, created.length), 99));
        System.out.printf(Locale.ROOT, "    ceiling: the same server answering 201 without producing (replayed "
                + "Idempotency-Key): %,.0f/s (p50 %d ms, p99 %d ms)%n", replayed[0] / (double) postSeconds,
                percentile(Arrays.copyOfRange(replayed, 1, replayed.length), 50),
                percentile(Arrays.copyOfRange(replayed, 1, replayed.length), 99));
        System.out.printf(Locale.ROOT, "    ceiling: a bare acks=all producer, %d threads each waiting for its ack: "
                + "%,.0f records/s; load %s%n", concurrency, producer, loadAverage());
    }

    /** Posts from {@code concurrency} loops for {@code duration}; element 0 the count, then sorted latencies. */
    private long[] post(HttpClient client, List<String> tenantTokens, Duration duration, boolean keyed, String what)
            throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        AtomicLong sequence = new AtomicLong();
        for (int worker = 0; worker < concurrency; worker++) {
            String token = tenantTokens.get(worker % tenantTokens.size());
            int w = worker;
            loop(client, token, end, keyed ? "key-" + w : null, sequence, latencies, failures, done);
        }
        done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
        if (failures.get() > 0) {
            System.out.printf(Locale.ROOT, "    %s: %d requests failed%n", what, failures.get());
        }
        long[] out = new long[latencies.size() + 1];
        out[0] = latencies.size();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.arraycopy(sorted, 0, out, 1, sorted.length);
        return out;
    }

    private void loop(HttpClient client, String token, long end, String key, AtomicLong sequence, List<Long> latencies,
            AtomicInteger failures, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long start = System.nanoTime();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/integrations")
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
        if (key != null) {
            request.putHeader("Idempotency-Key", key);
        }
        String body = "{\"name\":\"Benchmark " + (key != null ? key : sequence.incrementAndGet())
                + "\",\"tags\":{\"env\":\"prod\"}}";
        client.request(request).compose(req -> req.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> response.statusCode()))
                .onComplete(result -> {
                    if (result.succeeded() && result.result() == 201) {
                        latencies.add((System.nanoTime() - start) / 1_000_000);
                    } else {
                        failures.incrementAndGet();
                    }
                    loop(client, token, end, key, sequence, latencies, failures, done);
                });
    }

    private double bareProducer(EmbeddedKafka kafka, TopicCatalog catalog, Duration duration) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        String topic = catalog.integrationRequests().name();
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        try (KafkaProducer<String, IntegrationRequestEvent> producer = new KafkaProducer<>(p, new StringSerializer(),
                catalog.integrationRequests().valueSerde().serializer())) {
            for (int t = 0; t < concurrency; t++) {
                threads.submit(() -> {
                    while (System.nanoTime() < end) {
                        String id = "int-bare-" + count.get() + "-" + Thread.currentThread().getId();
                        producer.send(new ProducerRecord<>(topic, id, request(id))).get();
                        count.incrementAndGet();
                    }
                    return null;
                });
            }
            threads.shutdown();
            threads.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS);
        }
        return count.get() / (double) duration.toSeconds();
    }

    private static IntegrationRequestEvent request(String id) {
        Instant now = Instant.now();
        return IntegrationRequestEvent.newBuilder().setEvent(IntegrationRequested.newBuilder().setIntegrationId(id)
                .setTenantId("tenant-bare").setExternalId("onb-" + Long.toString(id.hashCode() & 0xffffffffL, 32)
                        + "abcdefghijklmnopqrstuvwx").setName("Benchmark").setRoleName("OnboardingIntegrationRole")
                .setTags(Map.of("env", "prod")).setRequestedAt(now).setExpiresAt(now.plus(Duration.ofDays(1)))
                .build()).build();
    }

    // ---- helpers ----

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Turns every request on the requests topic into its PENDING state, as the processor would. */
    private static final class RequestEcho implements AutoCloseable {
        private final KafkaConsumer<String, IntegrationRequestEvent> consumer;
        private final KafkaProducer<String, Integration> producer;
        private final String statesTopic;
        private final Thread thread;
        private volatile boolean closing;

        RequestEcho(String bootstrapServers, TopicCatalog catalog) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
            consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    catalog.integrationRequests().valueSerde().deserializer());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            producer = new KafkaProducer<>(p, new StringSerializer(), catalog.integrations().valueSerde().serializer());
            statesTopic = catalog.integrations().name();
            String topic = catalog.integrationRequests().name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            thread = new Thread(this::run, "request-echo");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            Map<String, Boolean> seen = new HashMap<>();
            while (!closing) {
                for (ConsumerRecord<String, IntegrationRequestEvent> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value().getEvent() instanceof IntegrationRequested r
                            && seen.putIfAbsent(r.getIntegrationId(), true) == null) {
                        Instant now = Instant.now();
                        producer.send(new ProducerRecord<>(statesTopic, r.getIntegrationId(), Integration.newBuilder()
                                .setIntegrationId(r.getIntegrationId()).setTenantId(r.getTenantId())
                                .setExternalId(r.getExternalId()).setName(r.getName())
                                .setStatus(IntegrationStatus.PENDING).setRoleName(r.getRoleName())
                                .setExpectedAccountId(r.getExpectedAccountId()).setTags(new HashMap<>(r.getTags()))
                                .setRequestedAt(r.getRequestedAt()).setExpiresAt(r.getExpiresAt()).setUpdatedAt(now)
                                .setVersion(1).build()));
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            closing = true;
            thread.join(10_000);
            consumer.close();
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** {@code onboarding api} in its own JVM, as deployed. */
    private static final class ApiProcess implements AutoCloseable {
        private static ApiProcess current;

        private final Process process;
        private final URI url;
        private final Path log;

        private ApiProcess(Process process, URI url, Path log) {
            this.process = process;
            this.url = url;
            this.log = log;
        }

        static ApiProcess current() {
            return current;
        }

        static ApiProcess start(Path dir, String bootstrap, String registryUrl, DevTokenIssuer issuer, String heap)
                throws Exception {
            int port = freePort();
            Map<String, String> settings = new HashMap<>(issuer.apiSettings());
            settings.put("kafka.bootstrap.servers", bootstrap);
            settings.put("schema.registry.url", registryUrl);
            settings.put("api.http.bind-address", "127.0.0.1");
            settings.put("api.http.port", Integer.toString(port));
            settings.put("api.state-dir", dir.resolve("api-state").toString());
            settings.put("api.rate-limit.per-second", "0");
            settings.put("request.template-url", "https://templates.example.com/customer.json");
            settings.put("request.provider-account-id", PROVIDER_ACCOUNT);
            settings.put("ops.http.host", "127.0.0.1");
            settings.put("ops.http.port", Integer.toString(freePort()));
            Path config = dir.resolve("api.properties");
            Properties props = new Properties();
            props.putAll(settings);
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "event stream benchmark");
            }
            Path log = dir.resolve("api.log");
            Process process = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.onboarding.contract",
                    "-cp", System.getProperty("java.class.path"), "dev.onboarding.cli.Onboarding", "api",
                    "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ApiProcess api = new ApiProcess(process, URI.create("http://127.0.0.1:" + port), log);
            api.awaitReady();
            current = api;
            System.out.printf(Locale.ROOT, "API in its own JVM (pid %d, -Xmx%s) ready at %s%n", process.pid(), heap,
                    api.url);
            return api;
        }

        URI url() {
            return url;
        }

        private void awaitReady() throws Exception {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the API exited:\n" + Files.readString(log));
                }
                try {
                    if (http.send(java.net.http.HttpRequest.newBuilder(url.resolve("/ready")).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the API was not ready within 180 s:\n" + Files.readString(log));
        }

        /** The JVM's CPU time so far (user + system), from /proc. */
        long cpuMillis() {
            try {
                String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                return ticks * 10; // USER_HZ is 100 on Linux
            } catch (IOException e) {
                return 0;
            }
        }

        /** Heap after a full GC (jcmd), resident memory and threads of the API's JVM. */
        void report(String when) throws Exception {
            String pid = Long.toString(process.pid());
            run("jcmd", pid, "GC.run");
            String heap = run("jcmd", pid, "GC.heap_info");
            String used = heap.lines().filter(l -> l.contains("used")).findFirst().orElse(heap).strip();
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            String rss = status.lines().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS ?").strip();
            String threads = status.lines().filter(l -> l.startsWith("Threads")).findFirst().orElse("?").strip();
            System.out.printf(Locale.ROOT, "    API JVM %s: heap after full GC: %s; %s; %s%n", when, used, rss,
                    threads);
        }

        private static String run(String... command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
