package dev.onboarding.bench.responder;

import ch.qos.logback.classic.Level;
import dev.onboarding.bridge.egress.CloudFormationResponder;
import dev.onboarding.bridge.egress.EgressConfig;
import dev.onboarding.bridge.egress.ResponderMetrics;
import dev.onboarding.bridge.egress.ResponseDelivery;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.LoggerFactory;

/**
 * Responses per second the responder delivers to a local endpoint that answers each PUT in 50 ms, and
 * the decision-to-delivery latency. Three runs on an embedded broker and the S3 stand-in:
 * <ol>
 *   <li>ceiling: the same PUTs at the same concurrency from the bare HTTP client (no Kafka, no policy, no
 *       body building, no bookkeeping): the most this machine and endpoint allow;</li>
 *   <li>backlog: N responses are waiting on the topic before the responder starts; throughput is measured
 *       from the first to the last PUT received, and compared with the ceiling;</li>
 *   <li>steady: responses are produced at a fixed rate below capacity while the responder runs; the latency
 *       distribution is that of the responder's own {@code decision.to.delivery} timer (it includes the
 *       endpoint's 50 ms).</li>
 * </ol>
 * Arguments (all optional): {@code backlog=20000 rate=1000 seconds=10 inflight=256 partitions=6}.
 */
public final class ResponderBenchmark {
    private static final String REGION = "eu-west-1";
    private static final String STACK = "arn:aws:cloudformation:eu-west-1:123456789012:stack/bench/"
            + "00000000-0000-4000-8000-000000000000";
    private static final Duration ENDPOINT_DELAY = Duration.ofMillis(50);

    private final EmbeddedKafka kafka;
    private final S3ResponseStandIn endpoint;
    private final int inFlight;
    private final int partitions;
    private int run;

    private ResponderBenchmark(EmbeddedKafka kafka, S3ResponseStandIn endpoint, int inFlight, int partitions) {
        this.kafka = kafka;
        this.endpoint = endpoint;
        this.inFlight = inFlight;
        this.partitions = partitions;
    }

