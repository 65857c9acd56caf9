package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.embedded.S3ResponseStandIn.RecordedRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResponseDeliveryTest {
    private static final String STACK = "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1";
    private static S3ResponseStandIn s3;
    private static S3ResponseStandIn elsewhere;
    private static ResponseDelivery delivery;

    @BeforeAll
    static void start() {
        s3 = S3ResponseStandIn.start();
        elsewhere = S3ResponseStandIn.start();
        // A request timeout generous enough for a loaded machine; the timeout test uses its own, short one.
        delivery = new ResponseDelivery(Duration.ofSeconds(5), Duration.ofSeconds(10), 4);
    }

    @AfterAll
    static void stop() {
        delivery.close();
        s3.close();
        elsewhere.close();
    }

    @BeforeEach
    void reset() {
        s3.reset();
        elsewhere.reset();
    }

    private static DeliveryOutcome put(String url, String body) {
        return delivery.put(URI.create(url), body.getBytes(StandardCharsets.UTF_8)).join();
    }

    @Test
    void putsTheBodyWithoutAContentType() {
        String url = s3.responseUrlFor("eu-west-1", STACK, "req-1");
        assertThat(put(url, "{\"Status\":\"SUCCESS\"}")).isEqualTo(new DeliveryOutcome.Delivered(200));
        RecordedRequest request = s3.requestsForPath(url).get(0);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.contentType().orElse("")).isEmpty();
        assertThat(request.header("Content-Length")).contains("20");
        assertThat(request.hasHeader("Transfer-Encoding")).isFalse();
        assertThat(request.bodyAsString()).isEqualTo("{\"Status\":\"SUCCESS\"}");
        // The pre-signed query string is sent untouched.
        assertThat(url).endsWith("?" + request.rawQuery());
    }

    @Test
    void serverErrorsAndThrottlingAreRetryableOtherClientErrorsAreNot() {
        String url = s3.responseUrlFor("eu-west-1", STACK, "req-2");
        s3.respondWith(url, 500, 503, 429, 403, 404);
        assertThat(put(url, "{}")).isEqualTo(new DeliveryOutcome.Retryable("HTTP 500"));
        assertThat(put(url, "{}")).isEqualTo(new DeliveryOutcome.Retryable("HTTP 503"));
        assertThat(put(url, "{}")).isEqualTo(new DeliveryOutcome.Retryable("HTTP 429"));
        assertThat(put(url, "{}")).isEqualTo(DeliveryOutcome.GiveUp.rejected(403));
        assertThat(((DeliveryOutcome.GiveUp) put(url, "{}")).reasonCode()).isEqualTo("HTTP_404");
    }

    @Test
    void redirectsAreNeverFollowed() {
        String url = s3.responseUrlFor("eu-west-1", STACK, "req-3");
        s3.redirectTo(url, elsewhere.responseUrlFor("eu-west-1", STACK, "req-3"));
        DeliveryOutcome outcome = put(url, "{}");
        assertThat(outcome).isInstanceOf(DeliveryOutcome.GiveUp.class);
        assertThat(((DeliveryOutcome.GiveUp) outcome).reasonCode()).isEqualTo(DeliveryOutcome.GiveUp.REDIRECT_REFUSED);
        assertThat(elsewhere.requestCount()).isZero();
    }

    @Test
    void aSlowEndpointTimesOutAndIsRetryable() {
        String url = s3.responseUrlFor("eu-west-1", STACK, "req-4");
        s3.delay(url, Duration.ofSeconds(5));
        try (ResponseDelivery impatient = new ResponseDelivery(Duration.ofSeconds(2), Duration.ofMillis(700), 4)) {
            assertThat(impatient.put(URI.create(url), "{}".getBytes(StandardCharsets.UTF_8)).join())
                    .isEqualTo(new DeliveryOutcome.Retryable("request timed out"));
        }
    }

    @Test
    void aRefusedConnectionIsRetryableAndItsDetailHasNoUrl() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DeliveryOutcome outcome = put("http://127.0.0.1:" + port + "/bucket/key?X-Amz-Signature=secret", "{}");
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retryable.class);
        assertThat(((DeliveryOutcome.Retryable) outcome).detail()).doesNotContain("secret").doesNotContain("127.0.0.1");
    }
}
