package dev.onboarding.bridge.ingress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingress's meters, registered in the {@link MeterRegistry} the operations side publishes. Tags are
 * bounded sets: region (configured), reason code (fixed list), outcome, record kind.
 */
public final class IngressMetrics {
    /** Kinds of record the ingress produces, the {@code kind} tag. */
    public enum Kind {
        /** A validated callback. */
        CALLBACK,
        /** An answer to a rejected request. */
        RESPONSE,
        /** A dead letter. */
        DEAD_LETTER
    }

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** Meters in {@code registry}. */
    public IngressMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    void received(String region, int count) {
        counter("bridge.ingress.received", "region", region).increment(count);
    }

    void produced(Kind kind) {
        counter("bridge.ingress.produced", "kind", kind.name().toLowerCase(Locale.ROOT)).increment();
    }

    void deadLettered(String region, String reasonCode) {
        counter("bridge.ingress.dead-lettered", "region", region, "reason", reasonCode).increment();
    }

    void answeredRejection(String region, String status) {
        counter("bridge.ingress.rejections.answered", "region", region, "status", status).increment();
    }

    void snsNotice(String region, String type) {
        counter("bridge.ingress.sns.notices", "region", region, "type", type).increment();
    }

    void deleted(String region, int count) {
        counter("bridge.ingress.deleted", "region", region).increment(count);
    }

    void deleteFailed(String region, int count) {
        counter("bridge.ingress.delete.failed", "region", region).increment(count);
    }

    void leftForRedelivery(String region) {
        counter("bridge.ingress.left-for-redelivery", "region", region).increment();
    }

    void receiveFailed(String region) {
        counter("bridge.ingress.receive.errors", "region", region).increment();
    }

    void visibilityExtended(String region, int count) {
        counter("bridge.ingress.visibility.extended", "region", region).increment(count);
    }

    void pollLatency(String region, Duration took) {
        timer("bridge.ingress.poll.latency", "region", region).record(took);
    }

    void produceLatency(Kind kind, Duration took) {
        timer("bridge.ingress.produce.latency", "kind", kind.name().toLowerCase(Locale.ROOT)).record(took);
    }

    /** The in-flight gauge of one region (messages received and not yet deleted or given up). */
    AtomicInteger inFlight(String region) {
        return inFlight.computeIfAbsent(region, r -> registry.gauge("bridge.ingress.in-flight", Tags.of("region", r),
                new AtomicInteger()));
    }

    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(key(name, tags), k -> registry.counter(name, tags));
    }

    private Timer timer(String name, String... tags) {
        // Histograms, so latency quantiles aggregate across instances (histogram_quantile over the buckets).
        return timers.computeIfAbsent(key(name, tags), k -> Timer.builder(name).tags(tags)
                .publishPercentileHistogram().register(registry));
    }

    private static String key(String name, String... tags) {
        return name + "|" + String.join("|", tags);
    }
}
