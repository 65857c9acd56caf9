package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.cli.TemplateCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer updates a connected stack to a newer template, through the local stack (the running stack the
 * security suite shares) and {@code simulate launch-stack} as a user runs it: the Update is answered SUCCESS with
 * the same PhysicalResourceId, and the integration moves on to the new template version; an Update carrying an
 * older version afterwards leaves it.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateVersionUpdateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecurityStack stack;

    @TempDir
    Path dir;

    @BeforeAll
    void stack(SecurityStack stack) {
        this.stack = stack;
    }

    @Test
    void anUpdateFromANewerTemplateMovesTheIntegrationOn() throws Exception {
        Path endpoints = dir.resolve("endpoints.properties");
        stack.environment().writeEndpoints(endpoints);
        IntegrationRequestPublisher.Published published = stack.request(SecurityStack.newTenant("upgrader"),
                Optional.empty());
        String account = SecurityStack.newAccount();
        String shipped = TemplateCommand.customerTemplateVersion();
        String newer = (Integer.parseInt(shipped.split("\\.")[0]) + 1) + ".0.0";

        JsonNode created = launch(endpoints, published, account, "--request-type", "Create");
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        JsonNode connected = stack.awaitStatus(published.integrationId(), "CONNECTED");
        assertThat(connected.path("templateVersion").asText()).isEqualTo(shipped);
        String stackId = created.path("stackId").asText();

        JsonNode updated = launch(endpoints, published, account, "--request-type", "Update", "--stack-id", stackId,
                "--no-role", "--template-version", newer, "--old-template-version", shipped);
        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("SUCCESS");
        assertThat(updated.path("physicalResourceId").asText()).isEqualTo(published.integrationId());
        JsonNode movedOn = awaitTemplateVersion(published.integrationId(), newer);
        assertThat(movedOn.path("status").asText()).isEqualTo("CONNECTED");
        assertThat(movedOn.path("stackId").asText()).isEqualTo(stackId);
        assertThat(movedOn.path("lastRequestId").asText()).isEqualTo(updated.path("requestId").asText());
        assertThat(movedOn.path("version").asLong()).isEqualTo(connected.path("version").asLong() + 1);

        // An Update that carries an older version (delivered late, or a rollback) is answered, and changes nothing.
        JsonNode older = launch(endpoints, published, account, "--request-type", "Update", "--stack-id", stackId,
                "--no-role", "--template-version", shipped, "--old-template-version", newer);
        assertThat(older.path("status").asText()).as(older.toString()).isEqualTo("SUCCESS");
        JsonNode after = stack.integration(published.integrationId()).orElseThrow();
        assertThat(after.path("templateVersion").asText()).isEqualTo(newer);
        assertThat(after.path("version").asLong()).isEqualTo(movedOn.path("version").asLong());
    }

    private JsonNode launch(Path endpoints, IntegrationRequestPublisher.Published published, String account,
            String... more) throws Exception {
        String[] base = {"simulate", "launch-stack", "--endpoints-file", endpoints.toString(), "--external-id",
            published.externalId(), "--account", account, "--region", SecurityStack.REGION, "--role-name",
            published.roleName(), "--wait", "--timeout", String.valueOf(SecurityStack.PATIENCE.toSeconds()),
            "--json"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        CommandRun run = CommandRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    private JsonNode awaitTemplateVersion(String integrationId, String version) {
        return await("integration " + integrationId + " on template " + version).atMost(SecurityStack.PATIENCE)
                .pollInterval(Duration.ofMillis(200)).until(() -> stack.integration(integrationId).orElse(null),
                        state -> state != null && version.equals(state.path("templateVersion").asText()));
    }
}
