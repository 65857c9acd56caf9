package dev.onboarding.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.bridge.ingress.AwsClients;
import dev.onboarding.bridge.ingress.IngressConfig;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.ExternalIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The role checks against the STS stand-in's trust policies. */
class RoleVerifierTest {
    private static StsStandIn sts;

    private final VerifierMetrics metrics = new VerifierMetrics(new SimpleMeterRegistry());
    private StsClient client;
    private OrganizationsClient organizationsClient;
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
        if (organizationsClient != null) {
            organizationsClient.close();
        }
    }

    @Test
    void aRoleThatRequiresTheExternalIdIsVerifiedByThreeCallsThatDifferInTheExternalIdAlone() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), request.getExternalId());

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(3);
        List<StsStandIn.AssumeRoleCall> calls = calls(request.getRoleArn());
        assertThat(calls).hasSize(3).allSatisfy(call -> {
            assertThat(call.roleSessionName()).isEqualTo("onboarding-role-check");
            assertThat(call.durationSeconds()).isEqualTo(900);
        });
        assertThat(calls.get(0).externalId()).isEqualTo(request.getExternalId());
        assertThat(calls.get(0).errorCode()).isNull();
        assertThat(calls.get(1).externalId()).as("no ExternalId at all").isNull();
        assertThat(calls.get(1).errorCode()).isEqualTo("AccessDenied");
        String decoy = calls.get(2).externalId();
        assertThat(decoy).as("a fresh ID of the minted shape").isNotEqualTo(request.getExternalId())
                .startsWith(ExternalIds.PREFIX).hasSameSizeAs(request.getExternalId());
        assertThat(ExternalIds.isMintedFormat(decoy)).isTrue();
        assertThat(calls.get(2).errorCode()).isEqualTo("AccessDenied");
        assertThat(metrics.registry().counter(VerifierMetrics.RESULTS, "outcome", "VERIFIED", "checks", "FULL")
                .count()).isEqualTo(1);
    }

    @Test
    void aMemberOfAnOrganizationIsNeverVerifiedWithoutItsOrganizationChecked() throws Exception {
        VerificationConfig config = config("20s", 16, 100, 10);
        client = RoleVerifier.stsClient(config, AwsClients.credentials(Optional.of(
                new IngressConfig.StaticCredentials("test", "test"))));
        verifier = new RoleVerifier(client, config, Clock.systemUTC(), metrics); // no Organizations client
        RoleVerificationRequest request = RoleVerificationRequest.newBuilder(request())
                .setExpectedOrganizationId("o-a1b2c3d4e5").build();
        sts.trust(request.getRoleArn(), request.getExternalId());

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ORGANIZATION_MISMATCH);
        assertThat(result.getErrorCode()).isEqualTo(RoleVerifier.ORGANIZATION_CHECK_UNAVAILABLE);
    }

    @Test
    void aMemberWhoseRoleSeesTheExpectedOrganizationIsVerifiedWithDescribeOrganizationMadeWithTheRolesCredentials()
            throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = member("o-a1b2c3d4e5");
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.organizations().join(request.getAccountId(), "o-a1b2c3d4e5");

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        // The stand-in answers only credentials it issued for that account's role: these were the assumed role's.
        assertThat(sts.organizations().describeOrganizationCalls(request.getAccountId())).isEqualTo(1);
        assertThat(result.getAttempts()).isEqualTo(4);
        assertThat(calls(request.getRoleArn())).extracting(StsStandIn.AssumeRoleCall::errorCode)
                .containsExactly(null, "AccessDenied", "AccessDenied");
    }

    @Test
    void aMemberOfAnotherOrganizationIsAMismatchAndCostsNoDeniedCall() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = member("o-a1b2c3d4e5");
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.organizations().join(request.getAccountId(), "o-zzzzzzzzzz");

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ORGANIZATION_MISMATCH);
        assertThat(result.getErrorCode()).isEqualTo(RoleVerifier.OTHER_ORGANIZATION);
        assertThat(result.getErrorMessage()).contains("o-zzzzzzzzzz");
        assertThat(sts.assumeRoleCalls(request.getRoleArn())).as("only the call with the external ID").isEqualTo(1);
    }

    @Test
    void anAccountInNoOrganizationIsRefused() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = member("o-a1b2c3d4e5");
        sts.trust(request.getRoleArn(), request.getExternalId());

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ORGANIZATION_MISMATCH);
        assertThat(result.getErrorCode()).isEqualTo(RoleVerifier.NOT_IN_ORGANIZATION);
        assertThat(sts.organizations().describeOrganizationCalls(request.getAccountId())).isEqualTo(1);
    }

    @Test
    void aReVerificationOfAMemberChecksItsOrganizationAgain() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = RoleVerificationRequest.newBuilder(member("o-a1b2c3d4e5"))
                .setChecks(RoleCheckKind.POSITIVE_ONLY).build();
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.organizations().join(request.getAccountId(), "o-a1b2c3d4e5");

        assertThat(verifier.verify(request).get(30, TimeUnit.SECONDS).getOutcome())
                .isEqualTo(RoleVerificationOutcome.VERIFIED);
        sts.organizations().leave(request.getAccountId());
        RoleVerification left = verifier.verify(RoleVerificationRequest.newBuilder(request)
                .setVerificationId(UUID.randomUUID().toString()).build()).get(30, TimeUnit.SECONDS);

        assertThat(left.getOutcome()).isEqualTo(RoleVerificationOutcome.ORGANIZATION_MISMATCH);
        assertThat(sts.assumeRoleCalls(request.getRoleArn())).isEqualTo(2);
    }

    @Test
    void aRoleTrustingSeveralExactIdsIsVerified() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), new ExternalIds().mint());
        sts.trust(request.getRoleArn(), request.getExternalId());

        assertThat(verifier.verify(request).get(30, TimeUnit.SECONDS).getOutcome())
                .isEqualTo(RoleVerificationOutcome.VERIFIED);
    }

    @Test
    void aRoleTrustingTheProviderWithoutAConditionDoesNotRequireTheExternalId() throws Exception {
        assertTrustsWithoutExternalId(StsStandIn.Condition.NONE, null, "AssumedWithoutExternalId");
    }

    @Test
    void aRoleTrustingAWildcardDoesNotRequireTheExternalId() throws Exception {
        assertTrustsWithoutExternalId(StsStandIn.Condition.STRING_LIKE, "*", "AssumedWithOtherExternalId");
    }

    @Test
    void aRoleTrustingTheExternalIdOnlyIfOneIsGivenDoesNotRequireIt() throws Exception {
        assertTrustsWithoutExternalId(StsStandIn.Condition.STRING_EQUALS_IF_EXISTS, null, "AssumedWithoutExternalId");
    }

    private void assertTrustsWithoutExternalId(StsStandIn.Condition condition, String value, String code)
            throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), condition, value == null ? request.getExternalId() : value);

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
        assertThat(result.getErrorCode()).isEqualTo(code);
    }

    @Test
    void onlyAccessDeniedCountsAsDeniedThrottlingOrServerErrorsOnANegativeCheckEndAsError() throws Exception {
        verifier = verifier(config("2s", 16, 100, 10));
        RoleVerificationRequest throttled = request();
        sts.trust(throttled.getRoleArn(), throttled.getExternalId());
        sts.delayNext(throttled.getRoleArn(), 1, Duration.ZERO); // the call with the ID is answered as usual
        sts.failNext(throttled.getRoleArn(), 1_000, 400, "Throttling");
        RoleVerificationRequest failing = request();
        sts.trust(failing.getRoleArn(), failing.getExternalId());
        sts.delayNext(failing.getRoleArn(), 1, Duration.ZERO);
        sts.failNext(failing.getRoleArn(), 1_000, 500, "InternalFailure");

        RoleVerification a = verifier.verify(throttled).get(30, TimeUnit.SECONDS);
        RoleVerification b = verifier.verify(failing).get(30, TimeUnit.SECONDS);

        assertThat(a.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(a.getErrorCode()).isEqualTo("Throttling");
        assertThat(a.getAttempts()).isGreaterThan(2);
        assertThat(b.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(b.getErrorCode()).isEqualTo("InternalFailure");
    }

    @Test
    void aNegativeCheckThrottledOnceIsRetriedAndThenCounts() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.delayNext(request.getRoleArn(), 1, Duration.ZERO);
        sts.failNext(request.getRoleArn(), 1, 400, "Throttling");

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(4);
    }

    @Test
    void aReVerificationMakesThePositiveCallOnly() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = RoleVerificationRequest.newBuilder(request())
                .setChecks(RoleCheckKind.POSITIVE_ONLY).setRequestId(null).build();
        sts.trust(request.getRoleArn(), StsStandIn.Condition.NONE, null);

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(calls(request.getRoleArn())).singleElement()
                .satisfies(call -> assertThat(call.externalId()).isEqualTo(request.getExternalId()));
    }

    @Test
    void aReVerificationDeniedIsDeniedAtOnceWithOneCall() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = RoleVerificationRequest.newBuilder(request())
                .setChecks(RoleCheckKind.POSITIVE_ONLY).setRequestId(null).build();
        // No trust: the role was deleted since it connected.

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.DENIED);
        assertThat(result.getErrorCode()).isEqualTo("AccessDenied");
        assertThat(calls(request.getRoleArn())).as("one denial in the customer's CloudTrail, not one per retry")
                .hasSize(1);
    }

    @Test
    void aRoleDeniedTwiceThenAllowedIsVerified() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.denyNext(request.getRoleArn(), 2);

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(5);
        assertThat(result.getVerifiedAt()).isNotNull();
        List<StsStandIn.AssumeRoleCall> withId = calls(request.getRoleArn()).stream()
                .filter(c -> request.getExternalId().equals(c.externalId())).toList();
        assertThat(withId).hasSize(3).allSatisfy(call -> {
            assertThat(call.roleSessionName()).isEqualTo("onboarding-role-check");
            assertThat(call.durationSeconds()).isEqualTo(900);
        });
    }

    @Test
    void aRoleAlwaysDeniedIsDeniedWithinTheBound() throws Exception {
        Duration bound = Duration.ofSeconds(2);
        verifier = verifier(config("2s", 16, 100, 10));
        RoleVerificationRequest request = request(); // never trusted

        long start = System.nanoTime();
        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.DENIED);
        assertThat(result.getErrorCode()).isEqualTo("AccessDenied");
        assertThat(result.getAttempts()).isGreaterThan(2).isEqualTo(sts.assumeRoleCalls(request.getRoleArn()));
        // The last attempt is made at the bound, then the answer is given: at most one attempt (5 s timeout) late.
        assertThat(took).isGreaterThanOrEqualTo(bound).isLessThan(bound.plusSeconds(5 + 2));
    }

    @Test
    void serverErrorsAndThrottlingAreRetried() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.failNext(request.getRoleArn(), 1, 500, "InternalFailure");
        sts.failNext(request.getRoleArn(), 1, 400, "Throttling");

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(5);
    }

    @Test
    void otherErrorsEndTheVerificationAtOnce() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), request.getExternalId());
        sts.failNext(request.getRoleArn(), 1, 400, "ValidationError");

        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(result.getErrorCode()).isEqualTo("ValidationError");
        assertThat(result.getAttempts()).isEqualTo(1);
    }

    @Test
    void aRoleBeingRetriedHoldsUpNoOtherVerification() throws Exception {
        // One STS call at a time: retries must wait on a timer, not on that one thread.
        verifier = verifier(config("6s", 1, 100, 10));
        RoleVerificationRequest slow = request();
        RoleVerificationRequest fast = request();
        sts.trust(fast.getRoleArn(), fast.getExternalId());

        CompletableFuture<RoleVerification> slowResult = verifier.verify(slow);
        RoleVerification fastResult = verifier.verify(fast).get(5, TimeUnit.SECONDS);

        assertThat(fastResult.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(slowResult).isNotDone();
        assertThat(slowResult.get(30, TimeUnit.SECONDS).getOutcome()).isEqualTo(RoleVerificationOutcome.DENIED);
    }

    @Test
    void oneAccountsCallsAreRateLimited() throws Exception {
        verifier = verifier(config("20s", 16, 100, 1));
        String account = randomAccount();
        RoleVerificationRequest first = request(account, "RoleOne");
        RoleVerificationRequest second = request(account, "RoleTwo");
        RoleVerificationRequest otherAccount = request();
        for (RoleVerificationRequest r : List.of(first, second, otherAccount)) {
            sts.trust(r.getRoleArn(), r.getExternalId());
        }

        Instant start = Instant.now();
        CompletableFuture<RoleVerification> a = verifier.verify(first);
        CompletableFuture<RoleVerification> b = verifier.verify(second);
        CompletableFuture<RoleVerification> c = verifier.verify(otherAccount);
        CompletableFuture.allOf(a, b, c).get(30, TimeUnit.SECONDS);

        assertThat(List.of(a.get(), b.get(), c.get())).extracting(RoleVerification::getOutcome)
                .containsOnly(RoleVerificationOutcome.VERIFIED);
        // One call per second for the account: six calls cannot all leave before five seconds have passed.
        // (That other accounts are not held up is shown deterministically in StsCallLimitsTest.)
        Instant last = calls(second.getRoleArn()).get(2).receivedAt()
                .isAfter(calls(first.getRoleArn()).get(2).receivedAt()) ? calls(second.getRoleArn()).get(2).receivedAt()
                : calls(first.getRoleArn()).get(2).receivedAt();
        assertThat(Duration.between(start, last)).isGreaterThanOrEqualTo(Duration.ofMillis(4_990));
        assertThat(Duration.between(start, calls(otherAccount.getRoleArn()).get(2).receivedAt()))
                .isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void oneIntegrationStartsABoundedNumberOfVerifications() throws Exception {
        verifier = verifier(config(Map.of("bridge.verification.max-duration", "20s",
                "bridge.verification.rate-per-integration", "4")));
        String integration = "int-" + UUID.randomUUID();
        List<CompletableFuture<RoleVerification>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RoleVerificationRequest request = RoleVerificationRequest.newBuilder(request())
                    .setIntegrationId(integration).build();
            sts.trust(request.getRoleArn(), request.getExternalId());
            results.add(verifier.verify(request));
        }
        RoleVerificationRequest another = request();
        sts.trust(another.getRoleArn(), another.getExternalId());

        assertThat(verifier.verify(another).get(30, TimeUnit.SECONDS).getOutcome())
                .isEqualTo(RoleVerificationOutcome.VERIFIED);
        // Four a minute, half of them at once: the third and later are refused at once, with no STS call.
        List<RoleVerification> done = results.stream().map(CompletableFuture::join).toList();
        assertThat(done).extracting(RoleVerification::getOutcome).containsExactly(RoleVerificationOutcome.VERIFIED,
                RoleVerificationOutcome.VERIFIED, RoleVerificationOutcome.ERROR, RoleVerificationOutcome.ERROR,
                RoleVerificationOutcome.ERROR);
        assertThat(done.get(4).getErrorCode()).isEqualTo(RoleVerifier.RATE_LIMITED);
        assertThat(done.get(4).getAttempts()).isZero();
    }

    @Test
    void aCallThatHangsIsCutAtTheAttemptTimeoutAndRetried() throws Exception {
        Duration attemptTimeout = Duration.ofMillis(500);
        verifier = verifier(config(Map.of("bridge.verification.max-duration", "20s",
                "bridge.verification.initial-backoff", "100ms", "bridge.verification.max-backoff", "200ms",
                "bridge.verification.attempt-timeout", "500ms", "bridge.verification.max-concurrency", "4")));
        RoleVerificationRequest request = request();
        sts.trust(request.getRoleArn(), request.getExternalId());
        Duration hang = Duration.ofSeconds(6);
        sts.delayNext(request.getRoleArn(), 1, hang);

        long start = System.nanoTime();
        RoleVerification result = verifier.verify(request).get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.VERIFIED);
        assertThat(result.getAttempts()).isEqualTo(4);
        assertThat(sts.assumeRoleCalls(request.getRoleArn())).isEqualTo(4);
        assertThat(took).as("the hanging answer was not waited for").isLessThan(hang);
        assertThat(attemptTimeout).isLessThan(hang);
    }

    @Test
    void rolesOfAnotherPartitionAreNotSentToThisSts() throws Exception {
        VerificationConfig production = VerificationConfig.from(Settings.of(Map.of(), Map.of()));
        verifier = new RoleVerifier(StsClient.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
                .build(), production, Clock.systemUTC(), metrics);
        RoleVerificationRequest china = RoleVerificationRequest.newBuilder(request()).setPartition("aws-cn").build();

        RoleVerification result = verifier.verify(china).get(5, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(result.getErrorCode()).isEqualTo("PartitionNotServed");
        assertThat(result.getAttempts()).isZero();
    }

    @Test
    void aRequestWhoseDeadlinePassedCostsNoStsCall() throws Exception {
        verifier = verifier(config("20s", 16, 100, 10));
        RoleVerificationRequest late = RoleVerificationRequest.newBuilder(request())
                .setDeadline(Instant.now().minusSeconds(1)).build();
        sts.trust(late.getRoleArn(), late.getExternalId());

        RoleVerification result = verifier.verify(late).get(5, TimeUnit.SECONDS);

        assertThat(result.getOutcome()).isEqualTo(RoleVerificationOutcome.ERROR);
        assertThat(result.getErrorCode()).isEqualTo("DeadlinePassed");
        assertThat(sts.assumeRoleCalls(late.getRoleArn())).isZero();
    }

    private RoleVerifier verifier(VerificationConfig config) {
        client = RoleVerifier.stsClient(config, AwsClients.credentials(Optional.of(
                new IngressConfig.StaticCredentials("test", "test"))));
        organizationsClient = RoleVerifier.organizationsClient(config);
        return new RoleVerifier(client, organizationsClient, config, Clock.systemUTC(), metrics);
    }

    private static RoleVerificationRequest member(String expectedOrganizationId) {
        return RoleVerificationRequest.newBuilder(request()).setExpectedOrganizationId(expectedOrganizationId).build();
    }

    private static VerificationConfig config(String bound, int concurrency, int rate, int ratePerAccount) {
        return config(Map.of("bridge.verification.max-duration", bound,
                "bridge.verification.initial-backoff", "200ms", "bridge.verification.max-backoff", "400ms",
                "bridge.verification.attempt-timeout", "5s",
                "bridge.verification.max-concurrency", String.valueOf(concurrency),
                "bridge.verification.max-concurrency-per-account", String.valueOf(Math.min(2, concurrency)),
                "bridge.verification.rate", String.valueOf(rate),
                "bridge.verification.rate-per-account", String.valueOf(ratePerAccount)));
    }

    static VerificationConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("bridge.sts.endpoint", sts.endpoint().toString());
        all.put("bridge.organizations.endpoint", sts.endpoint().toString());
        return VerificationConfig.from(Settings.of(all, Map.of()));
    }

    private static RoleVerificationRequest request() {
        return request(randomAccount(), "ProviderReadOnly");
    }

    static RoleVerificationRequest request(String account, String roleName) {
        return RoleVerificationRequest.newBuilder()
                .setVerificationId(UUID.randomUUID().toString())
                .setChecks(RoleCheckKind.FULL)
                .setIntegrationId("int-" + UUID.randomUUID())
                .setTenantId("tenant-1")
                .setExternalId(new ExternalIds().mint())
                .setAccountId(account)
                .setPartition("aws")
                .setRoleArn("arn:aws:iam::" + account + ":role/" + roleName)
                .setRequestId(UUID.randomUUID().toString())
                .setRequestedAt(Instant.now())
                .setDeadline(null)
                .build();
    }

    private static List<StsStandIn.AssumeRoleCall> calls(String roleArn) {
        return sts.calls().stream().filter(c -> roleArn.equals(c.roleArn())).toList();
    }

    static String randomAccount() {
        return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }
}
