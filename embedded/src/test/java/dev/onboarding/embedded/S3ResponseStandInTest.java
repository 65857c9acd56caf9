package dev.onboarding.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class S3ResponseStandInTest {

    private static S3ResponseStandIn s3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        s3 = S3ResponseStandIn.start();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void reset() {
        s3.reset();
    }

    @Test
    void recordsAPutWithoutContentType() throws Exception {
        String url = newResponseUrl();
        String json = "{\"Status\":\"SUCCESS\",\"PhysicalResourceId\":\"p-1\"}";

        // java.net.http adds no Content-Type for ofString(): exactly what a pre-signed S3 PUT needs.
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(s3.requestCount()).isEqualTo(1);
        S3ResponseStandIn.RecordedRequest recorded = s3.requestsForPath(url).get(0);
        assertThat(recorded.method()).isEqualTo("PUT");
        assertThat(recorded.hasHeader("Content-Type")).isFalse();
        assertThat(recorded.contentType()).isEmpty();
        assertThat(recorded.header("content-length")).contains(String.valueOf(json.getBytes(StandardCharsets.UTF_8).length));
        assertThat(recorded.bodyAsString()).isEqualTo(json);
        assertThat(recorded.path()).isEqualTo(URI.create(url).getRawPath())
                .startsWith("/cloudformation-custom-resource-response-euwest1/arn%3Aaws%3Acloudformation%3Aeu-west-1%3A")
                .contains("%7CCustomResource%7C");
        assertThat(recorded.rawQuery()).contains("X-Amz-Algorithm=AWS4-HMAC-SHA256").containsPattern("X-Amz-Signature=[0-9a-f]{64}");
        assertThat(recorded.receivedAt()).isNotNull();
    }

    @Test
    void recordsAnExplicitContentTypeAsSent() throws Exception {
        String url = newResponseUrl();
        http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());

        S3ResponseStandIn.RecordedRequest recorded = s3.requestsForPath(URI.create(url).getPath()).get(0);
        assertThat(recorded.hasHeader("Content-Type")).isTrue();
        assertThat(recorded.contentType()).contains("");
    }

    @Test
    void scriptedSequenceRepeatsItsLastStatus() throws Exception {
        String url = newResponseUrl();
        s3.respondWith(url, 500, 500, 200);

        assertThat(put(url)).isEqualTo(500);
        assertThat(put(url)).isEqualTo(500);
        assertThat(put(url)).isEqualTo(200);
        assertThat(put(url)).isEqualTo(200);
        assertThat(s3.requestsForPath(url)).hasSize(4);
        assertThat(put(newResponseUrl())).as("other paths are unaffected").isEqualTo(200);
    }

    @Test
    void redirectIsAnsweredButNotFollowedByDefault() throws Exception {
        String url = newResponseUrl();
        s3.redirectTo(url, "http://169.254.169.254/latest/meta-data/");

        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(307);
        assertThat(response.headers().firstValue("Location")).contains("http://169.254.169.254/latest/meta-data/");
        assertThat(s3.requestCount()).isEqualTo(1);
    }

    @Test
    void failAllForAnswersEveryPathUntilReset() throws Exception {
        s3.failAllFor(Duration.ofSeconds(30), 503);
        assertThat(put(newResponseUrl())).isEqualTo(503);
        assertThat(put(s3.origin() + "/anything")).isEqualTo(503);
        s3.reset();
        assertThat(put(newResponseUrl())).isEqualTo(200);
    }

    @Test
    void pathsUnderARefusedPrefixAreAnsweredWithItsStatusAndTakenRequestsAreForgotten() throws Exception {
        s3.refuseUnder("/forged-", 403);

        assertThat(put(s3.origin() + "/forged-bucket/x?X-Amz-Signature=bad")).isEqualTo(403);
        assertThat(put(newResponseUrl())).isEqualTo(200);

        assertThat(s3.takeRequests()).extracting(S3ResponseStandIn.RecordedRequest::status).containsExactly(403, 200);
        assertThat(s3.takeRequests()).isEmpty();
        assertThat(s3.requestCount()).isZero();
        s3.reset();
        assertThat(put(s3.origin() + "/forged-bucket/x")).isEqualTo(200);
    }

    @Test
    void everyRecordingSaysWhetherItsAnswerWasDelivered() throws Exception {
        String url = newResponseUrl();
        s3.respondWith(url, 500, 200);
        assertThat(put(url)).isEqualTo(500);
        assertThat(put(url)).isEqualTo(200);
        s3.failAllFor(Duration.ofSeconds(30), 503);
        assertThat(put(url)).isEqualTo(503);

        assertThat(s3.requestsForPath(url)).extracting(S3ResponseStandIn.RecordedRequest::status)
                .containsExactly(500, 200, 503);
        assertThat(s3.requestsForPath(url)).extracting(S3ResponseStandIn.RecordedRequest::delivered)
                .containsExactly(false, true, false);
    }

    @Test
    void delayHoldsTheAnswer() throws Exception {
        String url = newResponseUrl();
        s3.delay(url, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(put(url)).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void adminRouteListsRecordedRequestsWithoutTheirSignature() throws Exception {
        String url = newResponseUrl();
        String other = newResponseUrl();
        http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"Status\":\"SUCCESS\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        put(other);
        String requestId = url.substring(url.lastIndexOf("%7C") + 3, url.indexOf('?'));

        HttpResponse<String> all = http.send(HttpRequest.newBuilder(URI.create(s3.origin()
                + S3ResponseStandIn.ADMIN_REQUESTS_PATH)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> one = http.send(HttpRequest.newBuilder(URI.create(s3.origin()
                + S3ResponseStandIn.ADMIN_REQUESTS_PATH + "?contains=" + requestId)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(all.body()).startsWith("[").contains("\"method\":\"PUT\"")
                .contains("X-Amz-Algorithm=AWS4-HMAC-SHA256").doesNotContain("X-Amz-Signature");
        assertThat(one.body()).contains(URI.create(url).getRawPath())
                .contains("\"body\":\"{\\\"Status\\\":\\\"SUCCESS\\\"}\"")
                .contains("\"receivedAt\":").contains("\"headers\":{")
                .doesNotContain(URI.create(other).getRawPath());
        assertThat(s3.requestCount()).as("admin calls are not recorded").isEqualTo(2);
    }

    @Test
    void adminRouteIsNeverScripted() throws Exception {
        s3.failAllFor(Duration.ofSeconds(30), 503);
        HttpResponse<String> listing = http.send(HttpRequest.newBuilder(URI.create(s3.origin()
                + S3ResponseStandIn.ADMIN_REQUESTS_PATH)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(s3.origin()
                + "/__onboarding/nothing")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).isEqualTo("[]");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    private int put(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String newResponseUrl() {
        return s3.responseUrlFor("eu-west-1",
                "arn:aws:cloudformation:eu-west-1:111122223333:stack/onboarding/" + UUID.randomUUID(),
                UUID.randomUUID().toString());
    }
}
