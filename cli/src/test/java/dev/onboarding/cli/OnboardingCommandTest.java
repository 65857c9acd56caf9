package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OnboardingCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Onboarding.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("version", "local", "topics");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(run("version")).isZero();
        assertThat(out.toString()).startsWith("onboarding ").doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void missingRequiredConfigIsOneLineNamingTheKey() {
        assertThat(run("topics", "create")).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("error: config kafka.bootstrap.servers is required")
                .doesNotContain("\n");
    }

    @Test
    void everyCommandAnswersHelpAndVersion() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Onboarding.commandLine(), commands);
        assertThat(commands).extracting(CommandLine::getCommandName)
                .contains("local", "bridge", "processor", "scheduler", "all", "topics", "create", "template",
                        "topology", "dlq", "list", "redrive", "version", "status", "simulate", "launch-stack", "demo");

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

    @Test
    void withJsonAnErrorIsAJsonObjectNamingTheKey() throws Exception {
        CommandRun run = CommandRun.of("dlq", "list", "onboarding.cfn-callbacks.dlq", "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        JsonNode error = new ObjectMapper().readTree(run.err());
        String key = error.get("key").asText();
        assertThat(key).isIn("kafka.bootstrap.servers", "schema.registry.url");
        assertThat(error.get("error").asText()).startsWith("config " + key + " is required");
    }

    @Test
    void withJsonAUsageErrorIsAJsonObjectNamingTheOption() throws Exception {
        CommandRun run = CommandRun.of("status", "--json", "--processor-url");

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode error = new ObjectMapper().readTree(run.err());
        assertThat(error.get("error").asText()).contains("--processor-url");
        assertThat(error.get("key").asText()).isEqualTo("--processor-url");
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

    @Test
    void unknownCommandFailsWithUsage() {
        assertThat(run("no-such-command")).isNotZero();
        assertThat(err.toString()).contains("no-such-command");
    }
}
