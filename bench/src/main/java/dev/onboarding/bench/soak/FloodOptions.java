package dev.onboarding.bench.soak;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What one flood run does.
 *
 * @param seconds         how long the forged traffic lasts (and over how long the genuine onboardings start)
 * @param genuine         genuine onboardings in each of the two windows (without and with the flood)
 * @param junkRate        256 KB junk bodies per second, part of the forged total
 * @param calibration     forged Deletes the bridge moves alone to measure its rate
 * @param rate            forged messages per second; 0 measures the bridge's Delete rate and uses that
 * @param retention       the processor's shortened {@code processor.decided-requests.retention}
 * @param answerRetention the processor's shortened {@code processor.decided-requests.answer-retention}
 * @param cleanupInterval the processor's {@code processor.decided-requests.cleanup-interval}
 * @param grace           the processor's {@code processor.callback-grace}
 * @param senders         threads sending the forged traffic
 * @param patience        how long each wait for the pipeline may last before the run reports what is missing
 * @param childHeap       heap of each app JVM
 * @param out             where the report is also written
 * @param creates         whether the forged traffic has Creates (false: Deletes, Updates and junk only)
 * @param stages          whether to follow the topics a genuine Create crosses and split its latency by stage (a
 *                        consumer in the benchmark's JVM that reads every callback and answer: it costs CPU)
 * @param sqsBodyChecks   whether the SQS stand-in checks every character of every sent body as SQS does (on
 *                        AWS's machines: here it costs the shared cores about a fifth of one under the flood)
 */
public record FloodOptions(int seconds, int genuine, int junkRate, int calibration, int rate, Duration retention,
        Duration answerRetention, Duration cleanupInterval, Duration grace, int senders, Duration patience,
        String childHeap, String out, boolean creates, boolean stages, boolean sqsBodyChecks) {

    private static final Set<String> KEYS = Set.of("seconds", "genuine", "junk-rate", "calibration", "rate",
            "retention", "answer-retention", "cleanup-interval", "grace", "senders", "patience", "child-heap", "out",
            "creates", "stages", "sqs-body-checks");

    /** Checks the values. */
    public FloodOptions {
        if (seconds < 5 || genuine < 1 || junkRate < 0 || calibration < 1_000 || rate < 0 || senders < 1) {
            throw new IllegalArgumentException("seconds >= 5, genuine >= 1, junk-rate >= 0, calibration >= 1000,"
                    + " rate >= 0 and senders >= 1");
        }
        if (answerRetention.compareTo(retention) > 0) {
            throw new IllegalArgumentException("answer-retention must not exceed retention");
        }
    }

    /**
     * The run of issue #19: 60 s at the bridge's Delete rate, 20 junk bodies a second, a retention of two minutes.
     * The whole answers' retention (20 s) is much shorter than the retention, so that a reading after it, with
     * every whole answer gone, still has most of the window's digests.
     */
    public static FloodOptions defaults() {
        return new FloodOptions(60, 100, 20, 20_000, 0, Duration.ofMinutes(2), Duration.ofSeconds(20),
                Duration.ofSeconds(5), Duration.ofSeconds(30), 6, Duration.ofMinutes(5), "512m",
                "bench/results-flood.md", true, false, false);
    }

    /** The defaults overridden by {@code key=value} arguments; unknown keys are refused. */
    public static FloodOptions parse(String... args) {
        Map<String, String> v = SoakOptions.keyValues(args, KEYS);
        FloodOptions d = defaults();
        return new FloodOptions(
                Integer.parseInt(v.getOrDefault("seconds", String.valueOf(d.seconds()))),
                Integer.parseInt(v.getOrDefault("genuine", String.valueOf(d.genuine()))),
                Integer.parseInt(v.getOrDefault("junk-rate", String.valueOf(d.junkRate()))),
                Integer.parseInt(v.getOrDefault("calibration", String.valueOf(d.calibration()))),
                Integer.parseInt(v.getOrDefault("rate", String.valueOf(d.rate()))),
                SoakOptions.duration(v.get("retention"), d.retention()),
                SoakOptions.duration(v.get("answer-retention"), d.answerRetention()),
                SoakOptions.duration(v.get("cleanup-interval"), d.cleanupInterval()),
                SoakOptions.duration(v.get("grace"), d.grace()),
                Integer.parseInt(v.getOrDefault("senders", String.valueOf(d.senders()))),
                SoakOptions.duration(v.get("patience"), d.patience()),
                v.getOrDefault("child-heap", d.childHeap()),
                v.getOrDefault("out", d.out()),
                Boolean.parseBoolean(v.getOrDefault("creates", String.valueOf(d.creates()))),
                Boolean.parseBoolean(v.getOrDefault("stages", String.valueOf(d.stages()))),
                Boolean.parseBoolean(v.getOrDefault("sqs-body-checks", String.valueOf(d.sqsBodyChecks()))));
    }

    /** The processor settings the run shortens, as the apps read them. */
    Map<String, String> processorSettings() {
        return Map.of(
                "processor.decided-requests.allow-short-retention", "true",
                "processor.decided-requests.retention", retention.toSeconds() + "s",
                "processor.decided-requests.answer-retention", answerRetention.toSeconds() + "s",
                "processor.decided-requests.cleanup-interval", cleanupInterval.toMillis() + "ms",
                "processor.callback-grace", grace.toMillis() + "ms");
    }
}
