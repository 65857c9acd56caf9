package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.cli.Onboarding;
import org.junit.jupiter.api.Test;

/** The local jar's command tree: every production command plus the sandbox's {@code local}, {@code demo} and {@code simulate}. */
class LocalCommandTreeTest {
    @Test
    void helpListsTheCommands() {
        CommandRun help = CommandRun.of("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("version", "local", "topics");
    }

    @Test
    void theSandboxAddsItsCommandsToTheProductionOnes() {
        assertThat(Onboarding.commandLine().getSubcommands().keySet()).contains("version", "bridge", "processor",
                "scheduler", "all", "topics", "template", "topology", "dlq", "request", "status", "help", "local", "demo",
                "simulate");
    }
}
