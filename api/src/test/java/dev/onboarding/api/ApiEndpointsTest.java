package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.OrganizationMember;
import dev.onboarding.contract.OrganizationMemberStatus;
import dev.onboarding.contract.OrganizationMemberSummary;
import dev.onboarding.schemas.ExternalIds;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint of one API instance over real HTTP, with real tokens, a real broker and registry. */
class ApiEndpointsTest {
    private static final String ORGANIZATION_TEMPLATE_URL = "https://templates.example.com/onboarding/organization.json";
    private static ApiStack stack;
    private static ApiApp app;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        stack = new ApiStack();
        app = stack.start();
        client = ApiStack.client(app);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void createAnswersThePendingIntegrationWithItsExternalIdAndQuickCreateLink() {
        String tenant = ApiStack.newTenant("acme");
        ApiClient.Response created = client.post("/v1/integrations", stack.token(tenant),
                "{\"name\":\"Production\",\"description\":\"main account\",\"tags\":{\"env\":\"prod\"},"
                        + "\"expectedAccountId\":\"123456789012\",\"consoleRegion\":\"eu-west-1\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("integrationId").asText();
        assertThat(id).startsWith("int-");
        assertThat(body.get("tenantId").asText()).isEqualTo(tenant);
        assertThat(ExternalIds.isMintedFormat(body.get("externalId").asText())).isTrue();
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        assertThat(body.get("roleName").asText()).isEqualTo("OnboardingIntegrationRole");
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(body.get("templateUrl").asText()).isEqualTo(ApiStack.TEMPLATE_URL);
        assertThat(body.get("tags").get("env").asText()).isEqualTo("prod");
        assertThat(body.get("expiresAt").asText()).isNotBlank();
        String link = URLDecoder.decode(body.get("quickCreateUrl").asText(), StandardCharsets.UTF_8);
        assertThat(link).startsWith("https://console.aws.amazon.com/cloudformation/home?region=eu-west-1")
                .contains("param_ExternalID=" + body.get("externalId").asText())
                .contains("param_ProviderAccountId=" + ApiStack.PROVIDER_ACCOUNT)
                .contains("templateURL=" + ApiStack.TEMPLATE_URL);
        assertThat(created.header("Location")).contains("/v1/integrations/" + id);
        assertThat(created.header("Idempotent-Replayed")).contains("false");
        assertThat(created.header("Cache-Control")).contains("no-store");
    }

    @Test
    void readShowsTheStateWithTheExternalIdRedactedAndTheLinkWhilePending() {
        String tenant = ApiStack.newTenant("reader");
        String token = stack.token(tenant);
        JsonNode created = client.post("/v1/integrations", token, "{\"name\":\"Staging\"}").json();
        String id = created.get("integrationId").asText();

        ApiClient.Response read = client.get("/v1/integrations/" + id, token);

        assertThat(read.status()).isEqualTo(200);
        JsonNode state = read.json();
        assertThat(state.get("integrationId").asText()).isEqualTo(id);
        assertThat(state.get("externalId").asText()).isEqualTo(ExternalIds.redact(created.get("externalId")
                .asText())).doesNotContain(created.get("externalId").asText());
        assertThat(state.get("status").asText()).isEqualTo("PENDING");
        assertThat(state.get("quickCreateUrl").asText()).contains("region=us-east-1");
        // In full only inside the tenant's own quick-create link.
        assertThat(read.body().replace(state.get("quickCreateUrl").asText(), ""))
                .doesNotContain(created.get("externalId").asText().substring(4));

        stack.processor.connect(id, "210987654321");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.get("/v1/integrations/" + id, token).json()
                .get("status").asText().equals("CONNECTED"));
        JsonNode connected = client.get("/v1/integrations/" + id, token).json();
        assertThat(connected.has("quickCreateUrl")).as("no link once connected").isFalse();
        assertThat(connected.get("accountId").asText()).isEqualTo("210987654321");
        assertThat(connected.get("version").asLong()).isEqualTo(2);
    }

