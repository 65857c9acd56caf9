package dev.onboarding.bench.processor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.bridge.verification.RoleVerificationService;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.StsStandIn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.onboarding.processor.DeadLetterRoutes;
import dev.onboarding.processor.ProcessorApp;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.LoggerFactory;

/**
 * The processor's figures on one embedded broker, each measured for the processor and, in the same run,
 * for a {@link PassThroughTopology} (same topics, serdes, exactly-once and repartition hops, no rules):
 * <ul>
 * <li>sustained Creates per second, each a full decision (the role verification round trip through the bridge's
 * verifier against the STS stand-in, three AssumeRole calls; the claim round trip; CONNECTED state, SUCCESS);</li>
 * <li>p50/p99 latency from a callback's append (broker {@code LogAppendTime}) to its answer being visible to
 * a {@code read_committed} consumer, at a steady rate.</li>
 * </ul>
 * Arguments, {@code key=value}: {@code callbacks=20000 rate=200 seconds=30 partitions=6 threads=<the processor's
 * default: one per core> commit=100 rounds=2 warmup=40000 warmup-passes=14
 * responses-only=true}, any {@code kafka.*} client setting
 * (given to both apps alike), and {@code only=processor} or {@code only=pass-through} to measure one app (no
 * ratio). Each app first takes warm-up passes of {@code warmup} callbacks that are not counted, until the JIT
 * compilers spend less than a tenth of a pass compiling or after {@code warmup-passes} passes (JIT compilation
 * would otherwise take a share of the two cores during the rounds measured: the broker, the clients and both apps
 * share one JVM, so there is much to compile). Before each round's backlog the JVM must be idle, so the processor's
 * round does not pay for the tail of registering its pending integrations. The apps then run alternately, {@code
 * rounds} times each, and the best round of each is compared: on a shared machine, background load otherwise decides the
 * ratio. The median round of each is compared too (with {@code rounds=5}, the figure the processor's target is
 * checked against). Each throughput round also prints the CPU time 1,000 callbacks cost, by thread group, which
 * background load changes much less than the wall clock. With {@code responses-only=true} the ceiling as first
 * measured (answers only, no states) is measured too, for its throughput. Targets: throughput at least 0.5x the
 * pass-through, p99 under 1 s.
 */
