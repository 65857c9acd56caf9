package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.cli.Onboarding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The local jar's command tree: every production command plus the sandbox's {@code local}, {@code demo},
 * {@code simulate} and {@code token}, each answering {@code --help} and {@code --version}.
 */
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
                "simulate", "token");
    }

    @Test
    void everyCommandAnswersHelpAndVersion() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Onboarding.commandLine(), commands);
        assertThat(commands).extracting(CommandLine::getCommandName)
                .contains("local", "bridge", "processor", "scheduler", "all", "topics", "create", "template",
                        "topology", "dlq", "list", "redrive", "version", "status", "simulate", "launch-stack", "demo",
                        "token");

        for (CommandLine command : commands) {
            String path = qualifiedName(command);
            for (String flag : List.of("--help", "--version")) {
                String[] args = (path.isEmpty() ? flag : path + " " + flag).split(" ");
                CommandRun run = CommandRun.of(args);
                assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isZero();
                assertThat(run.err()).as(String.join(" ", args)).isEmpty();
                if (flag.equals("--help")) {
                    assertThat(run.out()).as(String.join(" ", args)).startsWith("Usage: onboarding");
                } else {
                    assertThat(run.out()).as(String.join(" ", args)).startsWith("onboarding ")
                            .doesNotContain("unknown");
                }
            }
        }
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        if (!command.getCommandName().equals("help")) {
            into.add(command);
            command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
        }
    }

    private static String qualifiedName(CommandLine command) {
        return command.getParent() == null ? ""
                : (qualifiedName(command.getParent()) + " " + command.getCommandName()).strip();
    }

}
