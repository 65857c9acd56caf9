package dev.onboarding.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caps on those who wait for changes on one instance: open event streams and waiting long polls count
 * together, per tenant and for the whole instance. A caller past a cap gets {@code 429}; a permit is given back
 * when its stream closes or its poll answers.
 */
final class WatchLimits {
    /** What a watcher holds while it waits; giving it back twice gives it back once. */
    final class Permit {
        private final String tenantId;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String tenantId) {
            this.tenantId = tenantId;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                total.decrementAndGet();
                byTenant.computeIfPresent(tenantId, (t, n) -> n.decrementAndGet() == 0 ? null : n);
            }
        }
    }

    private static final long RETRY_AFTER_SECONDS = 5;

    private final int maxPerTenant;
    private final int maxPerInstance;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> byTenant = new ConcurrentHashMap<>();
    private final Counter refusedTenant;
    private final Counter refusedInstance;

    WatchLimits(WatchConfig config, MeterRegistry metrics) {
        this.maxPerTenant = config.maxPerTenant();
        this.maxPerInstance = config.maxPerInstance();
        Gauge.builder("api_watchers", total::get).description("Open event streams and waiting long polls")
                .register(metrics);
        this.refusedTenant = Counter.builder("api_watchers_refused").tag("cap", "tenant")
                .description("Streams and polls refused with 429 past a cap").register(metrics);
        this.refusedInstance = Counter.builder("api_watchers_refused").tag("cap", "instance")
                .description("Streams and polls refused with 429 past a cap").register(metrics);
    }

    /** A permit for one more watcher of {@code tenantId}; past a cap, a {@code 429} problem naming it. */
    Permit acquire(String tenantId) {
        if (total.incrementAndGet() > maxPerInstance) {
            total.decrementAndGet();
            refusedInstance.increment();
            throw ApiProblem.tooManyWatchers("this instance already holds " + maxPerInstance
                    + " open event streams and waiting polls", RETRY_AFTER_SECONDS);
        }
        boolean[] admitted = {false};
        byTenant.compute(tenantId, (t, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < maxPerTenant) {
                count.incrementAndGet();
                admitted[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            refusedTenant.increment();
            throw ApiProblem.tooManyWatchers("this tenant already holds " + maxPerTenant
                    + " open event streams and waiting polls on this instance", RETRY_AFTER_SECONDS);
        }
        return new Permit(tenantId);
    }
}
