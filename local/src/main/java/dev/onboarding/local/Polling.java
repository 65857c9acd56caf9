package dev.onboarding.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waiting, with a bound, for something another process does: the commands' "is it there yet?". */
final class Polling {
    private Polling() {
    }

    /** Asks {@code probe} every {@code interval} until it answers or {@code timeout} passes; asks at least once. */
    static <T> Optional<T> until(Duration timeout, Duration interval, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> result = probe.get();
            if (result.isPresent()) {
                return result;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return Optional.empty();
            }
            LockSupport.parkNanos(Math.min(left, interval.toNanos()));
        }
    }
}
