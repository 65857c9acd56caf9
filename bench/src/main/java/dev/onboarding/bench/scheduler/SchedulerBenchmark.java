package dev.onboarding.bench.scheduler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.onboarding.embedded.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's benchmarks on one embedded broker, printed as figures:
 * <ul>
 * <li>(a) {@code throughput}: most jobs per second at steady state against the raw producer ceiling;</li>
 * <li>(b) {@code scale}: 10,000 integrations with the default catalog: sustained rate, heap, RocksDB, restore;</li>
 * <li>(c) {@code tick}: the cost of a tick with 1% of the integrations due versus none, at several sizes.</li>
 * </ul>
 * Arguments: which ones to run ({@code throughput scale tick}, default all), and {@code key=value} overrides:
 * {@code partitions=6 linger.ms=5 batch.size=16384 throughput.threads=1 throughput.integrations=3000
 * throughput.interval=5s throughput.seconds=10 (per round) throughput.rounds=5 scale.threads=1
 * scale.integrations=10000 scale.seconds=120 tick.seconds=30 tick.sizes=1000,10000,100000}, and any
 * {@code scheduler.*} or {@code kafka.*} (Kafka Streams, not producer) setting for the throughput run (e.g.
 * {@code scheduler.commit-interval=100ms}). {@code linger.ms}, {@code batch.size} and any
 * {@code producer.<config>=value} go to both the raw producer and the scheduler's producer.
 */
public final class SchedulerBenchmark {
    private SchedulerBenchmark() {
    }

    /** Runs the selected benchmarks. */
    public static void main(String[] args) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        // Closing consumers and brokers warns about things that do not matter to the figures.
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger("kafka")).setLevel(Level.ERROR);
        Map<String, String> options = new HashMap<>();
        List<String> selected = Arrays.stream(args).filter(a -> !a.contains("=")).toList();
        Arrays.stream(args).filter(a -> a.contains("=")).forEach(a -> options.put(a.substring(0, a.indexOf('=')),
                a.substring(a.indexOf('=') + 1)));
        boolean all = selected.isEmpty();
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "6"));
        System.out.printf(Locale.ROOT, "scheduler benchmarks: %d cores (load average %.1f), max heap %d MB, %d "
                + "partitions%n", Runtime.getRuntime().availableProcessors(), loadAverage(),
                Runtime.getRuntime().maxMemory() >> 20, partitions);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            if (all || selected.contains("throughput")) {
                int threads = Integer.parseInt(options.getOrDefault("throughput.threads", "1"));
                System.out.printf(Locale.ROOT, "(a) throughput, %d stream thread(s)%n", threads);
                ThroughputBenchmark.Result r = new ThroughputBenchmark(kafka, partitions,
                        Integer.parseInt(options.getOrDefault("throughput.integrations", "3000")),
                        Duration.parse("PT" + options.getOrDefault("throughput.interval", "5s")
                                .toUpperCase(Locale.ROOT)),
                        threads, Duration.ofSeconds(Long.parseLong(options.getOrDefault("throughput.seconds", "10"))),
                        Integer.parseInt(options.getOrDefault("throughput.rounds", "5")), producerTuning(options),
                        schedulerOverrides(options))
                        .run();
                System.out.printf(Locale.ROOT, "  scheduler: %,.0f jobs/s (by output offsets %,.0f/s; demand %,.0f/s)"
                        + ", %d punctuations of %.1f ms on average, %.0f jobs per due-index entry%n",
                        r.jobsPerSecond(), r.jobsPerSecondByOffsets(), r.demandPerSecond(), r.ticks(),
                        r.meanTickMillis(), r.jobsPerEntry());
                if (r.jobsPerSecond() > 0.8 * r.demandPerSecond()) {
                    System.out.printf(Locale.ROOT, "  NOTE: the scheduler emitted over 80%% of the demand, so it may not "
                            + "have been saturated: shorten throughput.interval to measure its ceiling%n");
                }
                System.out.printf(Locale.ROOT, "  load average now %.1f%n", loadAverage());
                System.out.printf(Locale.ROOT, "  RESULT throughput (medians of the rounds): %,.0f jobs/s = %.2fx the "
                        + "raw producer ceiling (%,.0f/s), %.2fx the transactional one (%,.0f/s); target >= 0.6x; "
                        + "CPU per record: raw / scheduler = %.2f%n",
                        r.jobsPerSecond(), r.ratio(), r.rawPerSecond(), r.ratioTransactional(),
                        r.rawTransactionalPerSecond(), r.cpuRatio());
            }
            if (all || selected.contains("scale")) {
                int threads = Integer.parseInt(options.getOrDefault("scale.threads", "1"));
                System.out.printf(Locale.ROOT, "(b) scale, %d stream thread(s)%n", threads);
                ScaleBenchmark.print(new ScaleBenchmark(kafka, partitions,
                        Integer.parseInt(options.getOrDefault("scale.integrations", "10000")), threads,
                        Duration.ofSeconds(Long.parseLong(options.getOrDefault("scale.seconds", "120")))).run());
                System.out.printf(Locale.ROOT, "  load average now %.1f%n", loadAverage());
            }
            if (all || selected.contains("tick")) {
                System.out.println("(c) tick cost");
                TickCostBenchmark bench = new TickCostBenchmark(kafka, partitions,
                        Duration.ofSeconds(Long.parseLong(options.getOrDefault("tick.seconds", "30"))));
                List<TickCostBenchmark.Result> results = new java.util.ArrayList<>();
                for (String size : options.getOrDefault("tick.sizes", "1000,10000,100000").split(",")) {
                    results.add(bench.run(Integer.parseInt(size.trim()), false));
                    results.add(bench.run(Integer.parseInt(size.trim()), true));
                }
                TickCostBenchmark.print(results, partitions);
                System.out.printf(Locale.ROOT, "  load average now %.1f%n", loadAverage());
            }
        }
    }

    /**
     * Options named {@code scheduler.*} are scheduler settings for the run (e.g. scheduler.commit-interval=1s);
     * {@code kafka.*} ones are Kafka Streams settings of the scheduler only (e.g. kafka.poll.ms=10), so they may not
     * name a producer setting: those go through {@link #producerTuning} to both sides.
     */
    static Map<String, String> schedulerOverrides(Map<String, String> options) {
        Map<String, String> out = new HashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                String name = k.substring("kafka.".length());
                if (ProducerConfig.configNames().contains(name) || name.startsWith("producer.")) {
                    throw new IllegalArgumentException(k + " is a producer setting: give it as producer." + name
                            + " so the raw producer gets it too");
                }
            }
            if (k.startsWith("scheduler.") || k.startsWith("kafka.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Producer settings given to both the raw producer and the scheduler's producer: {@code linger.ms} and
     * {@code batch.size} (defaults 5 and 16384, the client's own), and any {@code producer.<config>=value}.
     */
    static Map<String, String> producerTuning(Map<String, String> options) {
        Map<String, String> out = new HashMap<>();
        out.put(ProducerConfig.LINGER_MS_CONFIG, options.getOrDefault("linger.ms", "5"));
        out.put(ProducerConfig.BATCH_SIZE_CONFIG, options.getOrDefault("batch.size", "16384"));
        options.forEach((k, v) -> {
            if (k.startsWith("producer.")) {
                String name = k.substring("producer.".length());
                if (!ProducerConfig.configNames().contains(name)) {
                    throw new IllegalArgumentException(k + ": " + name + " is not a producer setting");
                }
                out.put(name, v);
            }
        });
        return out;
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
