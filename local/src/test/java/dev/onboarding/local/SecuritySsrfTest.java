package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.bridge.egress.DeliveryOutcome;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.schemas.ExternalIds;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server-side request forgery through the real pipeline. A second HTTP server on loopback stands for whatever an
 * attacker wants the provider to call (an internal service, the metadata endpoint); forged ResponseURLs point at
 * it in every disguise. The bridge must refuse each one by policy before any network call (ingress dead-letters
 * the callback, egress dead-letters a response that reached the topic anyway), must not follow a redirect from
 * the one allowed origin, and the attacker's server must see nothing at all.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuritySsrfTest {
    private final ExternalIds externalIds = new ExternalIds();
    private SecurityStack stack;
    private ResponseUrlPolicy bridgePolicy;
    private String target;
    private int targetPort;
    private int s3Port;

    @BeforeAll
    void stack(SecurityStack stack) {
        this.stack = stack;
        this.bridgePolicy = ResponseUrlPolicy.withLocalOrigin(stack.s3().origin());
        this.target = stack.attackerTarget().origin();
        this.targetPort = stack.attackerTarget().endpoint().getPort();
        this.s3Port = stack.s3().endpoint().getPort();
    }

    @AfterEach
    void theAttackersTargetWasNeverContacted() {
        assertThat(stack.attackerTarget().requests()).as("requests that reached the attacker's target").isEmpty();
    }

    /**
     * Every disguise of the attacker's target, and of other places a provider must never call; {@code {id}} stands
     * for a unique key.
     */
    private List<String> forgedUrls() {
        String bucketHost = "cloudformation-custom-resource-response-useast1.s3.amazonaws.com";
        String key = "/cloudformation-custom-resource-response-useast1/{id}?X-Amz-Signature=forged";
        int p = targetPort;
        return List.of(
                // plain http and https to loopback, the literal and its other spellings
                target + key,
                "https://127.0.0.1:" + p + key,
                "http://localhost:" + p + key,
                "http://[::1]:" + p + key,
                "https://[::1]:" + p + key,
                "http://[::ffff:127.0.0.1]:" + p + key,
                "https://[0:0:0:0:0:0:0:1]:" + p + key,
                "http://2130706433:" + p + key,
                "https://2130706433:" + p + key,
                "http://0x7f.1:" + p + key,
                "https://0x7f000001:" + p + key,
                "http://0177.0.0.1:" + p + key,
                "http://127.1:" + p + key,
                "http://0:" + p + key,
                "HTTP://127.0.0.1:" + p + key,
                // the metadata endpoints
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/{id}",
                "https://169.254.169.254/latest/meta-data/{id}",
                "http://[fd00:ec2::254]/latest/meta-data/{id}",
                "http://169.254.170.2/v2/credentials/{id}",
                "http://metadata.google.internal/computeMetadata/v1/{id}",
                // user info: the allowed origin or the AWS host in front, the target behind
                "http://127.0.0.1:" + s3Port + "@127.0.0.1:" + p + key,
                "https://" + bucketHost + "@127.0.0.1:" + p + key,
                "http://user:pw@127.0.0.1:" + s3Port + key,
                "http://127.0.0.1:" + p + "#@" + bucketHost + key,
                "https://" + bucketHost + "\\@127.0.0.1:" + p + key,
                // odd ports on the real host, and the S3 stand-in itself reached another way
                "https://" + bucketHost + ":" + p + key,
                "https://" + bucketHost + ":443" + key,
                "https://" + bucketHost + ":0" + key,
                "http://localhost:" + s3Port + key,
                "http://127.0.0.1:" + s3Port + "/cloudformation-custom-resource-response-useast1/../{id}",
                // look-alike hosts
                "https://" + bucketHost + ".evil" + key,
                "https://" + bucketHost + ".evil:" + p + key,
                "https://" + bucketHost + "." + key,
                "https://evil" + bucketHost + key,
                "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.127.0.0.1.nip.io" + key,
                "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com" + key,
                "https://s3.amazonaws.com/other-bucket/{id}",
                "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com%2e127.0.0.1.nip.io" + key,
                // other schemes and shapes
                "gopher://127.0.0.1:" + p + "/_PUT%20/{id}",
                "file:///etc/passwd?{id}",
                "//127.0.0.1:" + p + key,
                "jar:http://127.0.0.1:" + p + "!/{id}");
    }

    @Test
    void forgedResponseUrlsAreDeadLetteredByTheIngressAndNothingIsContacted() {
        Map<String, String> urlByMessage = new LinkedHashMap<>();
        List<String> requestIds = new ArrayList<>();
        for (String pattern : forgedUrls()) {
            String requestId = UUID.randomUUID().toString();
            String url = pattern.replace("{id}", requestId);
            SecurityForgedRequest.Sent sent = stack.forge(StackLaunch.Type.Create, externalIds.mint(),
                    SecurityStack.newAccount()).requestId(requestId).responseUrl(url).send();
            urlByMessage.put(sent.messageId(), url);
            requestIds.add(requestId);
        }

        Map<String, DeadLetter> letters = stack.deadLetters().awaitAll(stack.catalog().cfnCallbacksDlq().name(),
                List.copyOf(urlByMessage.keySet()));

        urlByMessage.forEach((messageId, url) -> {
            DeadLetter letter = letters.get(messageId);
            ResponseUrlPolicy.Verdict verdict = bridgePolicy.check(url, SecurityStack.REGION);
            assertThat(verdict.allowed()).as(url).isFalse();
            assertThat(letter.getReasonCode()).as(url).startsWith("RESPONSE_URL_").isEqualTo(verdict.reasonCode());
            assertThat(letter.getReason()).as(url).isNotBlank().doesNotContain("X-Amz-Signature");
        });
        // Not answered either: an answer would have to go to the forged URL.
        assertThat(stack.s3().requests()).noneMatch(r -> requestIds.stream().anyMatch(id -> r.path().contains(id)));
    }

    @Test
    void responsesWithForgedUrlsThatReachTheTopicAreNeverSent() {
        // Defence in depth: whatever wrote the responses topic, the responder checks the URL again.
        Map<String, String> urlByRequest = new LinkedHashMap<>();
        for (String pattern : forgedUrls()) {
            String requestId = UUID.randomUUID().toString();
            String url = pattern.replace("{id}", requestId);
            urlByRequest.put(requestId, url);
            stack.publishResponse(response(requestId, url));
        }

        Map<String, DeadLetter> letters = stack.deadLetters().awaitAll(stack.catalog().cfnResponsesDlq().name(),
                List.copyOf(urlByRequest.keySet()));

        urlByRequest.forEach((requestId, url) -> {
            String expected = bridgePolicy.check(url, SecurityStack.REGION).reasonCode();
            assertThat(letters.get(requestId).getReasonCode()).as(url).startsWith("RESPONSE_URL_").isEqualTo(expected);
        });
        assertThat(stack.s3().requests()).noneMatch(r -> urlByRequest.keySet().stream()
                .anyMatch(id -> r.path().contains(id)));
    }

    @Test
    void aRedirectFromTheAllowedOriginIsNeverFollowed() {
        // A Delete is answered SUCCESS at once; its ResponseURL is on the allowed origin, which redirects.
        SecurityForgedRequest delete = stack.forge(StackLaunch.Type.Delete, externalIds.mint(),
                SecurityStack.newAccount()).physicalId("int-" + UUID.randomUUID());
        String path = delete.responsePath();
        stack.s3().redirectTo(path, target + "/latest/meta-data/" + delete.requestId());

        SecurityForgedRequest.Sent sent = delete.send();

        DeadLetter letter = stack.deadLetters().await(stack.catalog().cfnResponsesDlq().name(), sent.requestId());
        assertThat(letter.getReasonCode()).isEqualTo(DeliveryOutcome.GiveUp.REDIRECT_REFUSED);
        assertThat(letter.getReason()).doesNotContain(target).doesNotContain("X-Amz-Signature");
        // One attempt reached the allowed origin; it was given up, not retried, and the Location never called.
        assertThat(stack.s3().requestsForPath(path)).hasSize(1)
                .allSatisfy(r -> assertThat(r.method()).isEqualTo("PUT"));
    }

    private static CfnResponse response(String requestId, String url) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String stackId = "arn:aws:cloudformation:" + SecurityStack.REGION + ":" + SecurityStack.newAccount()
                + ":stack/forged/" + UUID.randomUUID();
        return CfnResponse.newBuilder()
                .setRequestId(requestId)
                .setResponseUrl(url)
                .setStatus(ResponseStatus.SUCCESS)
                .setReason(null)
                .setPhysicalResourceId("forged-" + requestId)
                .setStackId(stackId)
                .setLogicalResourceId(CustomResourceRequest.LOGICAL_RESOURCE_ID)
                .setData(Map.of())
                .setNoEcho(false)
                .setDeadline(now.plus(1, ChronoUnit.HOURS))
                .setAttempt(0)
                .setNextAttemptAt(null)
                .setDecidedAt(now)
                .setIntegrationId(null)
                .setLastError(null)
                .build();
    }
}
