package dev.onboarding.bench.bridge;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.bridge.ingress.BridgeIngress;
import dev.onboarding.config.Settings;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.StackSettings;
import dev.onboarding.embedded.StsStandIn;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Messages per second the bridge ingress moves from a local ElasticMQ queue to Kafka, against the raw
 * SQS ceiling measured in the same run with the broker up: the same number of poller threads doing
 * only receive (10, with the same attributes) + deleteBatch. Every message is an SNS-enveloped Create
 * of about 1.5 KB from its own account, so each one goes through parsing, validation, Avro serialization
 * and an acks=all idempotent produce before its batched delete. Since issue #18 the ingress makes no STS call (the
 * processor asks the bridge's verifier once ownership is proven): the run fails if the STS stand-in counts one.
 *
 * <p>Each row (one poller count) measures, seconds apart: the ceiling, the STS stand-in alone (the bridge's
 * verification concurrency calling AssumeRole with the bridge's client settings), and the bridge for each request
 * type. Every phase also records the process CPU it used, how that CPU split over the parts sharing the JVM, and the
 * load average, so that a row measured while the machine was busy can be told apart.
 *
 * <p>Arguments (all optional): {@code messages=50000 pollers=1,2,4 warmup=20000 warmup-passes=5
 * requests=Create,Delete sts-concurrency=16 sts-calls=5000 out=bench/results-bridge-ingress.md}.
 */
public final class IngressBenchmark {
    private static final String REGION = "eu-west-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUN_LIMIT = Duration.ofMinutes(10);

    private final EmbeddedKafka kafka;
    private final EmbeddedSqs sqs;
    private final StsStandIn sts;
    private final SqsClient client;
    private final int stsConcurrency;

    private IngressBenchmark(EmbeddedKafka kafka, EmbeddedSqs sqs, StsStandIn sts, int stsConcurrency) {
        this.stsConcurrency = stsConcurrency;
        this.kafka = kafka;
        this.sqs = sqs;
        this.sts = sts;
        this.client = sqsClient(sqs, 8);
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("messages", "50000", "pollers", "1,2,4",
                "warmup", "20000", "out", "bench/results-bridge-ingress.md", "requests", "Create,Delete",
                "sts-concurrency", "16", "sts-calls", "5000", "warmup-passes", "5"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.WARN);
        int messages = Integer.parseInt(options.get("messages"));
        int warmup = Integer.parseInt(options.get("warmup"));
        int stsCalls = Integer.parseInt(options.get("sts-calls"));
        int warmupPasses = Integer.parseInt(options.get("warmup-passes"));
        List<Integer> pollerCounts = new ArrayList<>();
        for (String p : options.get("pollers").split(",")) {
            pollerCounts.add(Integer.parseInt(p.trim()));
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedSqs sqs = EmbeddedSqs.start(REGION, "000000000000");
                StsStandIn sts = StsStandIn.start()) {
            IngressBenchmark bench = new IngressBenchmark(kafka, sqs, sts,
                    Integer.parseInt(options.get("sts-concurrency")));
            List<String> types = List.of(options.get("requests").split(","));
            Map<String, List<String>> bodies = new HashMap<>();
            for (String type : types) {
                bodies.put(type, bench.bodies(Math.max(messages, warmup), type.trim()));
            }
            List<String> first = bodies.get(types.get(0));
            double averageSize = first.stream().mapToInt(b -> b.getBytes(StandardCharsets.UTF_8).length).average()
                    .orElse(0);
            System.out.printf(Locale.ROOT, "%d SNS-enveloped %ss, %.0f bytes on average%n", first.size(),
                    types.get(0), averageSize);

            // JIT warm-up of every path, not reported: the first cold pass is several times slower, and the JIT
            // compilers stay busy for passes after that (on 2 cores they compete with the run being measured).
            // Passes repeat until the compilers are mostly quiet, or up to warmup-passes.
            for (int pass = 1; pass <= warmupPasses; pass++) {
                Phase.Clock clock = Phase.start();
                bench.ceiling(first.subList(0, warmup), 2);
                for (String type : types) {
                    bench.bridge(bodies.get(type).subList(0, warmup), 2);
                }
                bench.stsAlone(stsCalls, bench.stsConcurrency);
                Phase warm = clock.stop(1, "");
                double jitShare = warm.jitMillis() / (warm.seconds() * 1000);
                System.out.printf(Locale.ROOT, "warm-up pass %d: %.0f s, JIT compiling %.0f%% of it%n", pass,
                        warm.seconds(), 100 * jitShare);
                if (jitShare < 0.10) {
                    break;
                }
            }

            List<String> rows = new ArrayList<>();
            List<String> diagnostics = new ArrayList<>();
            for (int pollers : pollerCounts) {
                String loadBefore = loadAverage();
                Phase ceiling = bench.ceiling(first.subList(0, messages), pollers);
                Phase stsAlone = bench.stsAlone(stsCalls, bench.stsConcurrency);
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %,.0f |", pollers,
                        ceiling.perSecond()));
                diagnostics.add(ceiling.diagnostics(pollers, "ceiling"));
                diagnostics.add(stsAlone.diagnostics(pollers, "STS stand-in alone"));
                for (String type : types) {
                    Phase bridge = bench.bridge(bodies.get(type).subList(0, messages), pollers);
                    row.append(String.format(Locale.ROOT, " %,.0f | %.2f |", bridge.perSecond(),
                            bridge.perSecond() / ceiling.perSecond()));
                    diagnostics.add(bridge.diagnostics(pollers, "bridge, " + type + "s"));
                    System.out.printf(Locale.ROOT, "pollers=%d ceiling=%.0f msg/s bridge(%s)=%.0f msg/s ratio=%.2f%n",
                            pollers, ceiling.perSecond(), type, bridge.perSecond(),
                            bridge.perSecond() / ceiling.perSecond());
                }
                String loadAfter = loadAverage();
                row.append(String.format(Locale.ROOT, " %,.0f | %s → %s |", stsAlone.perSecond(), loadBefore,
                        loadAfter));
                System.out.printf(Locale.ROOT,
                        "pollers=%d STS stand-in alone=%.0f calls/s (%d threads), load %s -> %s%n", pollers,
                        stsAlone.perSecond(), bench.stsConcurrency, loadBefore, loadAfter);
                rows.add(row.toString());
            }
            bench.client.close();
            String report = report(messages, averageSize, types, rows, diagnostics, bench.stsConcurrency,
                    String.join(" ", args));
            System.out.println();
            System.out.println(report);
            if (!options.get("out").isBlank()) {
                Path out = Path.of(options.get("out"));
                Files.writeString(out, report);
                System.out.println("written to " + out.toAbsolutePath());
            }
        }
    }

    /** The raw ceiling: {@code pollers} threads doing receive + deleteBatch until the queue is drained. */
    private Phase ceiling(List<String> bodies, int pollers) throws Exception {
        String queue = fill("ceiling", bodies);
        int total = bodies.size();
        AtomicInteger deleted = new AtomicInteger();
        AtomicInteger receives = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(pollers, named("ceiling"));
        try (SqsClient sqsClient = sqsClient(sqs, pollers + 1)) {
            Phase.Clock clock = Phase.start();
            long start = System.nanoTime();
            long limit = start + RUN_LIMIT.toNanos();
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < pollers; i++) {
                running.add(threads.submit(() -> {
                    while (deleted.get() < total && System.nanoTime() < limit) {
                        List<Message> batch = sqsClient.receiveMessage(b -> b.queueUrl(queue)
                                .maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(60)
                                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                        MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
                        receives.incrementAndGet();
                        if (batch.isEmpty()) {
                            continue;
                        }
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int j = 0; j < batch.size(); j++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(j))
                                    .receiptHandle(batch.get(j).receiptHandle()).build());
                        }
                        deleted.addAndGet(sqsClient.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries))
                                .successful().size());
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            Phase phase = clock.stop(total, String.format(Locale.ROOT, "%.1f messages per receive",
                    (double) total / receives.get()));
            if (deleted.get() < total) {
                throw new IllegalStateException("ceiling run did not finish: " + deleted.get() + "/" + total);
            }
            return phase;
        } finally {
            threads.shutdownNow();
        }
    }

    /** The bridge ingress with {@code pollers} pollers, from start until every message is produced and deleted. */
    private Phase bridge(List<String> bodies, int pollers) throws Exception {
        String queue = fill("bridge", bodies);
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(prefix + ".cfn-callbacks", 6);
        kafka.createTopic(prefix + ".cfn-responses", 1);
        kafka.createTopic(prefix + ".cfn-callbacks.dlq", 1);
        Map<String, String> settings = StackSettings.of(kafka.bootstrapServers(), "mock://" + prefix)
                .queue(REGION, sqs, queue)
                .with("bridge.pollers-per-queue", String.valueOf(pollers))
                .awsCredentials("bench", "bench")
                .sts(sts)
                .topic("cfn-callbacks", prefix + ".cfn-callbacks")
                .topic("cfn-responses", prefix + ".cfn-responses")
                .topic("cfn-callbacks-dlq", prefix + ".cfn-callbacks.dlq")
                .build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        int total = bodies.size();
        BridgeIngress ingress = BridgeIngress.from(Settings.of(settings), meters);
        int stsCallsBefore = sts.assumeRoleCalls();
        Phase.Clock clock = Phase.start();
        Phase phase;
        try {
            // Timed from start(): the bridge's start-up counts against it.
            ingress.start();
            long limit = System.nanoTime() + RUN_LIMIT.toNanos();
            while (count(meters, "bridge.ingress.deleted") < total && System.nanoTime() < limit) {
                Thread.sleep(5);
            }
            Timer polls = meters.find("bridge.ingress.poll.latency").timer();
            phase = clock.stop(total, String.format(Locale.ROOT, "%.1f messages per receive",
                    count(meters, "bridge.ingress.received") / (polls == null ? 1 : polls.count())));
        } finally {
            ingress.close();
        }
        double produced = count(meters, "bridge.ingress.produced");
        int stsCalls = sts.assumeRoleCalls() - stsCallsBefore;
        if (count(meters, "bridge.ingress.deleted") < total || produced < total || stsCalls != 0) {
            throw new IllegalStateException("bridge run did not finish: deleted=" + count(meters,
                    "bridge.ingress.deleted") + " produced=" + produced + "/" + total + ", STS calls=" + stsCalls
                    + " (the ingress makes none)");
        }
        return phase;
    }

    /**
     * What the STS stand-in answers alone: {@code threads} threads calling AssumeRole on trusted roles, through a
     * client set up like the bridge's (Apache pool of the verifier's concurrency, SDK retries off, one call timeout).
     */
    private Phase stsAlone(int calls, int threads) throws Exception {
        String account = "123456789012";
        for (int i = 0; i < 100; i++) {
            sts.trust("arn:aws:iam::" + account + ":role/Bench" + i, "onb-bench-" + i);
        }
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("sts-alone"));
        int callsBefore = sts.assumeRoleCalls();
        try (StsClient stsClient = StsClient.builder()
                .endpointOverride(sts.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads + 2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build()) {
            Phase.Clock clock = Phase.start();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    for (int i = done.getAndIncrement(); i < calls; i = done.getAndIncrement()) {
                        int role = i % 100;
                        stsClient.assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/Bench" + role)
                                .externalId("onb-bench-" + role).roleSessionName("bench").durationSeconds(900));
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            Phase phase = clock.stop(calls, threads + " client threads");
            if (sts.assumeRoleCalls() - callsBefore != calls) {
                throw new IllegalStateException("the stand-in counted " + (sts.assumeRoleCalls() - callsBefore)
                        + " calls, not " + calls);
            }
            return phase;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> new Thread(r, prefix + "-" + n.incrementAndGet());
    }

    /** The 1-minute load average, as the kernel reports it. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?"; // not Linux
        }
    }

    /**
     * One measured phase: how many units (messages, calls) it moved in how long, with the process CPU it used, how
     * that CPU split over the parts sharing the JVM (thread CPU time by thread name; what no Java thread accounts for
     * is GC, JIT and the VM), the JIT and GC time within it, and the machine's load average around it.
     */
    private record Phase(int units, double seconds, double cpuSeconds, Map<String, Long> cpuByPart, String loadBefore,
            String loadAfter, long jitMillis, long gcMillis, String note) {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        /** Thread name prefixes, first match wins. */
        private static final List<Map.Entry<String, String>> PARTS = List.of(
                Map.entry("qtp", "STS stand-in"),
                Map.entry("role-verifier-sts", "bridge STS client + publish"),
                Map.entry("sts-alone", "STS client"),
                Map.entry("ingress-", "bridge pollers"),
                Map.entry("ceiling", "ceiling threads"),
                Map.entry("elasticmq", "ElasticMQ"),
                Map.entry("kafka-producer", "Kafka producer"),
                Map.entry("data-plane", "Kafka broker"),
                Map.entry("sdk-", "SDK timers"));

        static Clock start() {
            return new Clock(System.nanoTime(), OS.getProcessCpuTime(), cpuByThread(), loadAverage(),
                    jitMillisSoFar(), gcMillisSoFar());
        }

        double perSecond() {
            return units / seconds;
        }

        String diagnostics(int pollers, String what) {
            StringBuilder split = new StringBuilder();
            long threads = 0;
            for (Map.Entry<String, Long> part : cpuByPart.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
                threads += part.getValue();
                if (part.getValue() * 1e-3 / units >= 5) {
                    split.append(String.format(Locale.ROOT, "%s %,.0f, ", part.getKey(),
                            part.getValue() * 1e-3 / units));
                }
            }
            split.append(String.format(Locale.ROOT, "GC/JIT/VM %,.0f", Math.max(0, cpuSeconds * 1e9 - threads) * 1e-3
                    / units));
            return String.format(Locale.ROOT, "| %d | %s | %,.0f/s | %.2f | %,.0f | %s | %s → %s | %s; JIT %,d ms, "
                    + "GC %,d ms |", pollers, what, perSecond(), cpuSeconds / seconds, cpuSeconds * 1e6 / units, split,
                    loadBefore, loadAfter, note, jitMillis, gcMillis);
        }

        /** CPU nanoseconds used so far by each live thread, keyed "part#thread id". */
        private static Map<String, Long> cpuByThread() {
            Map<String, Long> parts = new HashMap<>();
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                long cpu = info == null ? -1 : THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    String part = PARTS.stream().filter(e -> info.getThreadName().startsWith(e.getKey()))
                            .map(Map.Entry::getValue).findFirst().orElse("other threads");
                    parts.merge(part + "#" + info.getThreadId(), cpu, Long::sum);
                }
            }
            return parts;
        }

        /** Time the JIT compilers have spent so far. */
        private static long jitMillisSoFar() {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        /** Time the garbage collectors have spent so far. */
        private static long gcMillisSoFar() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
        }

        /** A started phase. */
        record Clock(long startNanos, long startCpuNanos, Map<String, Long> startByThread, String loadBefore,
                long startJitMillis, long startGcMillis) {
            Phase stop(int units, String note) {
                Map<String, Long> byPart = new HashMap<>();
                // Per thread, so that threads started during the phase count from zero.
                cpuByThread().forEach((thread, cpu) -> byPart.merge(thread.substring(0, thread.indexOf('#')),
                        cpu - startByThread.getOrDefault(thread, 0L), Long::sum));
                return new Phase(units, (System.nanoTime() - startNanos) / 1e9,
                        (OS.getProcessCpuTime() - startCpuNanos) / 1e9, byPart, loadBefore, loadAverage(),
                        jitMillisSoFar() - startJitMillis, gcMillisSoFar() - startGcMillis, note);
            }
        }
    }

    private static double count(SimpleMeterRegistry meters, String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A fresh queue holding {@code bodies}, sent in batches of ten from four threads. */
    private String fill(String name, List<String> bodies) throws Exception {
        String queue = sqs.createQueue(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int from = 0; from < bodies.size(); from += 10) {
                List<String> chunk = bodies.subList(from, Math.min(bodies.size(), from + 10));
                sent.add(senders.submit(() -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int i = 0; i < chunk.size(); i++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i))
                                .messageBody(chunk.get(i)).build());
                    }
                    client.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }
        return queue;
    }

    /** SNS-enveloped Creates of about 1.5 KB, each from its own account, every role trusted by the STS stand-in. */
    private List<String> bodies(int count, String requestType) {
        List<String> bodies = new ArrayList<>(count);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < count; i++) {
            String account = String.valueOf(100_000_000_000L + random.nextLong(899_999_999_999L));
            String externalId = "onb-" + Long.toString(random.nextLong(Long.MAX_VALUE), 32) + "x".repeat(20);
            String requestId = UUID.randomUUID().toString();
            String stackId = "arn:aws:cloudformation:" + REGION + ":" + account + ":stack/customer-onboarding/"
                    + UUID.randomUUID();
            String topicArn = "arn:aws:sns:" + REGION + ":999999999999:onboarding-callbacks";
            ObjectNode request = JSON.createObjectNode();
            request.put("RequestType", requestType);
            if (!requestType.equals("Create")) {
                request.put("PhysicalResourceId", "integration-" + i);
            }
            request.put("ServiceToken", topicArn);
            request.put("ResponseURL", "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1."
                    + "amazonaws.com/" + stackId.replace(":", "%3A").replace("/", "%2F") + "%7CNotify%7C" + requestId
                    + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z&X-Amz-Expires=7200"
                    + "&X-Amz-Signature=" + "0f".repeat(32));
            request.put("StackId", stackId);
            request.put("RequestId", requestId);
            request.put("LogicalResourceId", "ProviderIntegrationNotification");
            request.put("ResourceType", "Custom::ProviderAWSIntegrationNotification");
            ObjectNode properties = request.putObject("ResourceProperties");
            properties.put("ServiceToken", topicArn);
            properties.put("ExternalID", externalId);
            properties.put("RoleName", "ProviderReadOnly");
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("Type", "Notification");
            envelope.put("MessageId", UUID.randomUUID().toString());
            envelope.put("TopicArn", topicArn);
            envelope.put("Subject", "AWS CloudFormation custom resource request");
            envelope.put("Message", request.toString());
            envelope.put("Timestamp", Instant.now().toString());
            envelope.put("SignatureVersion", "1");
            envelope.put("Signature", "b".repeat(42) + "==");
            envelope.put("SigningCertURL", "https://sns." + REGION
                    + ".amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem");
            envelope.put("UnsubscribeURL", "https://sns." + REGION + ".amazonaws.com/?Action=Unsubscribe"
                    + "&SubscriptionArn=" + topicArn + ":1");
            bodies.add(envelope.toString());
            sts.trust("arn:aws:iam::" + account + ":role/ProviderReadOnly", externalId);
        }
        return bodies;
    }

    private static SqsClient sqsClient(EmbeddedSqs sqs, int connections) {
        return SqsClient.builder()
                .endpointOverride(sqs.endpoint())
                .region(Region.of(sqs.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections))
                .build();
    }

    private static String report(int messages, double averageSize, List<String> types, List<String> rows,
            List<String> diagnostics, int stsConcurrency, String args) {
        Runtime rt = Runtime.getRuntime();
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (Exception e) {
            // not Linux
        }
        StringBuilder md = new StringBuilder();
        md.append("## Bridge ingress: SQS to Kafka\n\n");
        md.append(String.format(Locale.ROOT, "%,d SNS-enveloped requests per run (%.0f bytes on average, each from "
                + "its own account) moved from a local ElasticMQ queue to `onboarding.cfn-callbacks` (6 partitions, "
                + "acks=all, idempotent producer) and deleted from SQS in batches after Kafka acknowledged them. "
                + "Since issue #18 the ingress calls no STS for a Create (the processor asks the bridge's verifier "
                + "once ownership is proven), so Creates and Deletes both measure the pipeline without STS; the run "
                + "fails if the STS stand-in counts a call. The ceiling is measured in the same row with the broker up: the same number of "
                + "threads doing only `ReceiveMessage` (10, same attributes) + `DeleteMessageBatch`. The STS "
                + "stand-in alone is measured in the same row too: %d client threads (the bridge's "
                + "`bridge.verification.max-concurrency`) calling AssumeRole with the bridge's client settings. "
                + "Figures are after JIT warm-up passes of every path; the bridge is timed from `start()`.%n%n",
                messages, averageSize, stsConcurrency));
        StringBuilder header = new StringBuilder("| Pollers | SQS ceiling (msg/s) |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String type : types) {
            header.append(" Bridge, ").append(type).append("s (msg/s) | Ratio |");
            rule.append("---|---|");
        }
        header.append(" STS stand-in alone (calls/s) | Load average (1 min) |");
        rule.append("---|---|");
        md.append(header).append('\n').append(rule).append('\n');
        rows.forEach(r -> md.append(r).append('\n'));
        md.append("\nWhere the CPU went (the process's own CPU time over the phase's wall time; 2.00 = both cores of a "
                + "2-core machine):\n\n");
        md.append("| Pollers | Phase | Rate | Cores used | CPU µs per message or call | of which (µs) | Load average "
                + "| Notes |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        diagnostics.forEach(d -> md.append(d).append('\n'));
        md.append(String.format(Locale.ROOT, "%nMachine: %d cores (%s), %d MB max heap, %s %s, %s %s. "
                        + "Broker, ElasticMQ, the STS stand-in and the bridge share the one JVM and its cores.%n%n",
                rt.availableProcessors(), cpu, rt.maxMemory() / (1024 * 1024), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version")));
        // The command as BENCHMARKS.md documents it; where this run wrote its report is left out.
        String arguments = java.util.Arrays.stream(args.split(" ")).filter(a -> !a.isBlank() && !a.startsWith("out="))
                .collect(java.util.stream.Collectors.joining(" "));
        md.append("Command:\n\n```\nmvn -B -q -pl bench -am -Dmaven.test.skip=true package\n"
                + "java "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-X")).toList())
                + " -cp bench/target/onboarding-bench.jar dev.onboarding.bench.bridge.IngressBenchmark"
                + (arguments.isEmpty() ? "" : " " + arguments) + "\n```\n");
        return md.toString();
    }
}
