package dev.onboarding.local;

import static org.awaitility.Awaitility.await;

import dev.onboarding.cli.EndpointsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The local run exactly as {@code onboarding local} starts it ({@link LocalRun}: the embedded services, every app
 * with the API and its dev token issuer, the endpoints file), shared by every test class that asks for it with
 * {@code @ExtendWith(LocalSandbox.Extension.class)} and a {@code LocalSandbox} parameter: started on first use,
 * stopped when the whole test run ends.
 */
final class LocalSandbox implements AutoCloseable {
    /** The one simulated region. */
    static final String REGION = "us-east-1";

    private final Path dir;
    private final LocalRun run;

    private LocalSandbox(Path dir, LocalRun run) {
        this.dir = dir;
        this.run = run;
    }

    static LocalSandbox start() {
        try {
            Path dir = Files.createTempDirectory("onboarding-sandbox-test");
            LocalRun run = LocalRun.start(new LocalRun.Options(List.of(REGION), Optional.empty(),
                    dir.resolve("local-endpoints.properties"), 0), new ProgressLine(new PrintWriter(
                    Writer.nullWriter())));
            await("the local API ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(run::isReady);
            return new LocalSandbox(dir, run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run. */
    LocalRun run() {
        return run;
    }

    /** The endpoints file the run wrote. */
    Path endpointsFile() {
        return run.endpointsFile();
    }

    /** The endpoints, as {@code simulate} and {@code token} read them. */
    EndpointsFile endpoints() {
        return EndpointsFile.read(endpointsFile());
    }

    /** A directory for the test's files, removed with the sandbox. */
    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        run.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * The onboarding page to test: the shared sandbox's, or with {@code -Donboarding.page.url=...} that of a local
     * stack already running (e.g. {@code ./onboarding local}), which then starts nothing here.
     *
     * @param uri the page's URL
     */
    record PageUrl(URI uri) {
    }

    /** Resolves {@code LocalSandbox} and {@code PageUrl} parameters with the one shared sandbox. */
    static final class Extension implements ParameterResolver {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
                LocalSandbox.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == LocalSandbox.class
                    || parameter.getParameter().getType() == PageUrl.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            if (parameter.getParameter().getType() == PageUrl.class) {
                String running = System.getProperty("onboarding.page.url");
                return new PageUrl(running != null ? URI.create(running)
                        : shared(context).run().apiUrl().resolve("/"));
            }
            return shared(context);
        }

        private static LocalSandbox shared(ExtensionContext context) {
            // The root store closes AutoCloseable values once every test class has run.
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(LocalSandbox.class,
                    key -> start(), LocalSandbox.class);
        }
    }
}
