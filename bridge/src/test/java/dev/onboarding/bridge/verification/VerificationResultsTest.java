package dev.onboarding.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.bridge.ingress.AwsClients;
import dev.onboarding.bridge.ingress.IngressConfig;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.embedded.StsStandIn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

/** Which results a redelivered verification request gets again, against the STS stand-in. */
class VerificationResultsTest {
    private static StsStandIn sts;

    @BeforeAll
    static void start() {
        sts = StsStandIn.start();
    }

    @AfterAll
    static void stop() {
        sts.close();
    }

    @Test
    void aVerifiedResultIsRememberedButARefusalForTheProvidersBudgetIsNot() throws Exception {
        VerificationConfig config = VerificationConfig.from(dev.onboarding.config.Settings.of(Map.of(
                "bridge.sts.endpoint", sts.endpoint().toString(),
                "bridge.verification.rate-per-integration", "1"), Map.of()));
        VerifierMetrics metrics = new VerifierMetrics(new SimpleMeterRegistry());
        try (StsClient client = RoleVerifier.stsClient(config, AwsClients.credentials(Optional.of(
                new IngressConfig.StaticCredentials("test", "test"))));
                RoleVerifier verifier = new RoleVerifier(client, config, Clock.systemUTC(), metrics)) {
            VerificationResults results = new VerificationResults(verifier, 100, metrics);
            String integration = "int-" + UUID.randomUUID();
            RoleVerificationRequest first = RoleVerificationRequest.newBuilder(RoleVerifierTest.request(
                    RoleVerifierTest.randomAccount(), "ProviderReadOnly")).setIntegrationId(integration).build();
            RoleVerificationRequest second = RoleVerificationRequest.newBuilder(RoleVerifierTest.request(
                    RoleVerifierTest.randomAccount(), "ProviderReadOnly")).setIntegrationId(integration).build();
            sts.trust(first.getRoleArn(), first.getExternalId());
            sts.trust(second.getRoleArn(), second.getExternalId());

            assertThat(results.resultOf(first).get(30, TimeUnit.SECONDS).getVerification().getOutcome())
                    .isEqualTo(RoleVerificationOutcome.VERIFIED);
            assertThat(results.resultOf(second).get(30, TimeUnit.SECONDS).getVerification().getErrorCode())
                    .isEqualTo(RoleVerifier.RATE_LIMITED);
            double deduplicated = metrics.registry().counter("bridge.verification.deduplicated").count();

            results.resultOf(first).get(30, TimeUnit.SECONDS);
            assertThat(metrics.registry().counter("bridge.verification.deduplicated").count())
                    .as("the verified result again, remembered").isEqualTo(deduplicated + 1);
            assertThat(results.resultOf(second).get(30, TimeUnit.SECONDS).getVerification().getErrorCode())
                    .as("asked anew: the budget is still spent").isEqualTo(RoleVerifier.RATE_LIMITED);
            assertThat(metrics.registry().counter("bridge.verification.deduplicated").count())
                    .as("the refusal was not remembered").isEqualTo(deduplicated + 1);
        }
    }
}
