package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryPreflightTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String GOOD_URL = "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1"
            + ".amazonaws.com/arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123%7Cx%7Cy?X-Amz-Signature=abc";
    private final DeliveryPreflight preflight = new DeliveryPreflight(ResponseUrlPolicy.awsOnly());

    private static CfnResponse.Builder response() {
        return CloudFormationResponseBodyTest.response(ResponseStatus.SUCCESS).setResponseUrl(GOOD_URL)
                .setDeadline(NOW.plusSeconds(3600));
    }

    @Test
    void aValidResponseIsSentToItsUrl() {
        DeliveryPreflight.Plan plan = preflight.check(response().build(), NOW);
        assertThat(plan).isInstanceOf(DeliveryPreflight.Send.class);
        assertThat(((DeliveryPreflight.Send) plan).url().toString()).isEqualTo(GOOD_URL);
        assertThat(((DeliveryPreflight.Send) plan).body()).isNotEmpty();
    }

    @Test
    void nothingIsSentOnceTheDeadlineHasPassed() {
        assertThat(refusal(response().setDeadline(NOW).setLastError("HTTP 503").build()))
                .satisfies(g -> assertThat(g.reasonCode()).isEqualTo(DeliveryOutcome.GiveUp.DEADLINE_PASSED))
                .satisfies(g -> assertThat(g.reason()).contains("HTTP 503"));
    }

    @Test
    void theUrlPolicyIsAppliedAgainWithTheStacksRegion() {
        assertThat(refusal(response().setResponseUrl("https://evil.example.com/x").build()).reasonCode())
                .isEqualTo("RESPONSE_URL_HOST");
        assertThat(refusal(response().setResponseUrl("http://169.254.169.254/latest/meta-data").build()).reasonCode())
                .isEqualTo("RESPONSE_URL_NOT_HTTPS");
        // A URL for another region than the stack's is refused.
        assertThat(refusal(response().setStackId("arn:aws:cloudformation:us-east-1:123456789012:stack/s/id").build())
                .reasonCode()).isEqualTo("RESPONSE_URL_HOST");
        assertThat(refusal(response().setStackId("not-an-arn").build()).reasonCode()).isEqualTo("RESPONSE_URL_REGION");
    }

    @Test
    void reasonsNeverRepeatTheUrl() {
        DeliveryOutcome.GiveUp giveUp = refusal(response().setResponseUrl("https://evil.example.com/secret?sig=1")
                .build());
        assertThat(giveUp.reason()).doesNotContain("secret").doesNotContain("sig=1");
    }

    @Test
    void aResponseThatCannotMakeAValidBodyIsRefused() {
        assertThat(refusal(response().setPhysicalResourceId("").build()).reasonCode())
                .isEqualTo(DeliveryOutcome.GiveUp.INVALID_RESPONSE);
    }

    @Test
    void readsTheRegionOfAStackArnInEveryPartition() {
        assertThat(DeliveryPreflight.stackRegion("arn:aws:cloudformation:eu-west-1:1:stack/a/b"))
                .isEqualTo("eu-west-1");
        assertThat(DeliveryPreflight.stackRegion("arn:aws-cn:cloudformation:cn-north-1:1:stack/a/b"))
                .isEqualTo("cn-north-1");
        assertThat(DeliveryPreflight.stackRegion("arn:aws:s3:eu-west-1:1:stack/a/b")).isNull();
        assertThat(DeliveryPreflight.stackRegion(null)).isNull();
    }

    private DeliveryOutcome.GiveUp refusal(CfnResponse response) {
        DeliveryPreflight.Plan plan = preflight.check(response, NOW);
        assertThat(plan).isInstanceOf(DeliveryPreflight.Refuse.class);
        return ((DeliveryPreflight.Refuse) plan).giveUp();
    }
}
