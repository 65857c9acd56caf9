package dev.onboarding.bridge.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.embedded.StsStandIn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

class RoleVerifierTest {
    private static final String REGION = "eu-west-1";
    private static StsStandIn sts;

    private final IngressMetrics metrics = new IngressMetrics(new SimpleMeterRegistry());
    private final CallbackParser parser = new CallbackParser(ResponseUrlPolicy.awsOnly(), Duration.ofHours(1));
    private StsClient client;
    private RoleVerifier verifier;

    @BeforeAll
    static void startSts() {
        sts = StsStandIn.start();
    }

    @AfterAll
    static void stopSts() {
        sts.close();
    }

    @AfterEach
    void close() {
        if (verifier != null) {
            verifier.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aRoleDeniedTwiceThenAllowedIsVerified() throws Exception {
        verifier = verifier(config(Duration.ofSeconds(20), 16, 100, 10));
        CfnCallback callback = callback();
        sts.trust(callback.getRoleArn(), callback.getExternalId());
        sts.denyNext(callback.getRoleArn(), 2);

        RoleVerification result = verifier.verify(callback).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(3);
        assertThat(result.getVerifiedAt()).isNotNull();
        List<StsStandIn.AssumeRoleCall> calls = calls(callback.getRoleArn());
        assertThat(calls).hasSize(3).allSatisfy(call -> {
            assertThat(call.externalId()).isEqualTo(callback.getExternalId());
            assertThat(call.roleSessionName()).isEqualTo("onboarding-role-check");
            assertThat(call.durationSeconds()).isEqualTo(900);
        });
        assertThat(metrics.registry().counter("bridge.ingress.verifications", "outcome", "VERIFIED").count())
                .isEqualTo(1);
    }

    @Test
    void aRoleAlwaysDeniedIsDeniedWithinTheBound() throws Exception {
        Duration bound = Duration.ofSeconds(2);
        verifier = verifier(config(bound, 16, 100, 10));
        CfnCallback callback = callback(); // never trusted

        long start = System.nanoTime();
        RoleVerification result = verifier.verify(callback).get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.DENIED);
        assertThat(result.getErrorCode()).isEqualTo("AccessDenied");
        assertThat(result.getAttempts()).isGreaterThan(2).isEqualTo(sts.assumeRoleCalls(callback.getRoleArn()));
        // The last attempt is made at the bound, then the answer is given: at most one attempt (5 s timeout) late.
        assertThat(took).isGreaterThanOrEqualTo(bound).isLessThan(bound.plusSeconds(5 + 2));
    }

    @Test
    void serverErrorsAndThrottlingAreRetried() throws Exception {
        verifier = verifier(config(Duration.ofSeconds(20), 16, 100, 10));
        CfnCallback callback = callback();
        sts.trust(callback.getRoleArn(), callback.getExternalId());
        sts.failNext(callback.getRoleArn(), 1, 500, "InternalFailure");
        sts.failNext(callback.getRoleArn(), 1, 400, "Throttling");

        RoleVerification result = verifier.verify(callback).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(3);
    }

    @Test
    void otherErrorsEndTheVerificationAtOnce() throws Exception {
        verifier = verifier(config(Duration.ofSeconds(20), 16, 100, 10));
        CfnCallback callback = callback();
        sts.trust(callback.getRoleArn(), callback.getExternalId());
        sts.failNext(callback.getRoleArn(), 1, 400, "ValidationError");

        RoleVerification result = verifier.verify(callback).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(result.getErrorCode()).isEqualTo("ValidationError");
        assertThat(result.getAttempts()).isEqualTo(1);
    }

    @Test
    void aRoleBeingRetriedHoldsUpNoOtherVerification() throws Exception {
        // One STS call at a time: retries must wait on a timer, not on that one thread.
        verifier = verifier(config(Duration.ofSeconds(6), 1, 100, 10));
        CfnCallback slow = callback();
        CfnCallback fast = callback();
        sts.trust(fast.getRoleArn(), fast.getExternalId());

        CompletableFuture<RoleVerification> slowResult = verifier.verify(slow);
        RoleVerification fastResult = verifier.verify(fast).get(5, TimeUnit.SECONDS);

        assertThat(fastResult.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(slowResult).isNotDone();
        assertThat(slowResult.get(30, TimeUnit.SECONDS).getOutcome()).isEqualTo(RoleVerificationOutcome.DENIED);
    }

    @Test
    void oneAccountsCallsAreRateLimited() throws Exception {
        verifier = verifier(config(Duration.ofSeconds(20), 16, 100, 1));
        String account = randomAccount();
        CfnCallback first = callback(account, "RoleOne");
        CfnCallback second = callback(account, "RoleTwo");
        CfnCallback otherAccount = callback();
        for (CfnCallback c : List.of(first, second, otherAccount)) {
            sts.trust(c.getRoleArn(), c.getExternalId());
        }

        Instant start = Instant.now();
        CompletableFuture<RoleVerification> a = verifier.verify(first);
        CompletableFuture<RoleVerification> b = verifier.verify(second);
        CompletableFuture<RoleVerification> c = verifier.verify(otherAccount);
        CompletableFuture.allOf(a, b, c).get(30, TimeUnit.SECONDS);

        assertThat(List.of(a.get(), b.get(), c.get())).extracting(RoleVerification::getOutcome)
                .containsOnly(RoleVerificationOutcome.VERIFIED);
        // One call per second for the account: the second call cannot leave before its slot, a second in.
        // (That other accounts are not held up is shown deterministically in StsCallLimitsTest.)
        StsStandIn.AssumeRoleCall two = calls(second.getRoleArn()).get(0);
        assertThat(Duration.between(start, two.receivedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(990));
    }

    @Test
    void aCallThatHangsIsCutAtTheAttemptTimeoutAndRetried() throws Exception {
        Duration attemptTimeout = Duration.ofMillis(500);
        verifier = verifier(new IngressConfig.Verification("us-east-1",
                Optional.of(URI.create(sts.endpoint().toString())), "onboarding-role-check", Duration.ofSeconds(20),
                Duration.ofMillis(100), Duration.ofMillis(200), attemptTimeout, 4, 2, 100, 10));
        CfnCallback callback = callback();
        sts.trust(callback.getRoleArn(), callback.getExternalId());
        Duration hang = Duration.ofSeconds(6);
        sts.delayNext(callback.getRoleArn(), 1, hang);

        long start = System.nanoTime();
        RoleVerification result = verifier.verify(callback).get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(2);
        assertThat(sts.assumeRoleCalls(callback.getRoleArn())).isEqualTo(2);
        assertThat(took).as("the hanging answer was not waited for").isLessThan(hang);
    }

    @Test
    void rolesOfAnotherPartitionAreNotSentToThisSts() throws Exception {
        IngressConfig.Verification production = new IngressConfig.Verification("us-east-1", Optional.empty(),
                "onboarding-role-check", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofSeconds(2), 4, 2, 100, 10);
        verifier = new RoleVerifier(StsClient.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
                .build(), production, Clock.systemUTC(), metrics);
        CfnCallback china = CfnCallback.newBuilder(callback()).setPartition("aws-cn").build();

        RoleVerification result = verifier.verify(china).get(5, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(result.getErrorCode()).isEqualTo("PartitionNotServed");
        assertThat(result.getAttempts()).isZero();
    }

    private RoleVerifier verifier(IngressConfig.Verification config) {
        client = AwsClients.sts(config, AwsClients.credentials(Optional.of(
                new IngressConfig.StaticCredentials("test", "test"))));
        return new RoleVerifier(client, config, Clock.systemUTC(), metrics);
    }

    private static IngressConfig.Verification config(Duration bound, int concurrency, int rate, int ratePerAccount) {
        return new IngressConfig.Verification("us-east-1", Optional.of(URI.create(sts.endpoint().toString())),
                "onboarding-role-check", bound, Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofSeconds(5), concurrency, Math.min(2, concurrency), rate, ratePerAccount);
    }

    private CfnCallback callback() {
        return callback(randomAccount(), "ProviderReadOnly");
    }

    private CfnCallback callback(String account, String roleName) {
        ObjectNode create = CfnRequests.create(REGION, account,
                "onb-" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 32), roleName);
        return ((ParsedCallback) parser.parse(CfnRequests.message(REGION, create.toString()))).callback();
    }

    private static List<StsStandIn.AssumeRoleCall> calls(String roleArn) {
        return sts.calls().stream().filter(c -> roleArn.equals(c.roleArn())).toList();
    }

    private static String randomAccount() {
        return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }
}
