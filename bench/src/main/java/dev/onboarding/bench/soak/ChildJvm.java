package dev.onboarding.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline app as an operator runs it, {@code onboarding <command> --config <file>}, in its own JVM, so that a
 * crash is a real one ({@link #kill()} is {@code destroyForcibly}: no shutdown hook, no clean close). Its output
 * goes to a log file that survives restarts.
 */
final class ChildJvm implements AutoCloseable {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final List<String> command;
    private final Path log;
    private final URI ready;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    private Process process;
    private int starts;

    private ChildJvm(String name, List<String> command, Path log, URI ready) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.ready = ready;
    }

    /**
     * An app that will run {@code onboarding <app> --config <dir>/<name>.properties} with {@code settings}, its
     * operations endpoint on {@code opsPort}; not started yet.
     */
    static ChildJvm of(String name, String app, Map<String, String> settings, int opsPort, Path dir, String heap) {
        Map<String, String> all = new TreeMap<>(settings);
        all.put("ops.http.host", "127.0.0.1");
        all.put("ops.http.port", String.valueOf(opsPort));
        Path config = dir.resolve(name + ".properties");
        Properties props = new Properties();
        props.putAll(all);
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "soak: " + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.onboarding.contract",
                "-cp", System.getProperty("java.class.path"),
                "dev.onboarding.cli.Onboarding", app, "--config", config.toString());
        return new ChildJvm(name, command, dir.resolve(name + ".log"),
                URI.create("http://127.0.0.1:" + opsPort + "/ready"));
    }

    /** The app's operations endpoint {@code path} (e.g. {@code /metrics}). */
    URI ops(String path) {
        return ready.resolve(path);
    }

    /** The app's name in reports. */
    String name() {
        return name;
    }

    /** Starts the JVM (again); its output is appended to the log. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            starts++;
            Files.writeString(log, "---- start " + starts + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until {@code /ready} answers 200; fails with the log's tail if the JVM dies or time runs out. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process p;
            synchronized (this) {
                p = process;
            }
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited before it was ready:\n" + tail(40));
            }
            if (probe()) {
                return;
            }
            try {
                p.waitFor(200, TimeUnit.MILLISECONDS); // returns early only if the JVM dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    private boolean probe() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(ready).timeout(PROBE_TIMEOUT).GET()
                    .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the JVM at once ({@code destroyForcibly}, i.e. SIGKILL) and waits until it is gone. */
    void kill() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " survived destroyForcibly for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the JVM is running. */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last {@code lines} lines of the log. */
    String tail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1)
                    : new ArrayList<>();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The log file. */
    Path log() {
        return log;
    }

    /** Stops the JVM with SIGTERM (a clean shutdown), killing it if that takes longer than 30 s. */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