    @Test
    void anotherTenantsIntegrationIsNotFoundForReadListAndCancel() {
        String owner = stack.token(ApiStack.newTenant("owner"));
        String other = stack.token(ApiStack.newTenant("other"));
        String id = client.post("/v1/integrations", owner, "{\"name\":\"Mine\"}").json().get("integrationId").asText();

        ApiClient.Response read = client.get("/v1/integrations/" + id, other);
        ApiClient.Response missing = client.get("/v1/integrations/int-does-not-exist", other);
        ApiClient.Response cancel = client.delete("/v1/integrations/" + id, other);

        assertThat(read.status()).isEqualTo(404);
        assertThat(cancel.status()).isEqualTo(404);
        assertThat(read.contentType()).startsWith("application/problem+json");
        // Indistinguishable from an id that does not exist, apart from the id itself.
        assertThat(read.json().get("title")).isEqualTo(missing.json().get("title"));
        assertThat(read.json().get("type")).isEqualTo(missing.json().get("type"));
        assertThat(client.get("/v1/integrations", other).json().get("integrations")).isEmpty();
        assertThat(client.get("/v1/integrations/" + id, owner).json().get("status").asText()).isEqualTo("PENDING");
        assertThat(client.get("/v1/integrations/" + id + "?version=1", other).status()).isEqualTo(404);
    }

