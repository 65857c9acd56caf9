package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.api.ApiApp;
import dev.onboarding.config.Settings;
import dev.onboarding.embedded.DevTokenIssuer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API in front of the real pipeline (the security suite's stack: bridge, processor, scheduler on the local
 * environment): a Create through the API that the customer's stack connects shows CONNECTED on GET, as the
 * processor's query endpoint shows it; an event stream on one instance and a long poll on the other are woken by
 * the processor's decision, with its progress; concurrent creates with one Idempotency-Key on two instances yield
 * one integration under the real processor's first-request-wins rule; a cancel through the API ends a PENDING
 * integration CANCELLED; an organization shows its members as the processor does, and its cancel stops new members.
 */
@ExtendWith(SecurityStackExtension.class)
class ApiThroughTheStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static SecurityStack stack;
    private static DevTokenIssuer issuer;
    private static ApiApp first;
    private static ApiApp second;
    private static final List<Path> DIRS = new ArrayList<>();

    @BeforeAll
    static void startApis(SecurityStack shared) throws IOException {
        stack = shared;
        issuer = DevTokenIssuer.create(dir("api-issuer-"));
        first = startApi();
        second = startApi();
    }

    @AfterAll
    static void stopApis() {
        for (ApiApp app : List.of(first, second)) {
            if (app != null) {
                app.close();
            }
        }
        if (issuer != null) {
            issuer.close();
        }
        for (Path dir : DIRS) {
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }

    @Test
    void aCreateThroughTheApiThatTheStackConnectsShowsConnected() throws Exception {
        String tenant = SecurityStack.newTenant("api-create");
        String token = token(tenant);
        String account = SecurityStack.newAccount();
        HttpResponse<String> created = post(first, token, "{\"name\":\"Through the stack\"}", Map.of());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode integration = JSON.readTree(created.body());
        String id = integration.get("integrationId").asText();

        SimulatedCloudFormation.Launched launched = stack.cloudFormation().launch(StackLaunch.create(
                integration.get("externalId").asText(), account, SecurityStack.REGION,
                integration.get("roleName").asText()));
        assertThat(stack.awaitAnswer(launched.requestId()).status()).isEqualTo("SUCCESS");

        JsonNode connected = await("CONNECTED through the API").atMost(SecurityStack.PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get(second, "/v1/integrations/" + id, token).body()),
                        state -> "CONNECTED".equals(state.path("status").asText()));
        assertThat(connected.get("accountId").asText()).isEqualTo(account);
        assertThat(connected.get("roleArn").asText()).contains(account);
        assertThat(connected.has("quickCreateUrl")).isFalse();
        // The state as the processor's query endpoint shows it.
        JsonNode processorView = stack.awaitStatus(id, "CONNECTED");
        assertThat(connected).isEqualTo(processorView);

        HttpResponse<String> cancel = send(first, HttpRequest.newBuilder(url(first, "/v1/integrations/" + id))
                .header("Authorization", "Bearer " + token).DELETE());
        assertThat(cancel.statusCode()).isEqualTo(409);
    }

    @Test
    void aStreamAndALongPollAreWokenByTheProcessorsDecision() throws Exception {
        String token = token(SecurityStack.newTenant("api-wait"));
        String account = SecurityStack.newAccount();
        JsonNode integration = JSON.readTree(post(first, token, "{\"name\":\"Watched\"}", Map.of()).body());
        String id = integration.get("integrationId").asText();
        HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(
                url(second, "/v1/integrations/" + id + "/events")).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        CompletableFuture<List<String>> connectedEvent = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            for (java.util.Iterator<String> it = stream.body().iterator(); it.hasNext();) {
                lines.add(it.next());
                if (lines.get(lines.size() - 1).contains("\"status\":\"CONNECTED\"")) {
                    break;
                }
            }
            return lines;
        });
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(() -> get(first,
                "/v1/integrations/" + id + "?wait=55&after=1", token));

        SimulatedCloudFormation.Launched launched = stack.cloudFormation().launch(StackLaunch.create(
                integration.get("externalId").asText(), account, SecurityStack.REGION,
                integration.get("roleName").asText()));
        assertThat(stack.awaitAnswer(launched.requestId()).status()).isEqualTo("SUCCESS");

        JsonNode polled = JSON.readTree(poll.get(60, java.util.concurrent.TimeUnit.SECONDS).body());
        if (!polled.get("status").asText().equals("CONNECTED")) {
            // The version before the decision, unless the poll woke after both: the role being verified.
            assertThat(polled.get("status").asText()).isEqualTo("PENDING");
            assertThat(polled.path("progress").path("latestCallbackRequestId").asText())
                    .isEqualTo(launched.requestId());
            assertThat(polled.path("progress").path("roleVerification").path("state").asText()).isEqualTo("PENDING");
            polled = JSON.readTree(get(first, "/v1/integrations/" + id + "?wait=55&after="
                    + polled.get("version").asLong(), token).body());
        }
        assertThat(polled.get("status").asText()).isEqualTo("CONNECTED");
        assertThat(polled.path("progress").path("latestCallbackRequestId").asText()).isEqualTo(launched.requestId());
        assertThat(polled.path("progress").path("latestCallbackType").asText()).isEqualTo("CREATE");
        assertThat(polled.path("progress").path("roleVerification").path("state").asText()).isEqualTo("VERIFIED");
        List<String> lines = connectedEvent.get(60, java.util.concurrent.TimeUnit.SECONDS);
        stream.body().close();
        String data = lines.get(lines.size() - 1);
        assertThat(data).startsWith("data: ");
        assertThat(JSON.readTree(data.substring("data: ".length()))).isEqualTo(polled);
        assertThat(lines).contains("id: 1", "id: " + polled.get("version").asLong());
    }

    @Test
    void concurrentCreatesWithOneKeyOnTwoInstancesYieldOneIntegration() throws Exception {
        String tenant = SecurityStack.newTenant("api-race");
        String token = token(tenant);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            ApiApp target = n % 2 == 0 ? first : second;
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return post(target, token, "{\"name\":\"Raced\"}", Map.of("Idempotency-Key", "checkout-42"));
            }));
        }
        go.countDown();
        List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));
        Set<String> pairs = responses.stream().map(r -> {
            try {
                JsonNode body = JSON.readTree(r.body());
                return body.get("integrationId").asText() + "/" + body.get("externalId").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).collect(Collectors.toSet());
        assertThat(pairs).hasSize(1);
        assertThat(stack.tenantIntegrations(tenant)).hasSize(1);
    }

    @Test
    void aCancelThroughTheApiEndsAPendingIntegrationCancelled() throws Exception {
        String token = token(SecurityStack.newTenant("api-cancel"));
        JsonNode created = JSON.readTree(post(first, token, "{\"name\":\"Never launched\"}", Map.of()).body());
        String id = created.get("integrationId").asText();

        HttpResponse<String> cancel = send(second, HttpRequest.newBuilder(url(second, "/v1/integrations/" + id))
                .header("Authorization", "Bearer " + token).DELETE());
        assertThat(cancel.statusCode()).isEqualTo(202);

        HttpResponse<String> after = get(first, "/v1/integrations/" + id + "?version=2", token);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(after.body()).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(stack.awaitStatus(id, "CANCELLED").get("version").asLong()).isEqualTo(2);
    }

    @Test
    void anOrganizationThroughTheApiShowsItsMembersAsTheProcessorDoesAndItsCancelStopsNewMembers() throws Exception {
        String token = token(SecurityStack.newTenant("api-org"));
        String organizationId = "o-api" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        HttpResponse<String> created = post(first, token, "{\"name\":\"Whole organization\",\"kind\":"
                + "\"ORGANIZATION\",\"expectedOrganizationId\":\"" + organizationId + "\"}", Map.of());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode organization = JSON.readTree(created.body());
        String id = organization.get("integrationId").asText();
        assertThat(organization.get("stackSet").get("createStackSet").asText())
                .contains(organization.get("externalId").asText());
        String member = SecurityStack.newAccount();

        stack.cloudFormation().joinOrganization(member, organizationId);
        SimulatedCloudFormation.Launched launched = stack.cloudFormation().launch(StackLaunch.create(
                organization.get("externalId").asText(), member, SecurityStack.REGION,
                organization.get("roleName").asText()));
        assertThat(stack.awaitAnswer(launched.requestId()).status()).isEqualTo("SUCCESS");

        JsonNode withMember = await("the member through the API").atMost(SecurityStack.PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get(second, "/v1/integrations/" + id, token).body()),
                        state -> state.path("memberSummary").path("connected").asInt() == 1);
        assertThat(withMember.get("status").asText()).isEqualTo("PENDING");
        assertThat(withMember.get("members").get(0).get("accountId").asText()).isEqualTo(member);
        JsonNode processorView = stack.integration(id).orElseThrow();
        ObjectNode withoutLaunch = withMember.deepCopy();
        withoutLaunch.remove("stackSet"); // the tenant's own commands: the API's addition to the state
        assertThat(withoutLaunch).isEqualTo(processorView);

        HttpResponse<String> cancel = send(first, HttpRequest.newBuilder(url(first, "/v1/integrations/" + id))
                .header("Authorization", "Bearer " + token).DELETE());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        stack.awaitStatus(id, "CANCELLED");
        String late = SecurityStack.newAccount();
        stack.cloudFormation().joinOrganization(late, organizationId);
        SimulatedCloudFormation.Launched refused = stack.cloudFormation().launch(StackLaunch.create(
                organization.get("externalId").asText(), late, SecurityStack.REGION,
                organization.get("roleName").asText()));
        assertThat(stack.awaitAnswer(refused.requestId()).status()).isEqualTo("FAILED");
        assertThat(stack.integration(id + "-" + member).orElseThrow().get("status").asText()).isEqualTo("CONNECTED");
    }

    private static ApiApp startApi() throws IOException {
        Map<String, String> settings = new HashMap<>(issuer.apiSettings());
        settings.put("kafka.bootstrap.servers", stack.environment().kafka().bootstrapServers());
        settings.put("schema.registry.url", stack.environment().registryUrl());
        settings.put("api.http.bind-address", "127.0.0.1");
        settings.put("api.http.port", "0");
        settings.put("api.state-dir", dir("api-state-").toString());
        settings.put("request.template-url", SimulateRequestCommand.LOCAL_TEMPLATE_URL);
        settings.put("request.provider-account-id", LocalEnvironment.PROVIDER_ACCOUNT);
        settings.put("request.organization-template-url", SimulateRequestCommand.LOCAL_ORGANIZATION_TEMPLATE_URL);
        ApiApp app = ApiApp.from(Settings.of(settings), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        app.start();
        await("API ready").atMost(Duration.ofSeconds(60)).until(app::isReady);
        return app;
    }

    private static String token(String tenant) {
        return issuer.mint(tenant, DevTokenIssuer.ALL_SCOPES, Duration.ofMinutes(10));
    }

    private static HttpResponse<String> post(ApiApp app, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(app, "/v1/integrations"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(app, request);
    }

    private static HttpResponse<String> get(ApiApp app, String path, String token) {
        return send(app, HttpRequest.newBuilder(url(app, path)).header("Authorization", "Bearer " + token).GET());
    }

    private static HttpResponse<String> send(ApiApp app, HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI url(ApiApp app, String path) {
        return app.url().orElseThrow().resolve(path);
    }

    private static Path dir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        DIRS.add(dir);
        return dir;
    }
}
