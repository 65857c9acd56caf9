package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several instances behind an imagined load balancer: an {@code Idempotency-Key} names one integration on every
 * instance and across a restart, concurrent requests with one key create one integration, and {@code ?version=N}
 * reads what another instance wrote.
 */
class ApiInstancesTest {
    private static ApiStack stack;
    private static Path stateOfA;
    private static ApiApp a;
    private static ApiApp b;

    @BeforeAll
    static void start() {
        stack = new ApiStack();
        stateOfA = stack.newDir("instance-a-");
        a = stack.start(stateOfA, Map.of());
        b = stack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aRetryWithTheSameKeyOnAnotherInstanceAndAfterARestartAnswersTheSameIntegration() {
        String token = stack.token(ApiStack.newTenant("retrier"));
        String body = "{\"name\":\"Prod\",\"tags\":{\"team\":\"data\"}}";
        Map<String, String> key = Map.of("Idempotency-Key", "order-7731");

        ApiClient.Response first = ApiStack.client(a).post("/v1/integrations", token, body, key);
        ApiClient.Response onB = ApiStack.client(b).post("/v1/integrations", token, body, key);
        a.close();
        ApiApp restarted = stack.start(stateOfA, Map.of());
        ApiClient.Response afterRestart = ApiStack.client(restarted).post("/v1/integrations", token, body, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).contains("false");
        for (ApiClient.Response retry : List.of(onB, afterRestart)) {
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.header("Idempotent-Replayed")).contains("true");
            assertThat(retry.json().get("integrationId")).isEqualTo(first.json().get("integrationId"));
            assertThat(retry.json().get("externalId")).isEqualTo(first.json().get("externalId"));
            assertThat(retry.json().get("quickCreateUrl")).isEqualTo(first.json().get("quickCreateUrl"));
        }
        assertThat(ApiStack.client(b).get("/v1/integrations", token).json().get("integrations")).hasSize(1);
        a = restarted;
    }

    @Test
    void theSameKeyWithAnotherRequestIs422AndAnotherTenantsSameKeyIsItsOwnIntegration() {
        String tenant = ApiStack.newTenant("reuser");
        String token = stack.token(tenant);
        Map<String, String> key = Map.of("Idempotency-Key", "shared-key");
        String id = ApiStack.client(b).post("/v1/integrations", token, "{\"name\":\"One\"}", key).json()
                .get("integrationId").asText();

        ApiClient.Response other = ApiStack.client(b).post("/v1/integrations", token, "{\"name\":\"Two\"}", key);
        ApiClient.Response otherTenant = ApiStack.client(b).post("/v1/integrations",
                stack.token(ApiStack.newTenant("neighbour")), "{\"name\":\"One\"}", key);

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(other.json().get("integrationId").asText()).isEqualTo(id);
        assertThat(otherTenant.status()).isEqualTo(201);
        assertThat(otherTenant.json().get("integrationId").asText()).isNotEqualTo(id);
    }

    @Test
    void concurrentRequestsWithOneKeyOnTwoInstancesYieldOneIntegration() throws Exception {
        String token = stack.token(ApiStack.newTenant("racer"));
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<ApiClient.Response>> answers = new ArrayList<>();
        try {
            for (int n = 0; n < requests; n++) {
                ApiClient client = ApiStack.client(n % 2 == 0 ? a : b);
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return client.post("/v1/integrations", token, "{\"name\":\"Raced\"}",
                            Map.of("Idempotency-Key", "double-click"));
                }, pool));
            }
            go.countDown();
            List<ApiClient.Response> responses = answers.stream().map(CompletableFuture::join).toList();

            assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
            Set<String> ids = responses.stream().map(r -> r.json().get("integrationId").asText())
                    .collect(Collectors.toSet());
            Set<String> externalIds = responses.stream().map(r -> r.json().get("externalId").asText())
                    .collect(Collectors.toSet());
            assertThat(ids).hasSize(1);
            assertThat(externalIds).hasSize(1);
            assertThat(responses.stream().filter(r -> r.header("Idempotent-Replayed").orElseThrow().equals("false")))
                    .as("exactly one request created it").hasSize(1);
            assertThat(ApiStack.client(a).get("/v1/integrations", token).json().get("integrations")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aVersionWrittenThroughOneInstanceIsReadThroughTheOther() {
        String token = stack.token(ApiStack.newTenant("balanced"));
        for (int n = 0; n < 5; n++) {
            JsonNode created = ApiStack.client(a).post("/v1/integrations", token, "{\"name\":\"rw" + n + "\"}").json();
            String id = created.get("integrationId").asText();

            ApiClient.Response onB = ApiStack.client(b).get("/v1/integrations/" + id + "?version="
                    + created.get("version").asLong(), token);
            assertThat(onB.status()).as(onB.toString()).isEqualTo(200);
            assertThat(onB.json().get("version").asLong()).isGreaterThanOrEqualTo(created.get("version").asLong());

            long cancelVersion = ApiStack.client(b).delete("/v1/integrations/" + id, token).json().get("version")
                    .asLong();
            ApiClient.Response onA = ApiStack.client(a).get("/v1/integrations/" + id + "?version="
                    + (cancelVersion + 1), token);
            assertThat(onA.status()).isEqualTo(200);
            assertThat(onA.json().get("status").asText()).isEqualTo("CANCELLED");
        }
    }

    @Test
    void aVersionThatNeverComesIs503AfterTheWait() {
        String token = stack.token(ApiStack.newTenant("impatient"));
        JsonNode created = ApiStack.client(a).post("/v1/integrations", token, "{\"name\":\"v\"}").json();

        ApiClient.Response response = ApiStack.client(b).get("/v1/integrations/" + created.get("integrationId")
                .asText() + "?version=9", token);

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().get("version").asLong()).isEqualTo(1);
        assertThat(response.header("Retry-After")).isPresent();
    }
}