public final class ProcessorBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(5);

    private final EmbeddedKafka kafka;
    private final StsStandIn sts;
    private final SchemaRegistry registry = InMemorySchemaRegistry.scope("bench-processor");
    private final int partitions;
    private final int threads;
    private final int commitMs;
    private final Map<String, String> clientOptions;

    private ProcessorBenchmark(EmbeddedKafka kafka, StsStandIn sts, int partitions, int threads, int commitMs,
            Map<String, String> clientOptions) {
        this.kafka = kafka;
        this.sts = sts;
        this.partitions = partitions;
        this.threads = threads;
        this.commitMs = commitMs;
        this.clientOptions = clientOptions;
    }

    /** Runs the benchmark and prints its figures. */
    public static void main(String[] args) throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger("kafka")).setLevel(Level.ERROR);
        Map<String, String> options = new HashMap<>();
        Arrays.stream(args).filter(a -> a.contains("=")).forEach(a -> options.put(a.substring(0, a.indexOf('=')),
                a.substring(a.indexOf('=') + 1)));
        int callbacks = Integer.parseInt(options.getOrDefault("callbacks", "20000"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "200"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "6"));
        // Both apps run with the processor's default thread count unless told otherwise.
        int threads = options.containsKey("threads") ? Integer.parseInt(options.get("threads"))
                : ProcessorConfig.defaultStreamThreads();
        int commitMs = Integer.parseInt(options.getOrDefault("commit", "100"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "40000"));
        int warmupPasses = Integer.parseInt(options.getOrDefault("warmup-passes", "14"));
        System.out.printf(Locale.ROOT, "processor benchmark: %d cores (load average %.1f), max heap %d MB, %d "
                + "partitions, %d stream thread(s), commit interval %d ms, exactly_once_v2%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), Runtime.getRuntime().maxMemory() >> 20,
                partitions, threads, commitMs);
        // The STS stand-in's server threads would keep the JVM alive after the figures: closed with the broker.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); StsStandIn sts = StsStandIn.start()) {
            Map<String, String> clientOptions = new LinkedHashMap<>();
            options.forEach((k, v) -> {
                if (k.startsWith("kafka.") && !k.equals("kafka.bootstrap.servers")) {
                    clientOptions.put(k, v);
                }
            });
            ProcessorBenchmark bench = new ProcessorBenchmark(kafka, sts, partitions, threads, commitMs,
                    clientOptions);
            String only = options.getOrDefault("only", "");
            List<App> apps = new ArrayList<>();
            if (!only.equals("pass-through")) {
                apps.add(App.PROCESSOR);
            }
            if (!only.equals("processor")) {
                apps.add(App.PASS_THROUGH);
                if (Boolean.parseBoolean(options.getOrDefault("responses-only", "true"))) {
                    apps.add(App.PASS_THROUGH_RESPONSES_ONLY);
                }
            }
            Map<App, List<Figures>> figures = new LinkedHashMap<>();
            // JIT warm-up of the apps (and of the broker's paths they use): sustained figures, not start-up. The
            // compilers stay busy for several passes after the first (on 2 cores they would take a share of the
            // rounds measured), so passes repeat until they are mostly quiet, or up to warmup-passes.
            for (int pass = 1; warmup > 0 && pass <= warmupPasses; pass++) {
                long wallBefore = System.nanoTime();
                long jitBefore = jitMillis();
                for (App app : apps) {
                    bench.measure(app, warmup, rate, 0);
                }
                double seconds0 = (System.nanoTime() - wallBefore) / 1e9;
                double jitShare = (jitMillis() - jitBefore) / (seconds0 * 1000);
                System.out.printf(Locale.ROOT, "warm-up pass %d: %,d callbacks through each app in %.0f s (not"
                        + " counted), JIT compiling %.0f%% of it%n", pass, warmup, seconds0, 100 * jitShare);
                if (jitShare < 0.10) {
                    break;
                }
            }
            // Alternate the apps so that background load on a shared machine hits them alike.
            for (int round = 1; round <= rounds; round++) {
                System.out.printf(Locale.ROOT, "round %d of %d%n", round, rounds);
                for (App app : apps) {
                    // The former ceiling is measured for its throughput only.
                    int latencySeconds = app == App.PASS_THROUGH_RESPONSES_ONLY ? 0 : seconds;
                    figures.computeIfAbsent(app, a -> new ArrayList<>()).add(bench.measure(app, callbacks, rate,
                            latencySeconds));
                }
            }
            if (!figures.containsKey(App.PROCESSOR) || !figures.containsKey(App.PASS_THROUGH)) {
                return;
            }
            Figures p = best(figures.get(App.PROCESSOR));
            Figures c = best(figures.get(App.PASS_THROUGH));
            System.out.printf(Locale.ROOT, "  RESULT throughput (best of %d): processor %,.0f callbacks/s = %.2fx the"
                    + " pass-through (%,.0f/s); target >= 0.5x%n", rounds, p.perSecond(), p.perSecond() / c.perSecond(),
                    c.perSecond());
            double processorMedian = median(figures.get(App.PROCESSOR));
            double passThroughMedian = median(figures.get(App.PASS_THROUGH));
            System.out.printf(Locale.ROOT, "  RESULT throughput (median of %d): processor %,.0f callbacks/s = %.2fx the"
                    + " pass-through (%,.0f/s); target >= 0.5x%n", rounds, processorMedian,
                    processorMedian / passThroughMedian, passThroughMedian);
            System.out.printf(Locale.ROOT, "  RESULT CPU per 1,000 callbacks (least of %d): processor %.0f ms (stream"
                    + " threads %.0f), pass-through %.0f ms (stream threads %.0f): %.2fx the pass-through's CPU%n",
                    rounds, p.cpuMs(), p.streamCpuMs(), c.cpuMs(), c.streamCpuMs(), p.cpuMs() / c.cpuMs());
            if (figures.containsKey(App.PASS_THROUGH_RESPONSES_ONLY)) {
                Figures r = best(figures.get(App.PASS_THROUGH_RESPONSES_ONLY));
                System.out.printf(Locale.ROOT, "  RESULT former ceiling, answers only (best of %d): %,.0f callbacks/s,"
                        + " %.0f ms CPU per 1,000; processor = %.2fx its throughput%n", rounds, r.perSecond(),
                        r.cpuMs(), p.perSecond() / r.perSecond());
            }
            System.out.printf(Locale.ROOT, "  RESULT latency at %d/s (best of %d): processor p50 %d ms, p99 %d ms"
                    + " (pass-through p50 %d ms, p99 %d ms); target p99 < 1000 ms%n", rate, rounds, p.p50(), p.p99(),
                    c.p50(), c.p99());
        }
    }

    /** What is measured. */
    enum App {
        /** The processor, every rule. */
        PROCESSOR("processor"),
        /** The ceiling: the same topics, serdes, exactly-once and hops, no state and no rules. */
        PASS_THROUGH("pass-through"),
        /** The ceiling as first measured: answers only, no states on the integrations topic. */
        PASS_THROUGH_RESPONSES_ONLY("pass-through (answers only)");

        private final String label;

        App(String label) {
            this.label = label;
        }
    }

    /** Time the JIT compilers have spent so far (0 if the JVM does not tell). */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** The median throughput of the rounds (the mean of the middle two of an even count). */
    private static double median(List<Figures> rounds) {
        double[] sorted = rounds.stream().mapToDouble(Figures::perSecond).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The best throughput, CPU and latency figures among rounds. */
    private static Figures best(List<Figures> rounds) {
        Figures fastest = rounds.stream().max(java.util.Comparator.comparingDouble(Figures::perSecond)).orElseThrow();
        Figures thriftiest = rounds.stream().min(java.util.Comparator.comparingDouble(Figures::cpuMs)).orElseThrow();
        Figures steadiest = rounds.stream().filter(f -> f.p99() > 0)
                .min(java.util.Comparator.comparingLong(Figures::p99)).orElse(fastest);
        return new Figures(fastest.perSecond(), thriftiest.cpuMs(), thriftiest.streamCpuMs(), steadiest.p50(),
                steadiest.p99(), steadiest.max());
    }

    /** Throughput, CPU per 1,000 callbacks (the whole JVM, and the app's stream threads) and latency of one app. */
    record Figures(double perSecond, double cpuMs, double streamCpuMs, long p50, long p99, long max) {
    }

    private Figures measure(App measured, int callbacks, int rate, int seconds) throws Exception {
        String name = measured.label;
        boolean isProcessor = measured == App.PROCESSOR;
        String prefix = (isProcessor ? "processor-" : "pass-through-") + Long.toHexString(System.nanoTime());
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        keys.put("schema.registry.url", "mock://bench-processor");
        keys.put("topics.partitions", Integer.toString(partitions));
        for (TopicDefinition def : TopicDefinition.values()) {
            keys.put("topics." + def.id() + ".name", prefix + "." + def.defaultName());
        }
        Path stateDir = Files.createTempDirectory("bench-processor-");
        keys.put("processor.application-id", prefix);
        keys.put("processor.state-dir", stateDir.toString());
        keys.put("processor.standby-replicas", "0");
        keys.put("processor.stream-threads", Integer.toString(threads));
        keys.put("processor.commit-interval", commitMs + "ms");
        keys.put("processor.http.bind-address", "127.0.0.1");
        keys.put("processor.http.port", "0");
        // Any kafka.* option goes to both apps' clients alike (both use the processor's Streams properties).
        clientOptions.forEach(keys::put);
        Settings settings = Settings.of(keys);
        TopicSettings topics = TopicSettings.from(settings);
        TopicCatalog catalog = TopicCatalog.create(topics, registry, true);
        createTopics(topics, catalog.cfnCallbacks().name());

        int total = callbacks + rate * seconds;
        List<String> externalIds = new ArrayList<>(total);
        ExternalIds minter = new ExternalIds();
        for (int n = 0; n < total; n++) {
            externalIds.add(minter.mint());
        }
        // Every role trusts the provider with its external ID only: each Create costs the verifier three calls.
        for (int n = 0; n < total; n++) {
            sts.trust(Inputs.roleArn(n), externalIds.get(n));
        }
        try (Inputs inputs = new Inputs(catalog);
                Answers answers = new Answers(catalog.cfnResponses().name());
                Service verifier = RoleVerificationService.from(verifierSettings(keys, prefix),
                        new SimpleMeterRegistry());
                Service app = isProcessor ? ProcessorApp.from(settings)
                        : new PassThroughApp(settings, catalog, measured == App.PASS_THROUGH)) {
            verifier.start();
            app.start();
            awaitTrue(app::isReady, "the " + name + " to run");
            awaitTrue(verifier::isReady, "the verifier to run");
            if (isProcessor) {
                // Every callback needs its pending integration: register them all first.
                try (Answers states = new Answers(catalog.integrations().name())) {
                    for (int n = 0; n < total; n++) {
                        inputs.request(n, externalIds.get(n));
                    }
                    inputs.flush();
                    awaitTrue(() -> states.count() >= total, total + " pending integrations");
                }
            }
            // The registration's tail (reading the states back, indexing them by tenant) belongs to no round.
            awaitQuiet(name);
            // Throughput: a backlog of Creates, from the first send to the last answer.
            CpuUse cpu = CpuUse.start();
            long jitBefore = jitMillis();
            long start = System.nanoTime();
            for (int n = 0; n < callbacks; n++) {
                inputs.create(n, externalIds.get(n));
            }
            inputs.flush();
            awaitTrue(() -> answers.count() >= callbacks, callbacks + " answers");
            double perSecond = callbacks / ((answers.lastArrivalNanos() - start) / 1e9);
            System.out.printf(Locale.ROOT, "  %s: %,d callbacks in %.1f s = %,.0f callbacks/s (load average %.1f)%n",
                    name, callbacks, (answers.lastArrivalNanos() - start) / 1e9, perSecond, loadAverage());
            CpuUse.PerThousand used = cpu.perThousand(callbacks);
            System.out.printf(Locale.ROOT, "  %s: CPU per 1,000 callbacks: %s (JIT compiling %,d ms in all)%n", name,
                    used, jitMillis() - jitBefore);
            if (Boolean.getBoolean("bench.phases")) {
                // Wall-clock and monotonic window of the backlog, to cut a profile recording to it.
                long end = System.currentTimeMillis();
                System.out.printf(Locale.ROOT, "  %s: backlog phase %d-%d (epoch ms), %.3f,%.3f (monotonic s)%n", name,
                        end - (System.nanoTime() - start) / 1_000_000, end, start / 1e9, System.nanoTime() / 1e9);
            }
            if (seconds == 0) {
                return new Figures(perSecond, used.processMs(), used.streamThreadsMs(), 0, 0, 0);
            }

            // Latency: a steady rate, from each callback's append to its committed answer.
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            for (int n = callbacks; n < total; n++) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += intervalNanos;
                inputs.create(n, externalIds.get(n));
            }
            inputs.flush();
            awaitTrue(() -> answers.count() >= total, total + " answers");
            List<Long> latencies = new ArrayList<>();
            for (int n = callbacks; n < total; n++) {
                String requestId = "req-" + n;
                latencies.add(answers.arrivalMillis(requestId) - inputs.appendMillis(requestId));
            }
            latencies.sort(Long::compare);
            Figures figures = new Figures(perSecond, used.processMs(), used.streamThreadsMs(),
                    percentile(latencies, 50), percentile(latencies, 99), latencies.get(latencies.size() - 1));
            System.out.printf(Locale.ROOT, "  %s at %d/s for %d s: p50 %d ms, p99 %d ms, max %d ms (load average"
                    + " %.1f)%n", name, rate, seconds, figures.p50(), figures.p99(), figures.max(), loadAverage());
            return figures;
        } finally {
            deleteQuietly(stateDir);
            deleteTopics(prefix);
        }
    }

    /** The bridge's verifier against the STS stand-in, with limits no benchmark reaches (they are not measured). */
    private Settings verifierSettings(Map<String, String> keys, String prefix) {
        Map<String, String> verifier = new LinkedHashMap<>(keys);
        verifier.put("bridge.sts.endpoint", sts.endpoint().toString());
        verifier.put("bridge.aws.access-key-id", "bench");
        verifier.put("bridge.aws.secret-access-key", "bench");
        verifier.put("bridge.verification.group-id", prefix + "-verifier");
        verifier.put("bridge.verification.rate", "1000000");
        verifier.put("bridge.verification.rate-per-account", "1000");
        verifier.put("bridge.verification.rate-per-integration", "1000");
        verifier.put("bridge.verification.max-pending", "100000");
        return Settings.of(verifier);
    }

    private void createTopics(TopicSettings topics, String callbacksTopic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicCreator(admin, 60_000).createAll(topics);
            // The broker stamps each callback when it appends it: latency starts there.
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, callbacksTopic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"), AlterConfigOp.OpType.SET))))
                    .all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Deletes a measured app's topics (its own and its internal ones), so the broker's log cleaner does not
     * compact them while the next app is measured.
     */
    private void deleteTopics(String prefix) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            List<String> mine = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(prefix)).toList();
            admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.printf(Locale.ROOT, "  (could not delete the topics of %s: %s)%n", prefix, e.getMessage());
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /**
     * Waits until this JVM (the app and the broker) is nearly idle: less than a tenth of a core for two
     * half-seconds in a row, at most a minute. Work left over from setting up a round is not counted in it.
     */
    private static void awaitQuiet(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            long cpuBefore = CpuUse.processCpuNanos();
            long wallBefore = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            double cores = (CpuUse.processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
            quiet = cores < 0.1 ? quiet + 1 : 0;
        }
        if (quiet < 2) {
            System.out.printf(Locale.ROOT, "  (%s: still busy a minute after setting up; measuring anyway)%n", name);
        }
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp dir does not change the figures.
        }
    }

    /**
     * CPU time of this JVM's threads over one phase, by group (the app's stream threads and their producers'
     * I/O threads, the broker, the benchmark's own clients, the rest): on a shared machine the wall clock
     * varies with other load, the CPU each callback costs much less. The process figure also counts what no
     * Java thread shows: garbage collection, JIT compilation, RocksDB's background threads.
     */
    private static final class CpuUse {
        private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> before = new HashMap<>();
        private final long processBefore = processCpuNanos();

        static CpuUse start() {
            CpuUse use = new CpuUse();
            for (long id : use.threads.getAllThreadIds()) {
                use.before.put(id, Math.max(0, use.threads.getThreadCpuTime(id)));
            }
            return use;
        }

        /** CPU per 1,000 callbacks: the whole process, and by thread group. */
        record PerThousand(double processMs, Map<String, Double> groups) {
            double streamThreadsMs() {
                return groups.get("stream threads");
            }

            @Override
            public String toString() {
                StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "process %.0f ms", processMs));
                groups.forEach((g, ms) -> out.append(String.format(Locale.ROOT, ", %s %.0f", g, ms)));
                return out.toString();
            }
        }

        PerThousand perThousand(int callbacks) {
            Map<String, Long> groups = new LinkedHashMap<>();
            for (String g : List.of("stream threads", "streams producer I/O", "broker", "bench clients", "other")) {
                groups.put(g, 0L);
            }
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long used = threads.getThreadCpuTime(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
                groups.merge(group(info.getThreadName()), Math.max(0, used), Long::sum);
            }
            long process = processCpuNanos() - processBefore;
            Map<String, Double> perThousand = new LinkedHashMap<>();
            groups.forEach((g, nanos) -> perThousand.put(g, nanos / 1e6 * 1000 / callbacks));
            return new PerThousand(process / 1e6 * 1000 / callbacks, perThousand);
        }

        private static String group(String thread) {
            if (thread.startsWith("kafka-producer-network-thread | ") && thread.contains("StreamThread-")) {
                return "streams producer I/O";
            }
            if (thread.contains("-StreamThread-")) {
                return "stream threads";
            }
            if (thread.startsWith("bench-") || thread.equals("main") || thread.startsWith("kafka-producer-network-thread")) {
                return "bench clients";
            }
            if (thread.startsWith("data-plane-") || thread.startsWith("kafka-") || thread.startsWith("Txn")
                    || thread.startsWith("group-coordinator") || thread.startsWith("AddPartitionsToTxn")
                    || thread.startsWith("executor-") || thread.startsWith("ExpirationReaper")
                    || thread.startsWith("quorum-controller") || thread.startsWith("share-")
                    || thread.startsWith("transaction-") || thread.startsWith("LogDirFailureHandler")) {
                return "broker";
            }
            return "other";
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    /** Feeds requests and Creates, remembering when the broker appended each Create. */
    private final class Inputs implements AutoCloseable {
        private final TopicCatalog catalog;
        private final KafkaProducer<String, byte[]> producer;
        private final Map<String, Long> appended = new ConcurrentHashMap<>();
        private final Instant now = Instant.now();

        Inputs(TopicCatalog catalog) {
            this.catalog = catalog;
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }

        void request(int n, String externalId) {
            String topic = catalog.integrationRequests().name();
            IntegrationRequestEvent event = new IntegrationRequestEvent(IntegrationRequested.newBuilder()
                    .setIntegrationId("int-" + n).setTenantId("tenant-" + n).setExternalId(externalId)
                    .setRoleName("ProviderReadOnly").setName("bench").setRequestedAt(now)
                    .setExpiresAt(now.plus(Duration.ofHours(24))).build());
            producer.send(new ProducerRecord<>(topic, "int-" + n, catalog.integrationRequests().valueSerde()
                    .serializer().serialize(topic, event)));
        }

        void create(int n, String externalId) {
            String account = String.format("%012d", n);
            String requestId = "req-" + n;
            CfnCallback callback = CfnCallback.newBuilder()
                    .setRequestType(RequestType.CREATE).setRequestId(requestId)
                    .setStackId("arn:aws:cloudformation:eu-west-1:" + account + ":stack/onboarding/" + n)
                    .setAccountId(account).setRegion("eu-west-1").setLogicalResourceId("ProviderIntegration")
                    .setResourceType("Custom::ProviderAWSIntegrationNotification").setExternalId(externalId)
                    .setRoleName("ProviderReadOnly").setRoleArn(roleArn(n))
                    .setResponseUrl("https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/"
                            + requestId + "?X-Amz-Signature=0123456789abcdef")
                    .setSourceQueueRegion("eu-west-1").setSentAt(Instant.now()).setReceivedAt(Instant.now())
                    // As the ingress writes it: the processor asks the verifier itself.
                    .setRoleVerification(RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.NOT_REQUIRED)
                            .setAttempts(0).build())
                    .build();
            String topic = catalog.cfnCallbacks().name();
            producer.send(new ProducerRecord<>(topic, externalId, catalog.cfnCallbacks().valueSerde().serializer()
                    .serialize(topic, callback)), (metadata, error) -> {
                        if (error == null) {
                            appended.put(requestId, metadata.timestamp());
                        }
                    });
        }

        void flush() {
            producer.flush();
        }

        static String roleArn(int n) {
            return "arn:aws:iam::" + String.format("%012d", n) + ":role/ProviderReadOnly";
        }

        long appendMillis(String requestId) {
            Long at = appended.get(requestId);
            if (at == null) {
                throw new IllegalStateException("no append time for " + requestId);
            }
            return at;
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Counts the committed records of a topic by key, on its own thread, noting when each key first arrived. */
    private final class Answers implements AutoCloseable {
        private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread poller;
        private volatile long lastArrivalNanos;

        Answers(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                    new ByteArrayDeserializer());
            // A topic created a moment ago may not be in the metadata yet: ask until it is.
            List<TopicPartition> all = List.of();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (all.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no partitions of " + topic + " in the metadata");
                }
                all = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            poller = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                            long nanos = System.nanoTime();
                            if (arrivals.putIfAbsent(r.key(), System.currentTimeMillis()) == null) {
                                lastArrivalNanos = nanos;
                            }
                        }
                    }
                }
            }, "bench-answers-" + topic);
            poller.setDaemon(true);
            poller.start();
        }

        int count() {
            return arrivals.size();
        }

        long lastArrivalNanos() {
            return lastArrivalNanos;
        }

        long arrivalMillis(String key) {
            return arrivals.get(key);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                poller.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The pass-through topology as a service, with the processor's Streams settings. */
    private final class PassThroughApp implements Service {
        private final KafkaStreams streams;

        PassThroughApp(Settings settings, TopicCatalog catalog, boolean withStates) {
            ProcessorConfig config = ProcessorConfig.from(settings);
            Properties props = ProcessorApp.streamsProperties(config, KafkaSettings.from(settings),
                    DeadLetterRoutes.of(catalog), Optional.empty());
            streams = new KafkaStreams(PassThroughTopology.build(catalog, registry, partitions, withStates), props);
            // Like the processor: a failed stream thread is reported and replaced.
            streams.setUncaughtExceptionHandler(e -> {
                System.out.printf(Locale.ROOT, "  pass-through stream thread failed, replacing it: %s%n", e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
        }

        @Override
        public String name() {
            return "pass-through";
        }

        @Override
        public void start() {
            streams.start();
        }

        @Override
        public boolean isReady() {
            return streams.state() == KafkaStreams.State.RUNNING;
        }

        @Override
        public void close() {
            streams.close(Duration.ofSeconds(30));
        }
    }
}
