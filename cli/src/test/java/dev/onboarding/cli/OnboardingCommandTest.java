package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(out.toString()).contains("version", "local", "topics", "api");
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
