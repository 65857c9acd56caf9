package dev.onboarding.processor;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.processor.queries.IntegrationQueryServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;

/** The processor on the embedded broker with exactly-once: one instance, then two sharing the work. */
class ExactlyOnceBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();

    /** Every RequestId has exactly one distinct answer (identical re-emissions allowed); returns them. */
    static Map<String, CfnResponse> oneDecisionPerRequest(List<CfnResponse> responses) {
        Map<String, Set<CfnResponse>> byRequest = responses.stream().collect(Collectors.groupingBy(
                CfnResponse::getRequestId, Collectors.toSet()));
        byRequest.forEach((requestId, distinct) -> assertThat(distinct).as("answers to %s", requestId).hasSize(1));
        return byRequest.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().iterator().next()));
    }

    private HttpResponse<String> get(URI base, String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneInstanceDecidesEveryCallbackOnceAndAnswersQueries() {
        try (BrokerFixture fx = new BrokerFixture("mock://" + UUID.randomUUID(), 3);
                ProcessorApp app = ProcessorApp.from(fx.instanceSettings());
                var responses = fx.reader(fx.catalog.cfnResponses());
                var callbackDlq = fx.reader(fx.catalog.cfnCallbacksDlq())) {
            app.start();
            Instant now = Instant.now();
            String extA = TestData.externalId();
            String extB = TestData.externalId();
            String extC = TestData.externalId();
            CfnCallback createA = TestData.create(extA, "req-a", ACCOUNT, "a", now).build();
            // The callback overtakes its request; it waits for it.
            fx.send(createA);
            fx.send(TestData.requested("int-a", "tenant-1", extA, now, Duration.ofHours(24)));
            fx.send(TestData.requested("int-b", "tenant-1", extB, now, Duration.ofHours(24)));
            fx.send(TestData.requested("int-c", "tenant-2", extC, now, Duration.ofHours(24)));
            fx.send(TestData.create(extB, "req-b", ACCOUNT, "b", now).build());
            fx.send(TestData.create(extC, "req-c", ACCOUNT, "c", now).build());
            fx.send(createA); // at-least-once delivery upstream
            fx.sendRaw(fx.catalog.cfnCallbacks().name(), extC, "not avro".getBytes(StandardCharsets.UTF_8));

            await().atMost(WAIT).untilAsserted(() -> assertThat(responses.values().stream()
                    .map(CfnResponse::getRequestId).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("req-a", "req-b", "req-c"));
            Map<String, CfnResponse> decided = oneDecisionPerRequest(responses.values());
            // A and B claim the same account of tenant-1: exactly one wins. Tenant-2 has its own claim.
            assertThat(List.of(decided.get("req-a").getStatus(), decided.get("req-b").getStatus()))
                    .containsExactlyInAnyOrder(ResponseStatus.SUCCESS, ResponseStatus.FAILED);
            assertThat(decided.get("req-c").getStatus()).isEqualTo(ResponseStatus.SUCCESS);
            await().atMost(WAIT).untilAsserted(() -> assertThat(callbackDlq.values())
                    .extracting(DeadLetter::getReasonCode).containsExactly(DeadLetters.UNREADABLE));

            String winner = decided.get("req-a").getStatus() == ResponseStatus.SUCCESS ? "int-a" : "int-b";
            URI base = app.queryUrl().orElseThrow();
            await().atMost(WAIT).untilAsserted(() -> {
                HttpResponse<String> one = get(base, IntegrationQueryServer.integrationPath(winner));
                assertThat(one.statusCode()).isEqualTo(200);
                assertThat(one.body()).contains("\"status\":\"CONNECTED\"").doesNotContain(extA).doesNotContain(extB);
                HttpResponse<String> tenant = get(base, IntegrationQueryServer.tenantPath("tenant-1"));
                assertThat(tenant.statusCode()).isEqualTo(200);
                assertThat(tenant.body()).contains("\"integrationId\":\"int-a\"", "\"integrationId\":\"int-b\"")
                        .doesNotContain("int-c");
            });
            assertThat(get(base, IntegrationQueryServer.integrationPath("int-none")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void twoInstancesOnSixPartitionsDecideEveryCallbackExactlyOnce() {
        int pairs = 15;
        try (BrokerFixture fx = new BrokerFixture("mock://" + UUID.randomUUID(), 6);
                ProcessorApp first = ProcessorApp.from(fx.instanceSettings());
                ProcessorApp second = ProcessorApp.from(fx.instanceSettings());
                var responses = fx.reader(fx.catalog.cfnResponses())) {
            first.start();
            second.start();
            await().atMost(WAIT).until(() -> first.isReady() && second.isReady() && hasActiveTasks(first)
                    && hasActiveTasks(second));

            Instant now = Instant.now();
            List<CfnCallback> creates = new ArrayList<>();
            // Integrations n and n + pairs belong to the same tenant and connect the same account: one must lose.
            for (int n = 0; n < 2 * pairs; n++) {
                String ext = TestData.externalId();
                int pair = n % pairs;
                String account = String.format("%012d", 100_000 + pair);
                fx.send(TestData.requested("int-" + n, "tenant-" + pair, ext, now, Duration.ofHours(24)));
                creates.add(TestData.create(ext, "req-" + n, account, "stack-" + n, now).build());
            }
            for (int n = 0; n < creates.size(); n++) {
                fx.send(creates.get(n));
                if (n % 4 == 0) {
                    fx.send(creates.get(n));
                }
            }

            await().atMost(WAIT).untilAsserted(() -> assertThat(responses.values().stream()
                    .map(CfnResponse::getRequestId).collect(Collectors.toSet())).hasSize(2 * pairs));
            Map<String, CfnResponse> decided = oneDecisionPerRequest(responses.values());
            for (int pair = 0; pair < pairs; pair++) {
                assertThat(List.of(decided.get("req-" + pair).getStatus(),
                        decided.get("req-" + (pair + pairs)).getStatus())).as("pair %d", pair)
                        .containsExactlyInAnyOrder(ResponseStatus.SUCCESS, ResponseStatus.FAILED);
            }

            // Either instance answers for any integration: it forwards to the one that holds the key.
            URI base = first.queryUrl().orElseThrow();
            await().atMost(WAIT).untilAsserted(() -> {
                Set<Integer> statuses = new HashSet<>();
                for (int n = 0; n < 2 * pairs; n++) {
                    statuses.add(get(base, IntegrationQueryServer.integrationPath("int-" + n)).statusCode());
                }
                assertThat(statuses).containsExactly(200);
                // A tenant's integrations live on both instances' partitions: the answer merges them.
                for (int pair = 0; pair < pairs; pair++) {
                    HttpResponse<String> tenant = get(base, IntegrationQueryServer.tenantPath("tenant-" + pair));
                    assertThat(tenant.statusCode()).isEqualTo(200);
                    assertThat(tenant.body()).contains("\"integrationId\":\"int-" + pair + "\"",
                            "\"integrationId\":\"int-" + (pair + pairs) + "\"");
                }
            });
        }
    }

    private static boolean hasActiveTasks(ProcessorApp app) {
        return app.streams().orElseThrow().metadataForLocalThreads().stream()
                .map(ThreadMetadata::activeTasks).mapToInt(Set::size).sum() > 0;
    }
}
