package dev.onboarding.runtime;

/**
 * One long-running part of a process (a poller group, a Streams app, a responder): started once,
 * closed once. {@link #close} finishes in-flight work within its own bounded time.
 */
public interface Service extends AutoCloseable {
    /** A short name for logs and health output, e.g. {@code bridge-ingress}. */
    String name();

    /** Starts the service; returns once it is running in the background. */
    void start();

    /** Whether the service is doing its job right now (pollers up, Streams RUNNING). */
    boolean isReady();

    /** Whether the service is alive (false once it has failed for good). */
    default boolean isAlive() {
        return true;
    }

    /** Stops taking new work, finishes what is in flight, releases resources. */
    @Override
    void close();
}
