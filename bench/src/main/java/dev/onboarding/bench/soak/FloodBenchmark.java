package dev.onboarding.bench.soak;

/**
 * The flood benchmark of issue #19: the whole pipeline, as the soak runs it, under forged traffic at the rate the
 * bridge moves forged Deletes alone (measured first, in the same run) while genuine customers onboard. Prints
 * what the flood cost (stores, topics, held callbacks, STS calls) and the genuine onboardings' latency with and
 * without it; exits 1 if a check failed.
 *
 * <pre>java -cp bench/target/onboarding-bench.jar dev.onboarding.bench.soak.FloodBenchmark [key=value ...]</pre>
 * Keys: seconds, genuine, junk-rate, calibration, rate, retention, answer-retention, cleanup-interval, grace,
 * senders, patience, child-heap, out, creates (see {@link FloodOptions}).
 */
public final class FloodBenchmark {
    private FloodBenchmark() {
    }

    /** Runs the flood with {@code key=value} overrides of the defaults. */
    public static void main(String[] args) throws java.io.IOException {
        FloodOptions options = FloodOptions.parse(args);
        System.out.println("flood: " + options);
        SoakReport report = Flood.run(options, System.out);
        report.print(System.out);
        java.nio.file.Files.writeString(java.nio.file.Path.of(options.out()), report.toString());
        System.exit(report.passed() ? 0 : 1);
    }
}
