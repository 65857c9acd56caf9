package dev.onboarding.bench.soak;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one soak run does: how many custom-resource requests, how fast, across which regions, how many processor
 * instances, how long S3 fails, and how long to wait at the end.
 *
 * @param requests       SQS messages to send in all (every kind of the mix together)
 * @param rate           messages per second the simulated CloudFormation sends at most
 * @param regions        the simulated AWS regions, one SQS queue each
 * @param processors     processor instances (child JVMs); the first is the one killed
 * @param s3Outage       how long the S3 stand-in answers every response PUT with 503
 * @param patience       how long the run waits for the last answers before it gives up and reports what is missing
 * @param jobAllowance   how long after a disconnect was decided a job may still be scheduled (the scheduler's lag)
 * @param sessionTimeout the apps' Kafka consumer session timeout; zero keeps Kafka's default (45 s), which is
 *                       also how long a killed processor's partitions wait before the group moves them
 * @param staticMembership whether each processor instance has a stable {@code kafka.group.instance.id}
 * @param seed           seed of the mix, so a failing run can be repeated
 * @param childHeap      heap of each child JVM, e.g. 384m
 */
public record SoakOptions(int requests, int rate, List<String> regions, int processors, Duration s3Outage,
        Duration patience, Duration jobAllowance, Duration sessionTimeout, boolean staticMembership, long seed, String childHeap) {

    private static final Set<String> KEYS = Set.of("requests", "rate", "regions", "processors", "s3-outage",
            "patience", "job-allowance", "session-timeout", "static-membership", "seed", "child-heap");

    /** Checks the values. */
    public SoakOptions {
        if (requests < 100) {
            throw new IllegalArgumentException("requests must be at least 100 (the mix needs every kind)");
        }
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be positive");
        }
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region is needed");
        }
        if (processors < 1) {
            throw new IllegalArgumentException("at least one processor instance is needed");
        }
        regions = List.copyOf(regions);
    }

    /** The full soak of the issue: 10,000 requests over three regions, S3 down for 30 s. */
    public static SoakOptions defaults() {
        return new SoakOptions(10_000, 60, List.of("us-east-1", "eu-west-1", "ap-southeast-2"), 2,
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ZERO, true, 42,
                "384m");
    }

    /** The defaults overridden by {@code key=value} arguments; unknown keys are refused. */
    public static SoakOptions parse(String... args) {
        Map<String, String> values = keyValues(args, KEYS);
        SoakOptions d = defaults();
        return new SoakOptions(
                Integer.parseInt(values.getOrDefault("requests", String.valueOf(d.requests()))),
                Integer.parseInt(values.getOrDefault("rate", String.valueOf(d.rate()))),
                values.containsKey("regions") ? Arrays.asList(values.get("regions").split(",")) : d.regions(),
                Integer.parseInt(values.getOrDefault("processors", String.valueOf(d.processors()))),
                duration(values.get("s3-outage"), d.s3Outage()),
                duration(values.get("patience"), d.patience()),
                duration(values.get("job-allowance"), d.jobAllowance()),
                duration(values.get("session-timeout"), d.sessionTimeout()),
                Boolean.parseBoolean(values.getOrDefault("static-membership", String.valueOf(d.staticMembership()))),
                Long.parseLong(values.getOrDefault("seed", String.valueOf(d.seed()))),
                values.getOrDefault("child-heap", d.childHeap()));
    }

    /** {@code key=value} arguments by key; a key not in {@code keys} is refused. */
    static Map<String, String> keyValues(String[] args, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1 || !keys.contains(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; use key=value with keys " + keys);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return values;
    }

    /** {@code 500ms}, {@code 30s} or {@code 5m}; {@code fallback} when {@code text} is null. */
    static Duration duration(String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s or 5m");
    }
}
