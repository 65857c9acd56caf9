package dev.onboarding.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StsStandInTest {

    private static StsStandIn sts;
    private static StsClient client;

    @BeforeAll
    static void start() {
        sts = StsStandIn.start();
        client = StsClient.builder()
                .endpointOverride(sts.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (sts != null) {
            sts.close();
        }
    }

    @Test
    void trustedPairGetsCredentials() {
        String role = newRole();
        sts.trust(role, "ext-1");

        AssumeRoleResponse response = assume(role, "ext-1");

        assertThat(response.credentials().accessKeyId()).startsWith("ASIA");
        assertThat(response.credentials().secretAccessKey()).isNotBlank();
        assertThat(response.credentials().sessionToken()).isNotBlank();
        assertThat(response.credentials().expiration()).isAfter(Instant.now().plusSeconds(800));
        assertThat(response.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::111122223333:assumed-role/"
                + role.substring(role.lastIndexOf('/') + 1) + "/onboarding-test");
        assertThat(sts.assumeRoleCalls(role)).isEqualTo(1);
        assertThat(sts.calls()).anySatisfy(call -> {
            assertThat(call.roleArn()).isEqualTo(role);
            assertThat(call.externalId()).isEqualTo("ext-1");
            assertThat(call.durationSeconds()).isEqualTo(900);
            assertThat(call.httpStatus()).isEqualTo(200);
        });
    }

    @Test
    void wrongExternalIdIsAccessDenied() {
        String role = newRole();
        sts.trust(role, "right");

        assertThatThrownBy(() -> assume(role, "wrong"))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
        assertThat(sts.assumeRoleCalls(role)).isEqualTo(1); // AccessDenied is not retried by the SDK
    }

    @Test
    void deniedTwiceThenTrustedOnTheThirdCall() {
        String role = newRole();
        sts.trust(role, "ext");
        sts.denyNext(role, 2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> assume(role, "ext"))
                    .isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
        assertThat(assume(role, "ext").credentials()).isNotNull();
        assertThat(sts.assumeRoleCalls(role)).isEqualTo(3);
    }

    @Test
    void revokedRoleIsDeniedAgain() {
        String role = newRole();
        sts.trust(role, "ext");
        assertThat(assume(role, "ext").credentials()).isNotNull();

        sts.revoke(role);

        assertThatThrownBy(() -> assume(role, "ext")).isInstanceOf(StsException.class);
    }

    @Test
    void scriptedServerErrorIsRetriedBySdk() {
        String role = newRole();
        sts.trust(role, "ext");
        sts.failNext(role, 1, 500, "InternalFailure");

        assertThat(assume(role, "ext").credentials()).isNotNull();
        assertThat(sts.assumeRoleCalls(role)).isEqualTo(2);
        assertThat(sts.assumeRoleCalls()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void delayedCallIsAnsweredLateThenOnTime() {
        String role = newRole();
        sts.trust(role, "ext");
        Duration delay = Duration.ofMillis(1500);
        sts.delayNext(role, 1, delay);

        long start = System.nanoTime();
        assertThat(assume(role, "ext").credentials()).isNotNull();
        Duration late = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        assertThat(assume(role, "ext").credentials()).isNotNull();
        Duration onTime = Duration.ofNanos(System.nanoTime() - start);

        assertThat(late).isGreaterThanOrEqualTo(delay);
        assertThat(onTime).as("only the scripted call is late").isLessThan(delay);
        assertThat(sts.assumeRoleCalls(role)).isEqualTo(2);
    }

    @Test
    void adminRouteTrustsAndRevokesFromAnotherProcess() throws Exception {
        String role = newRole();
        int callsBefore = sts.assumeRoleCalls();

        HttpResponse<String> trusted = admin("POST", "",
                "{\"roleArn\":\"" + role + "\",\"externalId\":\"ext-admin\"}");

        assertThat(trusted.statusCode()).isEqualTo(200);
        assertThat(trusted.body()).contains("\"trusted\":true").doesNotContain("ext-admin");
        assertThat(sts.assumeRoleCalls()).as("admin calls are not AssumeRole calls").isEqualTo(callsBefore);
        assertThat(assume(role, "ext-admin").credentials()).isNotNull();
        assertThatThrownBy(() -> assume(role, "other")).isInstanceOf(StsException.class);

        HttpResponse<String> revoked = admin("DELETE", "?roleArn=" + URLEncoder.encode(role, StandardCharsets.UTF_8),
                null);

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> assume(role, "ext-admin"))
                .isInstanceOfSatisfying(StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    @Test
    void aRevokedRoleIsRestoredWithItsTrustPolicyDirectlyOrFromAnotherProcess() throws Exception {
        String role = newRole();
        sts.trust(role, "ext-1");
        sts.trust(role, "ext-2");
        sts.revoke(role);
        assertThat(sts.allows(role, "ext-1")).isFalse();
        assertThat(sts.restore(role)).isTrue();
        assertThat(sts.allows(role, "ext-1")).isTrue();
        assertThat(sts.allows(role, "ext-2")).isTrue();
        assertThat(sts.restore(role)).as("nothing left to restore").isFalse();

        String query = "?roleArn=" + URLEncoder.encode(role, StandardCharsets.UTF_8);
        assertThat(admin("DELETE", query, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> assume(role, "ext-1")).isInstanceOf(StsException.class);
        HttpResponse<String> restored = admin("POST", "/restore" + query, null);
        assertThat(restored.statusCode()).isEqualTo(200);
        assertThat(restored.body()).contains("\"trusted\":true");
        assertThat(assume(role, "ext-1").credentials()).isNotNull();
        assertThat(admin("POST", "/restore" + query, null).statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/restore", null).statusCode()).isEqualTo(400);
    }

    @Test
    void adminRouteRejectsWhatItCannotUse() throws Exception {
        assertThat(admin("POST", "", "not json").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "", "{\"roleArn\":\"my-role\",\"externalId\":\"x\"}").statusCode())
                .isEqualTo(400);
        assertThat(admin("DELETE", "", null).statusCode()).isEqualTo(400);
        assertThat(admin("PUT", "", "{}").statusCode()).isEqualTo(405);
    }

    @Test
    void answersLikeStsWithALengthAndOneRequestId() throws Exception {
        String role = newRole();
        sts.trust(role, "ext-raw");

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sts.endpoint())
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("Action=AssumeRole&Version=2011-06-15&RoleArn="
                        + URLEncoder.encode(role, StandardCharsets.UTF_8)
                        + "&RoleSessionName=raw&ExternalId=ext-raw&DurationSeconds=900"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length"))
                .as("a length, not chunked, like STS")
                .hasValue(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(response.body()).contains("<RequestId>" + requestId + "</RequestId>")
                .contains("<Arn>arn:aws:sts::111122223333:assumed-role/");
    }

    @Test
    void unsignedCallIsRejectedAndCounted() throws Exception {
        String role = newRole();
        sts.trust(role, "ext");

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sts.endpoint())
                .POST(HttpRequest.BodyPublishers.ofString("Action=AssumeRole&RoleSessionName=s&ExternalId=ext&RoleArn="
                        + URLEncoder.encode(role, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>MissingAuthenticationToken</Code>");
        assertThat(sts.assumeRoleCalls(role)).isEqualTo(1);
    }

    @Test
    void keepsOnlyTheMostRecentCallsButCountsAll() {
        try (StsStandIn small = StsStandIn.start(3);
                StsClient smallClient = StsClient.builder()
                        .endpointOverride(small.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                        .httpClient(ApacheHttpClient.builder().build())
                        .build()) {
            String role = newRole();
            small.trust(role, "ext");
            for (int i = 1; i <= 5; i++) {
                String session = "call-" + i;
                smallClient.assumeRole(b -> b.roleArn(role).roleSessionName(session).externalId("ext"));
            }

            assertThat(small.assumeRoleCalls()).isEqualTo(5);
            assertThat(small.assumeRoleCalls(role)).isEqualTo(5);
            assertThat(small.calls()).extracting(StsStandIn.AssumeRoleCall::roleSessionName)
                    .containsExactly("call-3", "call-4", "call-5");
        }
    }

    private static HttpResponse<String> admin(String method, String query, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sts.endpoint() + StsStandIn.ADMIN_ROLES_PATH
                + query));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void trustPoliciesAllowWhatTheirExternalIdConditionAllows() throws Exception {
        String exact = newRole();
        sts.trust(exact, "ext-1");
        sts.trust(exact, "ext-2"); // a StringEquals list
        String open = newRole();
        sts.trust(open, StsStandIn.Condition.NONE, null);
        String like = newRole();
        sts.trust(like, StsStandIn.Condition.STRING_LIKE, "*");
        String ifExists = newRole();
        sts.trust(ifExists, StsStandIn.Condition.STRING_EQUALS_IF_EXISTS, "ext-1");

        // with the ID, with another, without any
        assertAllowed(exact, true, true, false, false);
        assertAllowed(open, true, true, true, true);
        assertAllowed(like, true, true, true, false);
        assertAllowed(ifExists, true, false, false, true);

        String viaAdmin = newRole();
        HttpResponse<String> trusted = admin("POST", "", "{\"roleArn\":\"" + viaAdmin
                + "\",\"condition\":\"None\"}");
        assertThat(trusted.statusCode()).isEqualTo(200);
        assertThat(assume(viaAdmin, null).credentials()).isNotNull();
        assertThat(admin("POST", "", "{\"roleArn\":\"" + viaAdmin + "\",\"condition\":\"Maybe\"}")
                .statusCode()).isEqualTo(400);
    }

    private static void assertAllowed(String role, boolean withId, boolean withSecondOrMatching, boolean withOther,
            boolean withoutAny) {
        assertThat(sts.allows(role, "ext-1")).as("%s with ext-1", role).isEqualTo(withId);
        assertThat(sts.allows(role, "ext-2")).as("%s with ext-2", role).isEqualTo(withSecondOrMatching);
        assertThat(sts.allows(role, "onb-somethingelse")).as("%s with another", role).isEqualTo(withOther);
        assertThat(sts.allows(role, null)).as("%s without", role).isEqualTo(withoutAny);
        if (withoutAny) {
            assertThat(assume(role, null).credentials()).isNotNull();
        } else {
            assertThatThrownBy(() -> assume(role, null)).isInstanceOf(StsException.class);
        }
    }

    private static AssumeRoleResponse assume(String role, String externalId) {
        return client.assumeRole(b -> b.roleArn(role).roleSessionName("onboarding-test")
                .externalId(externalId).durationSeconds(900));
    }

    private static String newRole() {
        return "arn:aws:iam::111122223333:role/Onboarding-" + UUID.randomUUID();
    }
}
