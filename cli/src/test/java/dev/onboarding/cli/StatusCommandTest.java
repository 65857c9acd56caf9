package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} against an HTTP server that answers like the processor's query endpoint. */
class StatusCommandTest {
    private static final String STATE = "{\"integrationId\":\"int-1\",\"tenantId\":\"acme\",\"status\":\"CONNECTED\","
            + "\"accountId\":\"123456789012\",\"roleArn\":null}";
    private static final String STATE_WITH_PROGRESS = "{\"integrationId\":\"int-2\",\"tenantId\":\"acme\","
            + "\"status\":\"PENDING\",\"progress\":{\"latestCallbackType\":\"CREATE\",\"latestCallbackRequestId\":"
            + "\"req-7\",\"latestCallbackAt\":\"2026-12-04T10:00:00Z\",\"roleVerification\":{\"state\":\"FAILED\","
            + "\"reason\":\"could not assume the role (AccessDenied)\",\"updatedAt\":\"2026-12-04T10:00:01Z\"}},"
            + "\"version\":2}";
    private static final String ORGANIZATION = "{\"integrationId\":\"int-4\",\"tenantId\":\"acme\",\"status\":"
            + "\"PENDING\",\"kind\":\"ORGANIZATION\",\"expectedOrganizationId\":\"o-a1b2c3d4e5\",\"members\":["
            + "{\"accountId\":\"111111111111\",\"integrationId\":\"int-4-111111111111\",\"status\":\"CONNECTED\","
            + "\"reason\":null},{\"accountId\":\"222222222222\",\"integrationId\":\"int-4-222222222222\",\"status\":"
            + "\"FAILED\",\"reason\":\"ORGANIZATION_MISMATCH: not a member\"}],\"memberSummary\":{\"connected\":1,"
            + "\"failed\":1,\"pending\":0},\"version\":4}";
    private static final String STATE_WITH_HEALTH = "{\"integrationId\":\"int-3\",\"tenantId\":\"acme\","
            + "\"status\":\"CONNECTED\",\"health\":{\"status\":\"DEGRADED\",\"reason\":\"denied although the current"
            + " template grants it\",\"deniedJobTypes\":[{\"resourceType\":\"AWS::EC2::Instance\",\"action\":"
            + "\"ec2:DescribeInstances\",\"grantedByTemplate\":true,\"deniedAt\":\"2026-12-04T10:00:00Z\"}],"
            + "\"since\":\"2026-12-04T10:00:00Z\",\"lastCheckedAt\":\"2026-12-04T10:05:00Z\"},\"version\":5}";

    private HttpServer processor;
    private String url;

    @TempDir
    Path dir;

    @BeforeEach
    void startProcessorStandIn() throws Exception {
        processor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        processor.createContext("/integrations/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/integrations/int-1") || path.equals("/integrations/int-2")
                    || path.equals("/integrations/int-3") || path.equals("/integrations/int-4");
            byte[] body = (!known ? "{\"error\":\"not found\"}" : path.endsWith("int-2") ? STATE_WITH_PROGRESS
                    : path.endsWith("int-3") ? STATE_WITH_HEALTH : path.endsWith("int-4") ? ORGANIZATION : STATE)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        processor.start();
        url = "http://127.0.0.1:" + processor.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        processor.stop(0);
    }

