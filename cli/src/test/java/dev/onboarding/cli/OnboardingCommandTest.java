package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
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
        assertThat(out.toString()).contains("version", "topics", "bridge", "processor", "scheduler", "api", "all", "help");
    }

    @Test
    void theProductionCommandTreeHasNoSandboxCommand() {
        assertThat(Onboarding.commandLine().getSubcommands().keySet())
                .contains("version", "bridge", "processor", "scheduler", "api", "all", "topics", "template", "topology",
                        "dlq", "request", "status", "help")
                .doesNotContain("local", "demo", "simulate");
    }

    @Test
    void everyAppRunningCommandHasItsOwnNameAndUsage() {
        for (String app : new String[] {"bridge", "processor", "scheduler", "api", "all"}) {
            out.getBuffer().setLength(0);
            assertThat(run("help", app)).as(app).isZero();
            assertThat(out.toString()).as(app).startsWith("Usage: onboarding " + app + " ").contains("--config")
                    .contains(app.equals("all") ? "in one JVM" : "Run the " + (app.equals("api") ? "API" : app));
        }
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

    @Test
    void theApiWithoutItsAuthenticationSettingsIsOneLineNamingTheKey(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("api.properties"),
                "kafka.bootstrap.servers=127.0.0.1:9\nschema.registry.url=http://127.0.0.1:9\nops.http.port=0\n");

        assertThat(run("api", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("error: config api.auth.issuer is required")
                .doesNotContain("\n");
    }

    @Test
    void unknownCommandFailsWithUsage() {
        assertThat(run("no-such-command")).isNotZero();
        assertThat(err.toString()).contains("no-such-command");
    }
}
