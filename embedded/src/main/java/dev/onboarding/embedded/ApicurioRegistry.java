package dev.onboarding.embedded;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Apicurio Registry {@value #VERSION} (in-memory storage) as a child process on 127.0.0.1, serving the
 * Confluent-compatible schema registry API at {@link #confluentApiUrl()}.
 *
 * <p>The distribution ({@code io.apicurio:apicurio-registry-app:VERSION:tar.gz:all}) is taken from the local Maven
 * repository (the {@code embedded} build fetches it) or from {@value #DIST_OVERRIDE} (system property or environment
 * variable: the tar.gz or an unpacked directory). It is unpacked once into {@code ~/.cache/onboarding}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** The Apicurio Registry version started (2.x: 3.x needs Java 21). */
    public static final String VERSION = "2.6.13.Final";

    /** System property or environment variable naming a distribution tar.gz or unpacked directory to use instead. */
    public static final String DIST_OVERRIDE = "ONBOARDING_APICURIO_DIST";

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String READY_PATH = "/apis/ccompat/v7/subjects";
    private static final int LOG_TAIL_BYTES = 8 * 1024;

    private static ApicurioRegistry shared; // guarded by ApicurioRegistry.class

    private final Process process;
    private final int port;
    private final Path workDir;
    private final Path logFile;
    private final boolean isShared;
    private final Thread shutdownHook;
    private boolean closed; // guarded by this

    private ApicurioRegistry(Process process, int port, Path workDir, Path logFile, boolean isShared) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.logFile = logFile;
        this.isShared = isShared;
        // Never leave the child running when this JVM ends, even without close().
        this.shutdownHook = Support.addShutdownHook("apicurio-registry-shutdown-" + port, this::destroyAndDelete);
    }

    /** Starts a new registry and waits until it answers (up to 90 s); the caller closes it. */
    public static ApicurioRegistry start() {
        return start(false);
    }

    /**
     * The registry shared by every test of this JVM, started on first use and stopped by a shutdown hook.
     * {@link #close()} on it does nothing, so one test cannot take it away from the others.
     */
    public static synchronized ApicurioRegistry shared() {
        if (shared == null) {
            shared = start(true);
        }
        return shared;
    }

    private static ApicurioRegistry start(boolean isShared) {
        Path runnerJar = locateRunnerJar();
        int port = Support.freeLoopbackPorts(1)[0];
        Path workDir;
        try {
            workDir = Files.createTempDirectory("apicurio-registry-");
            // Vert.x and Narayana write into java.io.tmpdir and the working dir: keep both inside workDir.
            Files.createDirectories(workDir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work dir for Apicurio Registry", e);
        }
        Path logFile = workDir.resolve("registry.log");
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                // Quicker start and a smaller footprint on small machines; the registry does little work in tests.
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + workDir.resolve("tmp"),
                "-Dquarkus.http.host=" + Support.LOOPBACK,
                "-Dquarkus.http.port=" + port,
                // One audit INFO line per write would grow the log without limit in long runs.
                "-Dquarkus.log.category.\"io.apicurio.common.apps.logging.audit\".level=WARN",
                "-jar", runnerJar.toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    // never INHERIT stdin: surefire talks to its forked JVM over stdin
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            Support.deleteQuietly(workDir, LOG);
            throw new UncheckedIOException("cannot start Apicurio Registry from " + runnerJar, e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, port, workDir, logFile, isShared);
        try {
            registry.awaitReady();
        } catch (RuntimeException | Error e) {
            registry.destroyAndDelete();
            Support.removeShutdownHook(registry.shutdownHook);
            throw e;
        }
        LOG.info("Apicurio Registry {} (pid {}) listening on {}", VERSION, process.pid(), registry.baseUrl());
        return registry;
    }

    /** The Confluent-compatible API, {@code http://127.0.0.1:<port>/apis/ccompat/v7} (schema.registry.url). */
    public String confluentApiUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** The registry root, {@code http://127.0.0.1:<port>} (Apicurio's own API lives under /apis/registry/v2). */
    public String baseUrl() {
        return "http://" + Support.LOOPBACK + ":" + port;
    }

    /** The process id of the registry child process. */
    public long pid() {
        return process.pid();
    }

    /** Stops the child process (and any descendants), waits for it and deletes its work dir and log; no-op on {@link #shared()}. */
    @Override
    public void close() {
        if (isShared) {
            LOG.debug("close() ignored on the shared Apicurio Registry; a shutdown hook stops it");
            return;
        }
        destroyAndDelete();
        Support.removeShutdownHook(shutdownHook);
    }

    private void destroyAndDelete() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy(); // SIGTERM: Quarkus shuts down in well under a second
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Apicurio Registry (pid {}) ignored SIGTERM; killing it", process.pid());
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle child : descendants) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                    child.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (Exception e) {
            LOG.warn("could not confirm that Apicurio Registry's processes ended", e);
        }
        Support.deleteQuietly(workDir, LOG);
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl() + READY_PATH))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastOutcome = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready. Output tail:\n" + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastOutcome = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastOutcome = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
            Support.pause(200);
        }
        throw new IllegalStateException("Apicurio Registry did not answer 200 on " + baseUrl() + READY_PATH
                + " within " + STARTUP_TIMEOUT.toSeconds() + " s (last: " + lastOutcome + "). Output tail:\n"
                + logTail());
    }

    private String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - LOG_TAIL_BYTES);
            byte[] tail = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    // ---------------------------------------------------------------- locating and unpacking the distribution

    private static Path locateRunnerJar() {
        String override = Optional.ofNullable(System.getProperty(DIST_OVERRIDE)).orElse(System.getenv(DIST_OVERRIDE));
        Path dist;
        if (override != null && !override.isBlank()) {
            dist = Paths.get(override);
            if (!Files.exists(dist)) {
                throw new IllegalStateException(DIST_OVERRIDE + " points at " + dist + ", which does not exist");
            }
        } else {
            dist = localRepository().resolve(Paths.get("io", "apicurio", "apicurio-registry-app", VERSION,
                    "apicurio-registry-app-" + VERSION + "-all.tar.gz"));
            if (!Files.isRegularFile(dist)) {
                throw new IllegalStateException("Apicurio Registry distribution not found at " + dist
                        + ". Build the embedded module once (mvn -pl embedded -am install -DskipTests) so Maven "
                        + "fetches io.apicurio:apicurio-registry-app:" + VERSION + ":tar.gz:all, pass "
                        + "-Dmaven.repo.local to the test JVM if you use a non-default repository, or set "
                        + DIST_OVERRIDE + ".");
            }
        }
        Path unpacked = Files.isDirectory(dist) ? dist : unpackOnce(dist);
        return findRunnerJar(unpacked);
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        return Paths.get(System.getProperty("user.home"), ".m2", "repository");
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("onboarding");
    }

    /**
     * Unpacks the tar.gz into the cache unless an earlier run did. It is unpacked into a sibling temp dir and renamed
     * into place atomically, so concurrent JVMs never see (or use) a half-unpacked tree.
     */
    private static Path unpackOnce(Path tarGz) {
        String name = tarGz.getFileName().toString().replaceFirst("\\.(tar\\.gz|tgz)$", "");
        Path root = cacheRoot();
        Path target = root.resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging = null;
        try {
            Files.createDirectories(root);
            staging = Files.createTempDirectory(root, name + ".unpacking-");
            LOG.info("unpacking {} into {}", tarGz, target);
            untar(tarGz, staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (IOException raced) {
                if (!Files.isDirectory(target)) {
                    throw raced;
                }
                // another JVM finished first: use its tree, drop ours (finally block)
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + tarGz + " into " + target, e);
        } finally {
            if (staging != null) {
                Support.deleteQuietly(staging, LOG);
            }
        }
    }

    private static void untar(Path tarGz, Path into) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarGz), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path destination = into.resolve(entry.getName()).normalize();
                if (!destination.startsWith(into)) {
                    throw new IOException("archive entry escapes the target dir: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else if (entry.isFile()) {
                    Files.createDirectories(destination.getParent());
                    Files.copy(tar, destination, StandardCopyOption.REPLACE_EXISTING);
                }
                // links and special entries are not part of the distribution and are skipped
            }
        }
    }

    /** Finds the Quarkus runner jar by search (legacy-jar "*-runner.jar" or fast-jar "quarkus-run.jar"). */
    private static Path findRunnerJar(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 4)) {
            List<Path> candidates = files
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        String f = p.getFileName().toString();
                        return f.endsWith("-runner.jar") || f.equals("quarkus-run.jar");
                    })
                    .sorted(Comparator.comparingInt(Path::getNameCount))
                    .collect(Collectors.toCollection(ArrayList::new));
            if (candidates.isEmpty()) {
                throw new IllegalStateException("no Quarkus runner jar (*-runner.jar or quarkus-run.jar) under " + dir
                        + "; delete the directory if it is a broken cache entry");
            }
            return candidates.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + dir, e);
        }
    }
}
