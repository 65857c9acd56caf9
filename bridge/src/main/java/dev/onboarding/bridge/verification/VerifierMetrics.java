package dev.onboarding.bridge.verification;

import dev.onboarding.contract.RoleVerificationOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The role verifier's meters. Tags are bounded sets: outcome, check kind, the STS call's check and result, the
 * reason a call or a verification was refused.
 */
public final class VerifierMetrics {
    /** Verification outcomes, by {@code outcome} and {@code checks}. */
    public static final String RESULTS = "bridge.verification.results";
    /** AssumeRole calls made, by {@code check} (with, without, other) and {@code result}. */
    public static final String STS_CALLS = "bridge.verification.sts.calls";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** Meters in {@code registry}. */
    public VerifierMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    void result(RoleVerificationOutcome outcome, String checks, Duration took) {
        counter(RESULTS, "outcome", outcome.name(), "checks", checks).increment();
        timer("bridge.verification.latency", "outcome", outcome.name()).record(took);
    }

    void stsCall(String check, String result) {
        counter(STS_CALLS, "check", check, "result", result).increment();
    }

    void refused(String reason) {
        counter("bridge.verification.refused", "reason", reason).increment();
    }

    void deduplicated() {
        counter("bridge.verification.deduplicated").increment();
    }

    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(name + "|" + String.join("|", tags), k -> registry.counter(name, tags));
    }

    // A histogram, so latency quantiles aggregate across instances (histogram_quantile over the buckets).
    private Timer timer(String name, String... tags) {
        return timers.computeIfAbsent(name + "|" + String.join("|", tags),
                k -> Timer.builder(name).tags(tags).publishPercentileHistogram().register(registry));
    }
}
