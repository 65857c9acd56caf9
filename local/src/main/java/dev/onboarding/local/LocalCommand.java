package dev.onboarding.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onboarding local}: the whole stack on loopback, with no AWS account. Writes every endpoint
 * to a properties file, prints a status line every few seconds, and stops cleanly on Ctrl-C or SIGTERM.
 */
@Command(name = "local", description = "Run the whole pipeline locally on embedded services (loopback only).")
final class LocalCommand implements Runnable {
    @Option(names = "--endpoints-file", paramLabel = "FILE", defaultValue = "local-endpoints.properties",
            description = "Where to write the endpoints (default: ${DEFAULT-VALUE}); removed on clean exit.")
    Path endpointsFile;

    @Option(names = "--regions", split = ",", paramLabel = "REGION",
            defaultValue = "us-east-1,eu-west-1", description = "Simulated AWS regions (default: ${DEFAULT-VALUE}).")
    List<String> regions;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Use this Confluent-compatible schema registry instead of starting one.")
    String registryUrl;

    @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "8088",
            description = "Port of the API and the onboarding page on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a "
                    + "free one).")
    int apiPort;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between status lines (default: ${DEFAULT-VALUE}; 0 turns them off).")
    int statusIntervalSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (apiPort < 0 || apiPort > 65_535) {
            throw new IllegalArgumentException("--api-port must be between 0 and 65535");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (apiPort != 0) {
            // Known before anything starts: say where the page will be, and fail now if the port is taken.
            requireFree(apiPort);
            out.println("The onboarding page will be at " + pageUrl(apiPort) + " once the stack is ready.");
            out.flush();
        }
        ProgressLine progress = new ProgressLine(out);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        LocalRun run = LocalRun.start(new LocalRun.Options(regions, Optional.ofNullable(registryUrl), endpointsFile,
                apiPort), progress);
        // This hook closes the apps before the broker they use; the broker's own hook would race it.
        run.environment().kafka().detachShutdownHook();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            progress.step("stopping");
            run.close();
            closed.countDown();
        }, "onboarding-local-shutdown"));
        progress.step("ready in " + String.format("%.1f", progress.elapsedSeconds()) + " s; endpoints written to "
                + endpointsFile.toAbsolutePath());
        for (Map.Entry<String, String> e : run.environment().endpoints().entrySet()) {
            out.printf("  %-32s %s%n", e.getKey(), e.getValue());
        }
        out.println("Onboarding page: " + run.apiUrl().resolve("/") + "  (a token for the API: ./onboarding token "
                + "--tenant acme)");
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            while (!stopped.await(statusIntervalSeconds <= 0 ? 3600 : statusIntervalSeconds, TimeUnit.SECONDS)) {
                if (statusIntervalSeconds > 0) {
                    progress.step(run.statusLine());
                }
            }
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String pageUrl(int port) {
        return "http://127.0.0.1:" + port + "/";
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use: stop what uses it, or pass "
                    + "--api-port (0 picks a free port)");
        }
    }
}
