package dev.onboarding.api.replica;

import dev.onboarding.contract.Integration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Requests waiting for an integration to reach a state (a create waiting for its PENDING state, a read waiting
 * for a version), woken by the {@link IntegrationReplica}'s changes, so no one polls. Futures complete on the
 * replica's thread (or the timer's): callers hand their continuation to their own executor.
 */
public final class StateWaits implements IntegrationReplica.Listener, AutoCloseable {
    /**
     * How a wait ended.
     *
     * @param state the state that satisfied it, or on timeout the current state (if any)
     * @param satisfied whether {@code state} satisfied the wait
     */
    public record Awaited(Optional<Integration> state, boolean satisfied) {
    }

    private record Waiter(Predicate<Integration> until, CompletableFuture<Awaited> result) {
    }

    private final IntegrationReplica replica;
    private final Map<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-state-wait-timer");
        t.setDaemon(true);
        return t;
    });

    /** Waits on the changes of {@code replica}; registers itself as its listener. */
    public StateWaits(IntegrationReplica replica, MeterRegistry metrics) {
        this.replica = replica;
        replica.addListener(this);
        Gauge.builder("api_waiting_requests", count::get).description("Requests waiting for an integration's state")
                .register(metrics);
    }

    /**
     * Completes with the first state of {@code integrationId} that satisfies {@code until} (the current one
     * included), or after {@code timeout} with the current state, unsatisfied.
     */
    public CompletableFuture<Awaited> await(String integrationId, Predicate<Integration> until, Duration timeout) {
        Waiter waiter = new Waiter(until, new CompletableFuture<>());
        waiting.computeIfAbsent(integrationId, id -> ConcurrentHashMap.newKeySet()).add(waiter);
        count.incrementAndGet();
        waiter.result().whenComplete((done, error) -> {
            count.decrementAndGet();
            waiting.computeIfPresent(integrationId, (id, set) -> {
                set.remove(waiter);
                return set.isEmpty() ? null : set;
            });
        });
        // Registered first, then checked: a change between the two cannot be missed.
        replica.get(integrationId).filter(until)
                .ifPresent(state -> waiter.result().complete(new Awaited(Optional.of(state), true)));
        if (!waiter.result().isDone()) {
            timer.schedule(() -> {
                if (!waiter.result().isDone()) {
                    Optional<Integration> current = replica.get(integrationId);
                    waiter.result().complete(new Awaited(current, current.filter(until).isPresent()));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return waiter.result();
    }

    @Override
    public void changed(String integrationId, Integration state) {
        Set<Waiter> waiters = waiting.get(integrationId);
        if (waiters == null || state == null) {
            return;
        }
        for (Waiter waiter : waiters) {
            if (waiter.until().test(state)) {
                waiter.result().complete(new Awaited(Optional.of(state), true));
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