    @Test
    void jsonIsTheStateObject() throws Exception {
        CommandRun run = CommandRun.of("status", "int-1", "--processor-url", url, "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode state = new ObjectMapper().readTree(run.out());
        assertThat(state.get("status").asText()).isEqualTo("CONNECTED");
        assertThat(state.get("accountId").asText()).isEqualTo("123456789012");
    }

    @Test
    void theProcessorUrlComesFromTheEndpointsFile() throws Exception {
        Path endpoints = dir.resolve("endpoints.properties");
        Files.writeString(endpoints, "http.processor.url=" + url + "/\n");

        CommandRun run = CommandRun.of("status", "int-1", "--endpoints-file", endpoints.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("integration int-1: CONNECTED").contains("tenantId").contains("acme")
                .doesNotContain("roleArn");
    }

    @Test
    void theProgressOfTheLatestCallbackIsInWords() {
        CommandRun run = CommandRun.of("status", "int-2", "--processor-url", url);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("integration int-2: PENDING")
                .contains("  latest callback      CREATE, request req-7, received 2026-12-04T10:00:00Z\n")
                .contains("  role verification    FAILED at 2026-12-04T10:00:01Z: could not assume the role "
                        + "(AccessDenied)\n")
                .doesNotContain("\"progress\"");
    }

    @Test
    void anOrganizationListsItsMembersOneALineUnderTheSummary() {
        CommandRun run = CommandRun.of("status", "int-4", "--processor-url", url);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("integration int-4: PENDING")
                .contains("  kind                 ORGANIZATION\n")
                .contains("  expectedOrganizationId o-a1b2c3d4e5\n")
                .contains("  members              2 (connected 1, failed 1, pending 0)\n"
                        + "    111111111111   CONNECTED     int-4-111111111111\n"
                        + "    222222222222   FAILED        int-4-222222222222  ORGANIZATION_MISMATCH: not a member\n")
                .doesNotContain("memberSummary");
    }

    @Test
    void healthAndItsReasonAreInWords() {
        CommandRun run = CommandRun.of("status", "int-3", "--processor-url", url);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("integration int-3: CONNECTED (DEGRADED)\n")
                .contains("  health               DEGRADED since 2026-12-04T10:00:00Z, last checked "
                        + "2026-12-04T10:05:00Z: denied although the current template grants it\n")
                .contains("  denied job type      AWS::EC2::Instance: ec2:DescribeInstances (granted by the current"
                        + " template: possibly an SCP or a permissions boundary)\n")
                .doesNotContain("\"health\"");
    }

    @Test
    void unknownIntegrationIsOneClearLineAndItsOwnExitCode() {
        CommandRun run = CommandRun.of("status", "int-404", "--processor-url", url);

        // 3, not 1: a script can tell "no such integration" from "could not ask".
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip()).isEqualTo("error: integration int-404 is not known to the processor at " + url);
    }

    @Test
    void unknownIntegrationWithJsonIsAJsonError() throws Exception {
        CommandRun run = CommandRun.of("status", "int-404", "--processor-url", url, "--json");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        JsonNode error = new ObjectMapper().readTree(run.err());
        assertThat(error.get("error").asText()).isEqualTo("integration int-404 is not known to the processor at " + url);
        assertThat(error.get("key").isNull()).isTrue();
    }

    @Test
    void unavailableIsAskedAgainAfterItsRetryAfter() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        processor.createContext("/integrations/rebalancing", exchange -> {
            boolean ready = asked.incrementAndGet() > 2;
            byte[] body = (ready ? STATE : "{\"error\":\"rebalancing\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Retry-After", "0");
            exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });

        CommandRun run = CommandRun.of("status", "rebalancing", "--processor-url", url, "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(asked).hasValue(3);
        assertThat(new ObjectMapper().readTree(run.out()).get("status").asText()).isEqualTo("CONNECTED");
    }

    @Test
    void unreachableProcessorIsOneClearLine() {
        processor.stop(0);

        CommandRun run = CommandRun.of("status", "int-1", "--processor-url", url);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: cannot reach the processor at " + url).doesNotContain("\n");
    }

    @Test
    void missingProcessorUrlNamesTheKey() throws Exception {
        Path endpoints = dir.resolve("endpoints.properties");
        Files.writeString(endpoints, "kafka.bootstrap.servers=127.0.0.1:1\n");

        CommandRun run = CommandRun.of("status", "int-1", "--endpoints-file", endpoints.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("has no http.processor.url");
    }
}
