package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.contract.Integration;
import dev.onboarding.embedded.DevTokenIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waiting for changes over real HTTP: long polls ({@code ?wait=S&after=N}) and server-sent event streams woken by
 * changes of the integrations topic, on two instances each serving what the other wrote; resume with
 * {@code Last-Event-ID}; heartbeats; a stream closed when its token expires; the caps per tenant and per instance;
 * a slow reader disconnected while another reader of the same integration keeps receiving.
 */
class ApiWaitingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static ApiStack stack;
    /** Small caps and buffers, fast heartbeats. */
    private static ApiApp a;
    private static ApiApp b;
    /** An instance that holds two watchers in all. */
    private static ApiApp c;

    @BeforeAll
    static void start() {
        stack = new ApiStack();
        a = stack.start(stack.newDir("waiting-a-"), Map.of("api.watch.max-per-tenant", "3",
                "api.sse.heartbeat-interval", "1s", "api.sse.max-buffered-bytes", "1024",
                "api.sse.slow-reader-timeout", "500ms"));
        b = stack.start();
        c = stack.start(stack.newDir("waiting-c-"), Map.of("api.watch.max-per-tenant", "2",
                "api.watch.max-per-instance", "2"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static String create(ApiApp app, String token) {
        ApiClient.Response created = ApiStack.client(app).post("/v1/integrations", token, "{\"name\":\"Waited on\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("integrationId").asText();
    }

    private static EventStreamClient stream(ApiApp app, String id, String token, Optional<Long> lastId) {
        EventStreamClient client = EventStreamClient.open(app.url().orElseThrow(), id, token, lastId);
        assertThat(client.status()).isEqualTo(200);
        return client;
    }

    @Test
    void aLongPollAnswersAsSoonAsAnotherInstancesChangeArrives() {
        String token = stack.token(ApiStack.newTenant("poller"));
        String id = create(b, token);

        CompletableFuture<ApiClient.Response> polling = CompletableFuture.supplyAsync(() -> ApiStack.client(a)
                .get("/v1/integrations/" + id + "?wait=50&after=1", token));
        await("the poll waits").atMost(PATIENCE).until(() -> a.replica().isPresent() && waiting(a) >= 1);
        stack.processor.connect(id, "123456789012");

        ApiClient.Response answer = polling.join();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("version").asLong()).isEqualTo(2);
        assertThat(answer.json().get("status").asText()).isEqualTo("CONNECTED");
        assertThat(answer.json().get("progress").isNull()).isTrue();
    }

    @Test
    void aLongPollThatSeesNoChangeAnswersTheCurrentStateWhenItsWaitRunsOut() {
        String token = stack.token(ApiStack.newTenant("patient"));
        String id = create(a, token);

        long start = System.nanoTime();
        ApiClient.Response answer = ApiStack.client(b).get("/v1/integrations/" + id + "?wait=1", token);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("version").asLong()).isEqualTo(1);
        // A version the caller does not have yet is answered at once.
        assertThat(ApiStack.client(b).get("/v1/integrations/" + id + "?wait=55&after=0", token).json()
                .get("version").asLong()).isEqualTo(1);
    }

    @Test
    void longPollParametersAreCheckedAndAnotherTenantsIntegrationIsNotFound() {
        String token = stack.token(ApiStack.newTenant("asker"));
        String id = create(a, token);
        ApiClient client = ApiStack.client(a);

        assertThat(client.get("/v1/integrations/" + id + "?wait=56", token).json().get("field").asText())
                .isEqualTo("wait");
        assertThat(client.get("/v1/integrations/" + id + "?wait=0", token).status()).isEqualTo(400);
        assertThat(client.get("/v1/integrations/" + id + "?after=1", token).json().get("field").asText())
                .isEqualTo("wait");
        assertThat(client.get("/v1/integrations/" + id + "?wait=5&after=-1", token).json().get("field").asText())
                .isEqualTo("after");
        assertThat(client.get("/v1/integrations/" + id + "?wait=5&version=1", token).json().get("field").asText())
                .isEqualTo("version");
        assertThat(client.get("/v1/integrations/" + id + "?wait=5", stack.token(ApiStack.newTenant("prober")))
                .status()).isEqualTo(404);
    }

    @Test
    void aStreamSendsTheCurrentStateThenEveryChangeMadeThroughAnotherInstance() {
        String token = stack.token(ApiStack.newTenant("streamer"));
        String id = create(b, token);

        try (EventStreamClient events = stream(a, id, token, Optional.empty())) {
            assertThat(events.header("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/event-stream"));
            assertThat(events.header("Cache-Control")).contains("no-store");
            EventStreamClient.Event first = events.until(e -> e.event().equals("state"), PATIENCE).get(0);
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.json().get("status").asText()).isEqualTo("PENDING");
            assertThat(first.json().get("quickCreateUrl").asText()).startsWith("https://");

            assertThat(ApiStack.client(b).delete("/v1/integrations/" + id, token).status()).isEqualTo(202);

            EventStreamClient.Event cancelled = last(events.until(e -> e.event().equals("state"), PATIENCE));
            assertThat(cancelled.version()).isEqualTo(2);
            assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
        }
    }

    @Test
    void lastEventIdResumesAfterTheVersionTheClientHas() {
        String token = stack.token(ApiStack.newTenant("resumer"));
        String id = create(a, token);

        try (EventStreamClient events = stream(b, id, token, Optional.of(1L))) {
            stack.processor.connect(id, "210987654321");
            EventStreamClient.Event next = last(events.until(e -> e.event().equals("state"), PATIENCE));
            assertThat(next.version()).as("version 1 is not sent again").isEqualTo(2);
        }
        try (EventStreamClient again = stream(b, id, token, Optional.of(1L))) {
            assertThat(last(again.until(e -> e.event().equals("state"), PATIENCE)).version()).isEqualTo(2);
        }
        try (EventStreamClient bad = EventStreamClient.open(b.url().orElseThrow(), id, token, Optional.of(-1L))) {
            assertThat(bad.status()).isEqualTo(400);
        }
    }

    @Test
    void anIdleStreamSendsHeartbeats() {
        String token = stack.token(ApiStack.newTenant("idle"));
        String id = create(a, token);

        try (EventStreamClient events = stream(a, id, token, Optional.empty())) {
            List<EventStreamClient.Event> seen = events.until(e -> e.event().equals("comment")
                    && e.data().equals("heartbeat"), Duration.ofSeconds(10));
            assertThat(seen).anyMatch(e -> e.event().equals("state"));
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpires() {
        String tenant = ApiStack.newTenant("short-lived");
        String id = create(a, stack.token(tenant));
        String shortToken = stack.issuer.mint(tenant, DevTokenIssuer.ALL_SCOPES, Duration.ofSeconds(3));

        try (EventStreamClient events = stream(b, id, shortToken, Optional.empty())) {
            List<EventStreamClient.Event> seen = events.until(e -> e.event().equals("expired"), PATIENCE);
            assertThat(seen).anyMatch(e -> e.event().equals("state"));
            assertThat(last(seen).json().get("reason").asText()).contains("token expired");
            assertThat(events.next(PATIENCE)).isEqualTo(EventStreamClient.END);
        }
    }

    @Test
    void streamsAndPollsPastTheTenantsCapAre429UntilOneCloses() {
        String token = stack.token(ApiStack.newTenant("greedy"));
        String id = create(a, token);
        EventStreamClient one = stream(a, id, token, Optional.empty());
        EventStreamClient two = stream(a, id, token, Optional.empty());
        EventStreamClient three = stream(a, id, token, Optional.empty());
        try {
            try (EventStreamClient fourth = EventStreamClient.open(a.url().orElseThrow(), id, token,
                    Optional.empty())) {
                assertThat(fourth.status()).isEqualTo(429);
                assertThat(fourth.header("Retry-After")).isPresent();
            }
            ApiClient.Response poll = ApiStack.client(a).get("/v1/integrations/" + id + "?wait=5", token);
            assertThat(poll.status()).isEqualTo(429);
            assertThat(poll.json().get("type").asText()).endsWith("too-many-watchers");
            assertThat(poll.json().get("detail").asText()).contains("this tenant already holds 3");
            // Another tenant is not held back by this one.
            String neighbour = stack.token(ApiStack.newTenant("neighbour"));
            try (EventStreamClient theirs = stream(a, create(a, neighbour), neighbour, Optional.empty())) {
                assertThat(theirs.status()).isEqualTo(200);
            }

            three.close();
            await("a slot is free again").atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
                EventStreamClient retry = EventStreamClient.open(a.url().orElseThrow(), id, token, Optional.empty());
                retry.close();
                return retry.status() == 200;
            });
        } finally {
            one.close();
            two.close();
            three.close();
        }
    }

    @Test
    void theInstanceCapHoldsAcrossTenants() {
        String first = stack.token(ApiStack.newTenant("first"));
        String second = stack.token(ApiStack.newTenant("second"));
        String third = stack.token(ApiStack.newTenant("third"));
        try (EventStreamClient one = stream(c, create(c, first), first, Optional.empty());
                EventStreamClient two = stream(c, create(c, second), second, Optional.empty());
                EventStreamClient refused = EventStreamClient.open(c.url().orElseThrow(), create(c, third), third,
                        Optional.empty())) {
            assertThat(refused.status()).isEqualTo(429);
        }
    }

    @Test
    void aSlowReaderIsDisconnectedWhileAnotherReaderKeepsReceiving() throws Exception {
        String tenant = ApiStack.newTenant("slow");
        String token = stack.token(tenant);
        String id = create(a, token);
        URI base = a.url().orElseThrow();

        try (EventStreamClient fast = stream(a, id, token, Optional.empty());
                Socket slow = new Socket()) {
            fast.until(e -> e.event().equals("state"), PATIENCE);
            // A reader with a tiny window that reads the head of its stream, then nothing more.
            slow.setReceiveBufferSize(1024);
            slow.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            OutputStream out = slow.getOutputStream();
            out.write(("GET /v1/integrations/" + id + "/events HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            String head = readUntil(in, "id: 1");
            assertThat(head).startsWith("HTTP/1.1 200");

            double closedBefore = slowClosed(a);
            Integration state = stack.processor.state(id).orElseThrow();
            String bulk = "x".repeat(200_000);
            for (int n = 0; n < 40; n++) {
                Map<String, String> tags = new HashMap<>(state.getTags());
                tags.put("bulk", bulk + n);
                state = stack.processor.write(Integration.newBuilder(state).setTags(tags)
                        .setVersion(state.getVersion() + 1).build());
            }
            long lastVersion = state.getVersion();

            EventStreamClient.Event newest = last(fast.until(e -> e.event().equals("state")
                    && e.version() == lastVersion, PATIENCE));
            assertThat(newest.json().get("tags").get("bulk").asText()).endsWith("39");
            await("the slow reader is disconnected").atMost(PATIENCE).until(() -> slowClosed(a) > closedBefore);
            slow.setSoTimeout(30_000);
            assertThat(drainToEnd(in)).as("the slow reader's connection ends").isTrue();
        }
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(marker)) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("the stream ended before " + marker + ": " + seen);
            }
            seen.append((char) c);
        }
        return seen.toString();
    }

    /** Reads until the server ends the connection; false if it stays open. */
    private static boolean drainToEnd(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static double slowClosed(ApiApp app) {
        String metrics = ApiStack.client(app).get("/metrics", null).body();
        return metrics.lines().filter(l -> l.startsWith("api_event_streams_slow_closed_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double waiting(ApiApp app) {
        String metrics = ApiStack.client(app).get("/metrics", null).body();
        return metrics.lines().filter(l -> l.startsWith("api_watchers "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static EventStreamClient.Event last(List<EventStreamClient.Event> events) {
        return events.get(events.size() - 1);
    }
}