    /** Runs both measurements and prints the figures. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.WARN);
        Map<String, String> options = new HashMap<>(Map.of("backlog", "20000", "rate", "1000", "seconds", "10",
                "inflight", "256", "partitions", "6"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv[1]);
        }
        int backlog = Integer.parseInt(options.get("backlog"));
        int rate = Integer.parseInt(options.get("rate"));
        int seconds = Integer.parseInt(options.get("seconds"));

        // The stand-in is the JDK's HttpServer, which by default keeps only 200 idle keep-alive connections and
        // closes the rest: with 256 in flight the client would meet closed connections. Real S3 keeps them.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "2000");
        printMachine();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); S3ResponseStandIn endpoint = S3ResponseStandIn.start()) {
            ResponderBenchmark bench = new ResponderBenchmark(kafka, endpoint,
                    Integer.parseInt(options.get("inflight")), Integer.parseInt(options.get("partitions")));
            // Warm-ups first (JIT, threads, schema ids), so neither measured run pays for them.
            bench.backlog(Math.min(5_000, backlog), false, 0);
            bench.ceiling(Math.min(5_000, backlog), false);
            double ceiling = bench.ceiling(backlog, true);
            bench.backlog(backlog, true, ceiling);
            bench.steady(rate, seconds);
        }
    }

    /** The bare client's rate for {@code count} PUTs at the responder's concurrency. */
    private double ceiling(int count, boolean report) throws Exception {
        run++;
        String prefix = "bench-ceiling-" + run;
        List<URI> urls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String url = endpoint.responseUrlFor(REGION, STACK, prefix + "-" + i);
            endpoint.delay(url, ENDPOINT_DELAY);
            urls.add(URI.create(url));
        }
        byte[] body = ("{\"Status\":\"SUCCESS\",\"PhysicalResourceId\":\"bench\",\"StackId\":\"" + STACK
                + "\",\"RequestId\":\"r\",\"LogicalResourceId\":\"CustomResource\"}")
                .getBytes(StandardCharsets.UTF_8);
        endpoint.clearRequests();
        Semaphore slots = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(count);
        try (ResponseDelivery delivery = new ResponseDelivery(Duration.ofSeconds(5), Duration.ofSeconds(30),
                inFlight)) {
            for (URI url : urls) {
                slots.acquire();
                delivery.put(url, body).whenComplete((outcome, error) -> {
                    slots.release();
                    done.countDown();
                });
            }
            done.await();
        }
        var received = endpoint.requests();
        double activeSeconds = Duration.between(received.get(0).receivedAt(),
                received.get(received.size() - 1).receivedAt()).toNanos() / 1e9;
        double rate = (count - 1) / activeSeconds;
        if (report) {
            System.out.printf(Locale.ROOT, "%nceiling: bare HTTP client, same endpoint, %d in flight, %d PUTs%n",
                    inFlight, count);
            System.out.printf(Locale.ROOT, "  throughput:             %.0f PUTs/s (first to last PUT, %.2f s)%n", rate,
                    activeSeconds);
        }
        return rate;
    }

    private void backlog(int count, boolean report, double ceiling) throws Exception {
        Run r = newRun();
        List<CfnResponse> responses = r.responses(count);
        r.produce(responses, 0);
        endpoint.clearRequests();
        long started = System.nanoTime();
        try (CloudFormationResponder responder = r.responder()) {
            responder.start();
            r.awaitDelivered(count, Duration.ofMinutes(5));
            double wallSeconds = (System.nanoTime() - started) / 1e9;
            var received = endpoint.requests();
            Instant first = received.get(0).receivedAt();
            Instant last = received.get(received.size() - 1).receivedAt();
            double activeSeconds = Duration.between(first, last).toNanos() / 1e9;
            if (report) {
                System.out.printf(Locale.ROOT, "%nbacklog run: %d responses, endpoint delay %d ms, max in flight %d,"
                        + " %d partitions%n", count, ENDPOINT_DELAY.toMillis(), inFlight, partitions);
                System.out.printf(Locale.ROOT,
                        "  delivered:              %d (PUTs received %d, retried %d, given up %d)%n",
                        (long) r.counter(ResponderMetrics.DELIVERED), received.size(),
                        (long) r.counter(ResponderMetrics.RETRIED), (long) r.givenUp());
                System.out.printf(Locale.ROOT,
                        "  throughput:             %.0f responses/s (first to last PUT, %.2f s)%n",
                        (count - 1) / activeSeconds, activeSeconds);
                System.out.printf(Locale.ROOT, "  including start-up:     %.0f responses/s (%.2f s from start(),"
                        + " group join included)%n", count / wallSeconds, wallSeconds);
                System.out.printf(Locale.ROOT, "  ratio to ceiling:       %.2f%n",
                        (count - 1) / activeSeconds / ceiling);
            }
        }
    }

    private void steady(int rate, int seconds) throws Exception {
        Run r = newRun();
        int count = rate * seconds;
        List<CfnResponse> responses = r.responses(count);
        endpoint.clearRequests();
        try (CloudFormationResponder responder = r.responder()) {
            responder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!responder.isReady() && System.nanoTime() < deadline) {
                Thread.sleep(20); // a benchmark driver, not a test: wait for the consumer to be up
            }
            Thread.sleep(1_000); // let the group settle so latency excludes the first assignment
            r.produce(responses, rate);
            r.awaitDelivered(count, Duration.ofMinutes(5));
            Timer timer = r.meters.get(ResponderMetrics.DECISION_TO_DELIVERY).timer();
            System.out.printf(Locale.ROOT, "%nsteady run: %d responses/s offered for %d s (%d responses),"
                    + " endpoint delay %d ms%n", rate, seconds, count, ENDPOINT_DELAY.toMillis());
            System.out.printf(Locale.ROOT, "  delivered:              %d (retried %d, given up %d)%n",
                    (long) r.counter(ResponderMetrics.DELIVERED), (long) r.counter(ResponderMetrics.RETRIED),
                    (long) r.givenUp());
            System.out.printf(Locale.ROOT, "  decision to delivery:   mean %.1f ms, max %.1f ms%n",
                    timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS));
            for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
                System.out.printf(Locale.ROOT, "    p%-6s %8.1f ms%n", trim(p.percentile() * 100),
                        p.value(TimeUnit.MILLISECONDS));
            }
        }
    }

    private Run newRun() {
        run++;
        return new Run("bench-responder-" + run + "-" + System.currentTimeMillis());
    }

    /** One measurement's topics, meters and producer. */
    private final class Run {
        private final String prefix;
        private final TopicCatalog topics;
        private final MeterRegistry meters = new SimpleMeterRegistry();

        Run(String prefix) {
            this.prefix = prefix;
            Settings settings = Settings.of(Map.of(
                    "topics.cfn-responses.name", prefix + ".cfn-responses",
                    "topics.cfn-responses-retry.name", prefix + ".cfn-responses.retry",
                    "topics.cfn-responses-dlq.name", prefix + ".cfn-responses.dlq"));
            topics = TopicCatalog.create(TopicSettings.from(settings),
                    SchemaRegistries.connect(RegistrySettings.of("mock://bench-responder")), true);
            kafka.createTopic(topics.cfnResponses().name(), partitions);
            kafka.createTopic(topics.cfnResponsesRetry().name(), partitions);
            kafka.createTopic(topics.cfnResponsesDlq().name(), 1);
            meters.config().meterFilter(new MeterFilter() {
                @Override
                public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                    return id.getName().equals(ResponderMetrics.DECISION_TO_DELIVERY)
                            ? DistributionStatisticConfig.builder().percentiles(0.5, 0.9, 0.99, 0.999)
                                    .expiry(Duration.ofMinutes(10)).bufferLength(1).build().merge(config)
                            : config;
                }
            });
        }

        List<CfnResponse> responses(int count) {
            Instant deadline = Instant.now().plus(Duration.ofHours(1));
            return java.util.stream.IntStream.range(0, count).mapToObj(i -> {
                String requestId = prefix + "-" + i;
                String url = endpoint.responseUrlFor(REGION, STACK, requestId);
                endpoint.delay(url, ENDPOINT_DELAY);
                return CfnResponse.newBuilder()
                        .setRequestId(requestId)
                        .setResponseUrl(url)
                        .setStatus(ResponseStatus.SUCCESS)
                        .setPhysicalResourceId("bench-" + i)
                        .setStackId(STACK)
                        .setLogicalResourceId("CustomResource")
                        .setData(Map.of("IntegrationId", "int-" + i))
                        .setDeadline(deadline)
                        .build();
            }).toList();
        }

        /** Produces every response, stamped with its decision time; {@code rate} per second, or at once if 0. */
        void produce(List<CfnResponse> responses, int rate) throws InterruptedException {
            Topic<String, CfnResponse> topic = topics.cfnResponses();
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.LINGER_MS_CONFIG, rate == 0 ? 20 : 1);
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
            try (KafkaProducer<String, CfnResponse> producer = new KafkaProducer<>(props,
                    topic.keySerde().serializer(), topic.valueSerde().serializer())) {
                long start = System.nanoTime();
                for (int i = 0; i < responses.size(); i++) {
                    if (rate > 0) {
                        long due = start + (long) (i * (1e9 / rate));
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait); // pacing the offered load
                        }
                    }
                    CfnResponse response = responses.get(i);
                    response.setDecidedAt(Instant.now());
                    producer.send(new ProducerRecord<>(topic.name(), response.getRequestId(), response));
                }
            }
        }

        CloudFormationResponder responder() {
            EgressConfig config = EgressConfig.from(Settings.of(Map.of(
                    "bridge.egress.group-id", prefix,
                    "bridge.egress.max-in-flight", String.valueOf(inFlight),
                    EgressConfig.LOCAL_ORIGIN_KEY, endpoint.origin())));
            return new CloudFormationResponder(config, KafkaSettings.of(kafka.bootstrapServers()), topics, meters);
        }

        void awaitDelivered(int count, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (counter(ResponderMetrics.DELIVERED) + givenUp() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + counter(ResponderMetrics.DELIVERED) + " of " + count
                            + " delivered in " + limit);
                }
                Thread.sleep(10); // a benchmark driver polling its own counter
            }
        }

        double counter(String name) {
            return meters.get(name).counter().count();
        }

        double givenUp() {
            return meters.find(ResponderMetrics.GIVEN_UP).counters().stream().mapToDouble(c -> c.count()).sum();
        }
    }

    private static void printMachine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        System.out.printf(Locale.ROOT, "machine: %d cores (%s), %s %s, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "jvm args: %s%n", ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String trim(double percent) {
        return percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent);
    }
}
