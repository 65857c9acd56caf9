package dev.onboarding.cli.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.bridge.ResponseUrlPolicy;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The ResponseURL policy against 10,000 hostile URLs per run (see {@link HostileUrls}), for stacks of several
 * partitions and of unknown regions, with and without the local origin: it never throws, every refusal carries a
 * known reason code and never quotes the URL, and nothing outside the stack region's response bucket (or the
 * exact local origin) is ever allowed, as judged by the URL parsers of two HTTP clients ({@link ResponseTargets}).
 */
class ResponseUrlPolicyFuzzTest {
    static final Set<String> REASON_CODES = Set.of("RESPONSE_URL_MISSING", "RESPONSE_URL_TOO_LONG",
            "RESPONSE_URL_INVALID", "RESPONSE_URL_USER_INFO", "RESPONSE_URL_PATH", "RESPONSE_URL_NOT_HTTPS",
            "RESPONSE_URL_IP_LITERAL", "RESPONSE_URL_PORT", "RESPONSE_URL_REGION", "RESPONSE_URL_HOST");

    private static final ResponseUrlPolicy AWS_ONLY = ResponseUrlPolicy.awsOnly();
    private static final ResponseUrlPolicy WITH_LOCAL = ResponseUrlPolicy.withLocalOrigin(HostileUrls.LOCAL_ORIGIN);

    /** One case: the URL, the stack's region (null when unknown) and whether the local origin is admitted. */
    record Case(String url, String region, boolean local) {
    }

    @Property(tries = 10_000)
    void onlyTheStackRegionsResponseBucketOrTheLocalOriginIsEverAllowed(@ForAll("cases") Case c) {
        ResponseUrlPolicy policy = c.local() ? WITH_LOCAL : AWS_ONLY;

        ResponseUrlPolicy.Verdict verdict = policy.check(c.url(), c.region());
        String forLogs = ResponseUrlPolicy.hostForLogs(c.url());

        Statistics.label("verdict").collect(verdict.allowed() ? "allowed" : "denied");
        if (!forLogs.equals("?")) {
            assertThat(forLogs).as("hostForLogs shows a host only").doesNotContain("/", "?", "#", "@");
        }
        if (verdict.allowed()) {
            assertThat(verdict.reasonCode()).isNull();
            assertThat(ResponseTargets.isLegitimate(c.url(), c.region(),
                    c.local() ? Optional.of(HostileUrls.LOCAL_ORIGIN) : Optional.empty()))
                    .as("allowed, but a client would not reach the response bucket of %s: %s", c.region(), c.url())
                    .isTrue();
        } else {
            assertThat(verdict.reasonCode()).isIn(REASON_CODES);
            assertThat(verdict.reason()).isNotBlank().doesNotContain("X-Amz-Signature");
            if (c.url() != null && c.url().length() >= 12) {
                assertThat(verdict.reason()).as("the reason quotes the URL").doesNotContain(c.url());
            }
        }
        // Both ends must be reached, or the property proves little.
        Statistics.label("verdict").coverage(checker -> {
            checker.check("allowed").percentage(p -> p >= 2.0);
            checker.check("denied").percentage(p -> p >= 50.0);
        });
    }

    @Example
    void aHostLongerThanADnsNameIsRefusedBeforeAnyPatternIsTried() {
        // A host of thousands of digits made the IP-literal pattern backtrack for ~100 ms per check.
        ResponseUrlPolicy.Verdict verdict = AWS_ONLY.check("https://" + "1".repeat(4_000) + "g/x", "us-east-1");

        assertThat(verdict.reasonCode()).isEqualTo("RESPONSE_URL_HOST");
        assertThat(verdict.reason()).contains("longer than a DNS name");
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> regions = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(50, Arbitraries.just("us-east-1")),
                net.jqwik.api.Tuple.of(35, Arbitraries.of("eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1")),
                net.jqwik.api.Tuple.of(15, Arbitraries.of("mars-north-1", "", "US-EAST-1", "us-east-1 ", "<none>")))
                .map(r -> r.equals("<none>") ? null : r);
        return Combinators.combine(regions, Arbitraries.of(true, false))
                .flatAs((region, local) -> HostileUrls.urls(region).map(url -> new Case(url, region, local)));
    }
}
