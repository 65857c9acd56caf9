package dev.onboarding.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseUrlPolicyTest {
    private static final String KEY = "/arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123456789012%3Astack/s/1%7CNotify%7Cabc"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00ff";
    private final ResponseUrlPolicy policy = ResponseUrlPolicy.awsOnly();

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com, eu-west-1",
            "https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com, eu-west-1",
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com, us-east-1",
            "https://CloudFormation-Custom-Resource-Response-UsEast1.S3.AmazonAWS.com, us-east-1",
            "https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1, eu-west-1",
            "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn, cn-north-1",
            "https://cloudformation-custom-resource-response-usgovwest1.s3.us-gov-west-1.amazonaws.com, us-gov-west-1",
            "https://cloudformation-custom-resource-response-usisoeast1.s3.us-iso-east-1.c2s.ic.gov, us-iso-east-1",
            "https://cloudformation-custom-resource-response-euscdeeast1.s3.eusc-de-east-1.amazonaws.eu, eusc-de-east-1",
    })
    void allowsTheResponseBucketOfTheStacksRegion(String origin, String region) {
        String url = origin + KEY;
        assertThat(policy.check(url, region).allowed()).as(url).isTrue();
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource({
            // another bucket, another region, look-alike hosts
            "https://my-bucket.s3.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-euwest1.s3.us-east-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com.evil.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://evilcloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://x.cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.co/x, eu-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-euwest1.evil.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_HOST",
            "https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1-evil/x, eu-west-1, RESPONSE_URL_HOST",
            "https://s3.eu-west-1.amazonaws.com/other-bucket/cloudformation-custom-resource-response-euwest1/x, eu-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com./x, eu-west-1, RESPONSE_URL_HOST",
            // partitions: the commercial global endpoint is not GovCloud's; an ISO bucket name on commercial S3 could be anyone's
            "https://cloudformation-custom-resource-response-usgovwest1.s3.amazonaws.com/x, us-gov-west-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-usisoeast1.s3.amazonaws.com/x, us-iso-east-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-usisoeast1.s3.us-iso-east-1.amazonaws.com/x, us-iso-east-1, RESPONSE_URL_HOST",
            "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com/x, cn-north-1, RESPONSE_URL_HOST",
            // dot segments would leave the bucket after normalisation
            "https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1/../evil/x, eu-west-1, RESPONSE_URL_PATH",
            "https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1/%2E%2e/evil/x, eu-west-1, RESPONSE_URL_PATH",
            // IP literals in every spelling
            "https://52.218.1.1/x, eu-west-1, RESPONSE_URL_IP_LITERAL",
            "https://[::1]/x, eu-west-1, RESPONSE_URL_IP_LITERAL",
            "https://[fd00:ec2::254]/x, eu-west-1, RESPONSE_URL_IP_LITERAL",
            "https://2130706433/x, eu-west-1, RESPONSE_URL_IP_LITERAL",
            "https://0x7f000001/x, eu-west-1, RESPONSE_URL_IP_LITERAL",
            "https://169.254.169.254/latest/meta-data, eu-west-1, RESPONSE_URL_IP_LITERAL",
            // scheme, user info, ports
            "http://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_NOT_HTTPS",
            "ftp://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_NOT_HTTPS",
            "https://user:pw@cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x, eu-west-1, RESPONSE_URL_USER_INFO",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com@evil.com/x, eu-west-1, RESPONSE_URL_USER_INFO",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com:8443/x, eu-west-1, RESPONSE_URL_PORT",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com:443/x, eu-west-1, RESPONSE_URL_PORT",
            // malformed
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x#frag, eu-west-1, RESPONSE_URL_INVALID",
            "https://exa mple.com/x, eu-west-1, RESPONSE_URL_INVALID",
            "/relative/path, eu-west-1, RESPONSE_URL_INVALID",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x, mars-north-1, RESPONSE_URL_REGION",
    })
    void deniesEverythingElse(String url, String region, String code) {
        ResponseUrlPolicy.Verdict verdict = policy.check(url, region);
        assertThat(verdict.allowed()).as(url).isFalse();
        assertThat(verdict.reasonCode()).as(url).isEqualTo(code);
        assertThat(verdict.reason()).doesNotContain("/x").doesNotContain("evil");
    }

    @Test
    void deniesMissingAndOverlongUrls() {
        assertThat(policy.check(null, "eu-west-1").reasonCode()).isEqualTo("RESPONSE_URL_MISSING");
        assertThat(policy.check(" ", "eu-west-1").reasonCode()).isEqualTo("RESPONSE_URL_MISSING");
        String longUrl = "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/"
                + "a".repeat(ResponseUrlPolicy.MAX_LENGTH);
        assertThat(policy.check(longUrl, "eu-west-1").reasonCode()).isEqualTo("RESPONSE_URL_TOO_LONG");
        assertThat(policy.check("https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x",
                null).reasonCode()).isEqualTo("RESPONSE_URL_REGION");
    }

    @Test
    void admitsExactlyTheConfiguredLocalOrigin() {
        ResponseUrlPolicy local = ResponseUrlPolicy.withLocalOrigin("http://127.0.0.1:4566");
        assertThat(local.check("http://127.0.0.1:4566/responses/abc?sig=1", "eu-west-1").allowed()).isTrue();
        assertThat(local.check("http://127.0.0.1:4567/responses/abc", "eu-west-1").reasonCode())
                .isEqualTo("RESPONSE_URL_NOT_HTTPS");
        assertThat(local.check("https://127.0.0.1:4566/responses/abc", "eu-west-1").reasonCode())
                .isEqualTo("RESPONSE_URL_IP_LITERAL");
        assertThat(local.check("http://localhost:4566/responses/abc", "eu-west-1").allowed()).isFalse();
        assertThat(local.check("http://u@127.0.0.1:4566/responses/abc", "eu-west-1").reasonCode())
                .isEqualTo("RESPONSE_URL_USER_INFO");
        // The AWS buckets stay allowed.
        assertThat(local.check("https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x",
                "eu-west-1").allowed()).isTrue();
        assertThat(ResponseUrlPolicy.of(Optional.empty()).check("http://127.0.0.1:4566/x", "eu-west-1").allowed())
                .isFalse();
    }

    @Test
    void localOriginMustBeALoopbackOriginOnly() {
        assertThatThrownBy(() -> ResponseUrlPolicy.withLocalOrigin("http://example.com:8080"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseUrlPolicy.withLocalOrigin("http://127.0.0.1:8080/path"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseUrlPolicy.withLocalOrigin("http://127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseUrlPolicy.withLocalOrigin("file://127.0.0.1:80"))
                .isInstanceOf(IllegalArgumentException.class);
        // only a loopback IP literal or localhost: a name that merely starts like 127. resolves anywhere
        for (String notLoopback : List.of("http://127.attacker.example:8080", "http://127.0.0.1.nip.io:8080",
                "http://127.0.0.256:8080", "http://127.1:8080", "http://localhost.attacker.example:8080")) {
            assertThatThrownBy(() -> ResponseUrlPolicy.withLocalOrigin(notLoopback)).as(notLoopback)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String loopback : List.of("http://127.0.0.1:8080", "http://127.10.20.30:8080", "http://localhost:8080",
                "http://[::1]:8080")) {
            assertThat(ResponseUrlPolicy.withLocalOrigin(loopback)).as(loopback).isNotNull();
        }
    }

    @Test
    void logsShowTheHostOnly() {
        assertThat(ResponseUrlPolicy.hostForLogs(
                "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com" + KEY))
                .isEqualTo("cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com");
        assertThat(ResponseUrlPolicy.hostForLogs("not a url")).isEqualTo("?");
    }
}
