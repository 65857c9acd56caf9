package dev.onboarding.local;

import dev.onboarding.cli.EndpointsFileOption;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code onboarding demo}: starts the local stack in this process and tells the onboarding story end to end
 * ({@link DemoScenario}). Exit 0 only if every step behaved as narrated.
 */
@Command(name = "demo", description = "Run the local stack and a narrated scenario end to end: connect an account, "
        + "try it again, delete the stack. Exit 0 only if every step behaved as narrated.")
final class DemoCommand implements Callable<Integer> {
    /** Exit code when a step did not behave as narrated. */
    static final int MISBEHAVED = 1;

    @CommandLine.Mixin
    EndpointsFileOption endpointsFile;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "Region of the customer's stacks (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Use this Confluent-compatible schema registry instead of starting one.")
    String registryUrl;

    @Option(names = "--step-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Longest wait for any one thing to happen (default: ${DEFAULT-VALUE}).")
    long stepTimeoutSeconds;

    @Option(names = "--quiet-window", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long no job may arrive after the disconnect for \"jobs stop\" (default: "
                    + "${DEFAULT-VALUE}).")
    long quietWindowSeconds;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (stepTimeoutSeconds < 1 || quietWindowSeconds < 1) {
            throw new IllegalArgumentException("--step-timeout and --quiet-window must be at least 1 second");
        }
        if (Files.exists(endpointsFile.file())) {
            // Another run owns it (and would lose it when the demo stops): never overwrite it.
            throw new IllegalStateException("endpoints file " + endpointsFile.file() + " already exists: is "
                    + "`onboarding local` running here? Stop it, remove a stale file, or pass --endpoints-file");
        }
        PrintWriter out = spec.commandLine().getOut();
        ProgressLine progress = new ProgressLine(out);
        out.println("The onboarding demo: a tenant connects an AWS account through CloudFormation, tries the same "
                + "account again, then deletes the stack.");
        progress.step("starting the local stack");
        try (LocalRun run = LocalRun.start(new LocalRun.Options(List.of(region), Optional.ofNullable(registryUrl),
                endpointsFile.file(), 0), progress)) {
            progress.step("local stack ready; endpoints in " + endpointsFile.file().toAbsolutePath());
            DemoScenario scenario = new DemoScenario(endpointsFile.read(), new DemoScenario.Options(region, "acme",
                    "123456789012", Duration.ofSeconds(stepTimeoutSeconds), Duration.ofSeconds(quietWindowSeconds)),
                    out);
            boolean ok = scenario.run();
            progress.step("stopping the local stack");
            return ok ? 0 : MISBEHAVED;
        }
    }
}