    @Test
    void listPagesTheTenantsIntegrationsNewestFirstAndFiltersByStatus() {
        String tenant = ApiStack.newTenant("lister");
        String token = stack.token(tenant);
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            ids.add(client.post("/v1/integrations", token, "{\"name\":\"n" + n + "\"}").json().get("integrationId")
                    .asText());
        }
        stack.processor.connect(ids.get(1), "111122223333");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.get("/v1/integrations?status=CONNECTED", token)
                .json().get("integrations").size() == 1);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = client.get("/v1/integrations?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token)
                    .json();
            page.get("integrations").forEach(i -> seen.add(i.get("integrationId").asText()));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(reversed(ids));
        JsonNode connected = client.get("/v1/integrations?status=CONNECTED", token).json().get("integrations");
        assertThat(connected).hasSize(1);
        assertThat(connected.get(0).get("integrationId").asText()).isEqualTo(ids.get(1));
        JsonNode pending = client.get("/v1/integrations?status=pending&limit=100", token).json().get("integrations");
        assertThat(pending).hasSize(4);
        assertThat(client.get("/v1/integrations?status=EXPIRED", token).json().get("integrations")).isEmpty();
    }

    @Test
    void badRequestsNameTheFieldAtFault() {
        String token = stack.token(ApiStack.newTenant("careless"));
        Map<String, String> bodies = Map.of(
                "{}", "name",
                "{\"name\":\"\"}", "name",
                "{\"name\":\"x\",\"roleName\":\"no spaces allowed\"}", "roleName",
                "{\"name\":\"x\",\"expectedAccountId\":\"12345\"}", "expectedAccountId",
                "{\"name\":\"x\",\"consoleRegion\":\"moon-1\"}", "consoleRegion",
                "{\"name\":\"x\",\"tags\":{\"env\":1}}", "tags.env",
                "{\"name\":\"x\",\"nmae\":\"typo\"}", "nmae",
                "[1,2]", "body",
                "{\"name\":", "body");
        bodies.forEach((body, field) -> {
            ApiClient.Response response = client.post("/v1/integrations", token, body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("field").asText()).as(body).isEqualTo(field);
            assertThat(response.json().get("status").asInt()).isEqualTo(400);
        });
        assertThat(client.get("/v1/integrations?limit=0", token).json().get("field").asText()).isEqualTo("limit");
        assertThat(client.get("/v1/integrations?limit=101", token).json().get("field").asText()).isEqualTo("limit");
        assertThat(client.get("/v1/integrations?status=GONE", token).json().get("field").asText()).isEqualTo("status");
        assertThat(client.get("/v1/integrations?cursor=%21%21", token).json().get("field").asText())
                .isEqualTo("cursor");
        assertThat(client.get("/v1/integrations/int-x?version=zero", token).json().get("field").asText())
                .isEqualTo("version");
        ApiClient.Response badKey = client.post("/v1/integrations", token, "{\"name\":\"x\"}",
                Map.of("Idempotency-Key", "has space"));
        assertThat(badKey.json().get("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void wrongContentTypeSizeAndMethodAreProblemsToo() {
        String token = stack.token(ApiStack.newTenant("odd"));
        ApiClient.Response text = client.send(client.request("/v1/integrations", token)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
        ApiClient.Response huge = client.post("/v1/integrations", token, "{\"name\":\"" + "x".repeat(70_000) + "\"}");
        ApiClient.Response put = client.send(client.request("/v1/integrations/int-1", token)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        ApiClient.Response nowhere = client.get("/v2/anything", token);

        assertThat(text.status()).isEqualTo(415);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).contains("GET, DELETE");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(List.of(text, huge, put, nowhere)).allSatisfy(r ->
                assertThat(r.contentType()).startsWith("application/problem+json"));
    }

    @Test
    void cancelOfAPendingIntegrationIsAcceptedAndEndsItCancelled() {
        String token = stack.token(ApiStack.newTenant("canceller"));
        String id = client.post("/v1/integrations", token, "{\"name\":\"Short-lived\"}").json().get("integrationId")
                .asText();

        ApiClient.Response cancel = client.delete("/v1/integrations/" + id, token);

        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().get("status").asText()).isEqualTo("PENDING");
        assertThat(cancel.json().get("cancelRequested").asBoolean()).isTrue();
        long version = cancel.json().get("version").asLong();
        ApiClient.Response after = client.get("/v1/integrations/" + id + "?version=" + (version + 1), token);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json().get("status").asText()).isEqualTo("CANCELLED");
        ApiClient.Response again = client.delete("/v1/integrations/" + id, token);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("integrationStatus").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void cancelOfAConnectedIntegrationIsAConflict() {
        String token = stack.token(ApiStack.newTenant("connected"));
        String id = client.post("/v1/integrations", token, "{\"name\":\"Live\"}").json().get("integrationId").asText();
        stack.processor.connect(id, "123412341234");
        assertThat(client.get("/v1/integrations/" + id + "?version=2", token).json().get("status").asText())
                .isEqualTo("CONNECTED");

        ApiClient.Response conflict = client.delete("/v1/integrations/" + id, token);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("detail").asText()).contains("deleting its stack");
    }

    @Test
    void readShowsHealthAndItsReason() {
        String token = stack.token(ApiStack.newTenant("health"));
        String id = client.post("/v1/integrations", token, "{\"name\":\"Watched\"}").json().get("integrationId")
                .asText();
        Integration connected = stack.processor.connect(id, "123412341234");
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        stack.processor.write(Integration.newBuilder(connected).setVersion(connected.getVersion() + 1)
                .setHealth(IntegrationHealth.newBuilder().setStatus(HealthStatus.UNREACHABLE)
                        .setReason("the role could not be assumed in 3 consecutive checks").setSince(at)
                        .setLastCheckedAt(at).build()).build());

        // ApiClient checks the answer against the OpenAPI document.
        ApiClient.Response read = client.get("/v1/integrations/" + id + "?version=" + (connected.getVersion() + 1),
                token);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("status").asText()).isEqualTo("CONNECTED");
        assertThat(read.json().at("/health/status").asText()).isEqualTo("UNREACHABLE");
        assertThat(read.json().at("/health/reason").asText()).contains("consecutive checks");
        assertThat(read.json().at("/health/lastCheckedAt").asText()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(read.json().at("/health/deniedJobTypes").isArray()).isTrue();
    }

    @Test
    void scopesAreEnforcedWith403() {
        String tenant = ApiStack.newTenant("scoped");
        String reader = stack.issuer.mint(tenant, List.of("integrations:read"), Duration.ofMinutes(5));
        String writer = stack.issuer.mint(tenant, List.of("integrations:write"), Duration.ofMinutes(5));
        String id = client.post("/v1/integrations", writer, "{\"name\":\"x\"}").json().get("integrationId").asText();

        ApiClient.Response post = client.post("/v1/integrations", reader, "{\"name\":\"y\"}");
        ApiClient.Response delete = client.delete("/v1/integrations/" + id, reader);
        ApiClient.Response get = client.get("/v1/integrations/" + id, writer);
        ApiClient.Response list = client.get("/v1/integrations", writer);

        assertThat(List.of(post, delete, get, list)).allSatisfy(r -> assertThat(r.status()).isEqualTo(403));
        assertThat(post.json().get("requiredScope").asText()).isEqualTo("integrations:write");
        assertThat(get.json().get("requiredScope").asText()).isEqualTo("integrations:read");
        assertThat(post.header("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
        assertThat(client.get("/v1/integrations/" + id, reader).status()).isEqualTo(200);
    }

    @Test
    void createsWithoutTheProcessorAnswer503NamingTheIntegration() {
        ApiApp impatient = stack.start(stack.newDir("impatient-"), Map.of("api.create-timeout", "1s"));
        String token = stack.token(ApiStack.newTenant("waiting"));
        stack.processor.pause();
        try {
            ApiClient.Response response = ApiStack.client(impatient).post("/v1/integrations", token,
                    "{\"name\":\"Delayed\"}", Map.of("Idempotency-Key", "delayed-1"));

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isPresent();
            String id = response.json().get("integrationId").asText();
            stack.processor.resume();
            // The request was recorded: the retry with the same key finds it.
            ApiClient.Response retry = ApiStack.client(impatient).post("/v1/integrations", token,
                    "{\"name\":\"Delayed\"}", Map.of("Idempotency-Key", "delayed-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> ApiStack.client(impatient)
                    .get("/v1/integrations/" + id, token).status() == 200);
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.json().get("integrationId").asText()).isEqualTo(id);
        } finally {
            stack.processor.resume();
        }
    }

    @Test
    void postsPastTheTenantsRateLimitAre429WithRetryAfter() {
        ApiApp limited = stack.start(stack.newDir("limited-"), Map.of("api.rate-limit.per-second", "1",
                "api.rate-limit.burst", "2"));
        ApiClient limitedClient = ApiStack.client(limited);
        String busy = stack.token(ApiStack.newTenant("busy"));
        String calm = stack.token(ApiStack.newTenant("calm"));

        List<Integer> statuses = new ArrayList<>();
        ApiClient.Response last = null;
        for (int n = 0; n < 4; n++) {
            last = limitedClient.post("/v1/integrations", busy, "{\"name\":\"r" + n + "\"}");
            statuses.add(last.status());
        }

        assertThat(statuses.subList(0, 2)).containsOnly(201);
        assertThat(statuses).contains(429);
        assertThat(last.status()).isEqualTo(429);
        assertThat(Integer.parseInt(last.header("Retry-After").orElseThrow())).isBetween(1, 2);
        assertThat(limitedClient.post("/v1/integrations", calm, "{\"name\":\"c\"}").status())
                .as("another tenant has its own bucket").isEqualTo(201);
        assertThat(limitedClient.get("/v1/integrations", busy).status()).as("reads are not limited").isEqualTo(200);
    }

    @Test
    void corsHeadersOnlyForConfiguredOrigins() {
        HttpRequest.Builder preflight = client.request("/v1/integrations", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST");
        assertThat(sendRaw(client, preflight).headers().firstValue("Access-Control-Allow-Origin"))
                .as("no CORS by default").isEmpty();

        ApiApp cors = stack.start(stack.newDir("cors-"), Map.of("api.cors.allowed-origins",
                "https://app.example.com"));
        ApiClient corsClient = ApiStack.client(cors);
        var allowed = sendRaw(corsClient, corsClient.request("/v1/integrations", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key"));
        var foreign = sendRaw(corsClient, corsClient.request("/v1/integrations", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.net").header("Access-Control-Request-Method", "POST"));

        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void healthReadyMetricsAndTheOpenApiDocumentNeedNoToken() {
        ApiClient.Response health = client.get("/health", null);
        ApiClient.Response ready = client.get("/ready", null);
        ApiClient.Response metrics = client.get("/metrics", null);
        ApiClient.Response openApi = client.get("/v1/openapi.json", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).startsWith("OK").contains("api UP");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("api_replica_caught_up 1.0").contains("api_http_requests_seconds_count")
                .contains("api_creates_total{outcome=\"created\"}").doesNotContain("onb-");
        assertThat(openApi.json().get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(OpenApiContract.get().operations()).containsExactlyInAnyOrder(
                "POST /v1/integrations", "GET /v1/integrations", "GET /v1/integrations/{integrationId}",
                "DELETE /v1/integrations/{integrationId}", "GET /v1/integrations/{integrationId}/events",
                "GET /v1/openapi.json", "GET /health", "GET /ready", "GET /metrics", "GET /", "GET /page/config.json",
                "GET /page/{file}");
    }

    @Test
    void theExternalIdIsNeverInTheMetrics() {
        String token = stack.token(ApiStack.newTenant("secretive"));
        String externalId = client.post("/v1/integrations", token, "{\"name\":\"s\"}").json().get("externalId")
                .asText();
        assertThat(client.get("/metrics", null).body()).doesNotContain(externalId);
    }

    private static java.net.http.HttpResponse<String> sendRaw(ApiClient target, HttpRequest.Builder request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> reversed(List<String> ids) {
        List<String> copy = new ArrayList<>(ids);
        java.util.Collections.reverse(copy);
        return copy;
    }

    @Test
    void anOrganizationIsCreatedWithTheStackSetCommandsShowsItsMembersAndIsCancelled() {
        ApiApp organizations = stack.start(stack.newDir("state-"), Map.of("request.organization-template-url",
                ORGANIZATION_TEMPLATE_URL));
        ApiClient api = ApiStack.client(organizations);
        String token = stack.token(ApiStack.newTenant("org"));

        ApiClient.Response created = api.post("/v1/integrations", token, "{\"name\":\"Whole org\",\"kind\":"
                + "\"ORGANIZATION\",\"expectedOrganizationId\":\"o-a1b2c3d4e5\",\"organizationalUnitIds\":"
                + "[\"ou-ab12-34cd56ef\"],\"consoleRegion\":\"eu-west-1\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("integrationId").asText();
        String externalId = body.get("externalId").asText();
        assertThat(body.get("kind").asText()).isEqualTo("ORGANIZATION");
        assertThat(body.has("quickCreateUrl")).as("no quick-create link exists for StackSets").isFalse();
        assertThat(body.get("templateUrl").asText()).isEqualTo(ORGANIZATION_TEMPLATE_URL);
        assertThat(body.get("expectedOrganizationId").asText()).isEqualTo("o-a1b2c3d4e5");
        JsonNode stackSet = body.get("stackSet");
        assertThat(stackSet.get("region").asText()).isEqualTo("eu-west-1");
        assertThat(stackSet.get("templateUrl").asText()).isEqualTo(ORGANIZATION_TEMPLATE_URL);
        assertThat(stackSet.get("createStackSet").asText()).startsWith("aws cloudformation create-stack-set "
                + "--region eu-west-1").contains("--permission-model SERVICE_MANAGED", "Enabled=true",
                "\"ParameterValue\":\"" + externalId + "\"", "'" + ORGANIZATION_TEMPLATE_URL + "'");
        assertThat(stackSet.get("createStackInstances").asText()).contains(
                "--deployment-targets OrganizationalUnitIds=ou-ab12-34cd56ef", "--regions eu-west-1");

        JsonNode pending = api.get("/v1/integrations/" + id, token).json();
        assertThat(pending.get("kind").asText()).isEqualTo("ORGANIZATION");
        assertThat(pending.get("members")).isEmpty();
        assertThat(pending.get("memberSummary").get("connected").asInt()).isZero();
        assertThat(pending.get("stackSet").get("createStackSet").asText()).contains(externalId);

        Integration state = stack.processor.state(id).orElseThrow();
        stack.processor.write(Integration.newBuilder(state).setVersion(state.getVersion() + 1)
                .setMembers(List.of(member("210987654321", id, OrganizationMemberStatus.CONNECTED, null),
                        member("310987654321", id, OrganizationMemberStatus.FAILED, "ORGANIZATION_MISMATCH: ...")))
                .setMemberSummary(new OrganizationMemberSummary(1, 1, 0)).build());
        JsonNode withMembers = await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/integrations/" + id,
                token).json(), s -> s.get("members").size() == 2);
        assertThat(withMembers.get("members").get(0).get("accountId").asText()).isEqualTo("210987654321");
        assertThat(withMembers.get("members").get(0).get("integrationId").asText()).isEqualTo(id + "-210987654321");
        assertThat(withMembers.get("members").get(1).get("status").asText()).isEqualTo("FAILED");
        assertThat(withMembers.get("memberSummary").get("failed").asInt()).isEqualTo(1);

        Map<String, String> key = Map.of("Idempotency-Key", "org-key");
        String orgBody = "{\"name\":\"Keyed org\",\"kind\":\"ORGANIZATION\",\"expectedOrganizationId\":"
                + "\"o-a1b2c3d4e5\",\"organizationalUnitIds\":[\"%s\"]}";
        assertThat(api.post("/v1/integrations", token, orgBody.formatted("ou-ab12-34cd56ef"), key).status())
                .isEqualTo(201);
        ApiClient.Response otherUnits = api.post("/v1/integrations", token, orgBody.formatted("ou-ab12-99999999"),
                key);
        assertThat(otherUnits.status()).as("the same key with other OUs is another request").isEqualTo(422);
        assertThat(otherUnits.json().get("detail").asText()).contains("organizationalUnitIds");

        ApiClient.Response cancel = api.delete("/v1/integrations/" + id, token);
        assertThat(cancel.status()).as(cancel.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/integrations/" + id, token).json()
                .get("status").asText().equals("CANCELLED"));
    }

    @Test
    void anOrganizationRequestIsCheckedFieldByField() {
        ApiApp organizations = stack.start(stack.newDir("state-"), Map.of("request.organization-template-url",
                ORGANIZATION_TEMPLATE_URL));
        ApiClient api = ApiStack.client(organizations);
        String token = stack.token(ApiStack.newTenant("org-bad"));

        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"kind\":\"ORGANIZATION\"}"),
                "expectedOrganizationId");
        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"kind\":\"ORGANIZATION\","
                + "\"expectedOrganizationId\":\"org-1\"}"), "expectedOrganizationId");
        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"kind\":\"ORGANIZATION\","
                + "\"expectedOrganizationId\":\"o-a1b2c3d4e5\",\"expectedAccountId\":\"123456789012\"}"),
                "expectedAccountId");
        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"kind\":\"ORGANIZATION\","
                + "\"expectedOrganizationId\":\"o-a1b2c3d4e5\",\"organizationalUnitIds\":[\"ou-1\"]}"),
                "organizationalUnitIds");
        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"kind\":\"ORGANIZATION\","
                + "\"expectedOrganizationId\":\"o-a1b2c3d4e5\",\"organizationalUnitIds\":[\"ou-ab12-34cd56ef\","
                + "\"ou-ab12-34cd56ef\"]}"), "organizationalUnitIds");
        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"expectedOrganizationId\":"
                + "\"o-a1b2c3d4e5\"}"), "expectedOrganizationId");
        assertRefused(api.post("/v1/integrations", token, "{\"name\":\"x\",\"kind\":\"TEAM\"}"), "kind");
        // A provider without the StackSet template's URL takes no organization.
        assertRefused(client.post("/v1/integrations", stack.token(ApiStack.newTenant("org-none")), "{\"name\":"
                + "\"x\",\"kind\":\"ORGANIZATION\",\"expectedOrganizationId\":\"o-a1b2c3d4e5\"}"), "kind");
    }

    private static void assertRefused(ApiClient.Response response, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("field").asText()).isEqualTo(field);
    }

    private static OrganizationMember member(String account, String organizationId, OrganizationMemberStatus status,
            String reason) {
        return OrganizationMember.newBuilder().setAccountId(account).setIntegrationId(organizationId + "-" + account)
                .setStatus(status).setReason(reason).setUpdatedAt(java.time.Instant.now()
                        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).build();
    }
}
