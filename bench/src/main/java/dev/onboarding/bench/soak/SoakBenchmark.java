package dev.onboarding.bench.soak;

/**
 * The end-to-end soak: 10,000 custom-resource requests across three regions with a realistic mix of valid,
 * redelivered, duplicate, unknown, malformed and forged ones, through the whole pipeline, while the bridge and a
 * processor instance are killed (child JVMs, {@code destroyForcibly}) and restarted, the broker restarts and S3
 * answers 503 for 30 s. Prints the figures and every check; exits 1 if any check failed.
 *
 * <pre>java -cp bench/target/onboarding-bench.jar dev.onboarding.bench.soak.SoakBenchmark [key=value ...]</pre>
 * Keys: requests, rate, regions, processors, s3-outage, patience, job-allowance, session-timeout, static-membership, seed, child-heap (see
 * {@link SoakOptions}).
 */
public final class SoakBenchmark {
    private SoakBenchmark() {
    }

    /** Runs the soak with {@code key=value} overrides of the defaults. */
    public static void main(String[] args) {
        SoakOptions options = SoakOptions.parse(args);
        System.out.println("soak: " + options);
        SoakReport report = Soak.run(options, System.out);
        report.print(System.out);
        System.exit(report.passed() ? 0 : 1);
    }
}
