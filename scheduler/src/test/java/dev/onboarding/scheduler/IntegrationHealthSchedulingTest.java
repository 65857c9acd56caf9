package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.JobCause;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** An UNREACHABLE role pauses an integration's jobs; HEALTHY again resumes them without a second INITIAL burst. */
class IntegrationHealthSchedulingTest {
    private static final Map<String, String> ONE_REGION = Map.of("scheduler.regions", "eu-west-1");

    private static Integration withHealth(Integration state, HealthStatus health, long version, Instant at) {
        return Integration.newBuilder(state).setVersion(version).setUpdatedAt(at)
                .setHealth(IntegrationHealth.newBuilder().setStatus(health)
                        .setReason(health == HealthStatus.HEALTHY ? null : "why").setSince(at).setLastCheckedAt(at)
                        .build())
                .build();
    }

    @Test
    void unreachablePausesTheJobsAndHealthyResumesThemWithoutAnotherBurst() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), ONE_REGION)) {
            Integration connected = connected("int-1", 2, driver.now());
            driver.send(connected);
            assertThat(driver.drainJobs()).isNotEmpty().allMatch(j -> j.getCause() == JobCause.INITIAL);
            assertThat(driver.advance(Duration.ofMinutes(2))).as("collecting").isNotEmpty();

            driver.send(withHealth(connected, HealthStatus.UNREACHABLE, 3, driver.now()));
            assertThat(driver.drainJobs()).isEmpty();
            assertThat(driver.advance(Duration.ofMinutes(10))).as("paused").isEmpty();
            assertThat(driver.statistics().pauses()).isEqualTo(1);

            Instant resumedAt = driver.now();
            driver.send(withHealth(connected, HealthStatus.HEALTHY, 4, driver.now()));
            assertThat(driver.drainJobs()).as("no second INITIAL burst").isEmpty();
            List<CollectionJob> resumed = driver.advance(Duration.ofMinutes(2)).stream()
                    .map(SchedulerDriver.Emitted::job).toList();
            assertThat(resumed).isNotEmpty().allSatisfy(job -> {
                assertThat(job.getCause()).isEqualTo(JobCause.PERIODIC);
                assertThat(job.getScheduledFor()).as("only slots after the resume").isAfter(resumedAt);
            });
            assertThat(driver.statistics().resumes()).isEqualTo(1);
        }
    }

    @Test
    void degradedKeepsCollecting() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), ONE_REGION)) {
            Integration connected = connected("int-2", 2, driver.now());
            driver.send(connected);
            driver.drainJobs();
            driver.send(withHealth(connected, HealthStatus.DEGRADED, 3, driver.now()));
            assertThat(driver.advance(Duration.ofMinutes(2))).isNotEmpty();
            assertThat(driver.statistics().pauses()).isZero();
        }
    }

    @Test
    void anIntegrationFirstSeenUnreachableGetsNoBurstUntilItIsBack() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), ONE_REGION)) {
            Integration connected = connected("int-3", 2, driver.now());
            driver.send(withHealth(connected, HealthStatus.UNREACHABLE, 3, driver.now()));
            assertThat(driver.drainJobs()).isEmpty();
            assertThat(driver.advance(Duration.ofMinutes(6))).isEmpty();
            driver.send(withHealth(connected, HealthStatus.HEALTHY, 4, driver.now()));
            assertThat(driver.advance(Duration.ofMinutes(2))).isNotEmpty()
                    .allMatch(e -> e.job().getCause() == JobCause.PERIODIC);
        }
    }

    @Test
    void thePausedFlagSurvivesTheStoreAndOldEntriesReadAsNotPaused() {
        ConnectedAccount paused = new ConnectedAccount("int-1", "t", "111122223333", "arn:aws:iam::1:role/R",
                "onb-x", 1, 2, 3, true);
        assertThat(ConnectedAccount.fromBytes(paused.toBytes())).isEqualTo(paused);
        byte[] bytes = new ConnectedAccount("int-1", "t", "111122223333", "arn:aws:iam::1:role/R", "onb-x", 1, 2, 3)
                .toBytes();
        // Format 3 ends with the paused flag, then the organization's presence flag (false here).
        byte[] formatOne = java.util.Arrays.copyOf(bytes, bytes.length - 2);
        formatOne[0] = 1;
        assertThat(ConnectedAccount.fromBytes(formatOne).paused()).isFalse();
        assertThat(ConnectedAccount.fromBytes(formatOne).version()).isEqualTo(3);
    }

    @Test
    void everyConnectedRoleIsVerifiedAgainEachIntervalPositiveOnlyPausedOrNot() {
        Map<String, String> settings = Map.of("scheduler.regions", "eu-west-1",
                "scheduler.reverification.interval", "1m");
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), settings)) {
            Integration connected = connected("int-1", 2, driver.now());
            driver.send(connected);
            driver.advance(Duration.ofMinutes(1));
            List<KeyValue<String, RoleVerificationRequest>> first = driver.drainVerifications();
            assertThat(first).singleElement().satisfies(kv -> {
                assertThat(kv.key).as("keyed by external ID").isEqualTo(connected.getExternalId());
                RoleVerificationRequest request = kv.value;
                assertThat(request.getChecks()).isEqualTo(RoleCheckKind.POSITIVE_ONLY);
                assertThat(request.getIntegrationId()).isEqualTo("int-1");
                assertThat(request.getTenantId()).isEqualTo(connected.getTenantId());
                assertThat(request.getAccountId()).isEqualTo(connected.getAccountId());
                assertThat(request.getRoleArn()).isEqualTo(connected.getRoleArn());
                assertThat(request.getPartition()).isEqualTo("aws");
                assertThat(request.getRequestId()).isNull();
                assertThat(request.getVerificationId()).startsWith("reverify/int-1/");
                assertThat(request.getDeadline()).isAfter(request.getRequestedAt());
                assertThat(request.getExpectedOrganizationId()).as("no organization member").isNull();
            });

            // Paused jobs, still verified: that is how an UNREACHABLE role comes back.
            driver.send(withHealth(connected, HealthStatus.UNREACHABLE, 3, driver.now()));
            driver.advance(Duration.ofMinutes(3));
            List<KeyValue<String, RoleVerificationRequest>> paused = driver.drainVerifications();
            assertThat(paused).hasSize(3);
            assertThat(paused).extracting(kv -> kv.value.getVerificationId()).doesNotHaveDuplicates();

            driver.send(IntegrationRecords.inState("int-1", IntegrationStatus.DISCONNECTED,
                    4, driver.now()));
            driver.advance(Duration.ofMinutes(3));
            assertThat(driver.drainVerifications()).as("not after it disconnected").isEmpty();
        }
    }

    @Test
    void aMemberAccountsReverificationChecksItsOrganizationAgain() {
        Map<String, String> settings = Map.of("scheduler.regions", "eu-west-1",
                "scheduler.reverification.interval", "1m");
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), settings)) {
            Integration member = Integration.newBuilder(connected("org-1-111122223333", 2, driver.now()))
                    .setExpectedOrganizationId("o-a1b2c3d4e5").setOrganizationIntegrationId("org-1").build();
            driver.send(member);
            driver.advance(Duration.ofMinutes(1));
            assertThat(driver.drainVerifications()).singleElement().satisfies(kv -> {
                assertThat(kv.value.getChecks()).isEqualTo(RoleCheckKind.POSITIVE_ONLY);
                assertThat(kv.value.getExpectedOrganizationId()).as("an account may leave its organization")
                        .isEqualTo("o-a1b2c3d4e5");
            });
        }
    }

    @Test
    void theExpectedOrganizationSurvivesTheStoreAndOlderEntriesReadAsNone() {
        ConnectedAccount member = new ConnectedAccount("org-1-111122223333", "t", "111122223333",
                "arn:aws:iam::111122223333:role/R", "onb-x", 1, 2, 3, true, "o-a1b2c3d4e5");
        assertThat(ConnectedAccount.fromBytes(member.toBytes())).isEqualTo(member);
        byte[] bytes = new ConnectedAccount("int-1", "t", "111122223333", "arn:aws:iam::1:role/R", "onb-x", 1, 2, 3,
                true).toBytes();
        byte[] formatTwo = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        formatTwo[0] = 2;
        assertThat(ConnectedAccount.fromBytes(formatTwo).expectedOrganizationId()).isNull();
        assertThat(ConnectedAccount.fromBytes(formatTwo).paused()).isTrue();
    }

    @Test
    void reverificationsOfManyIntegrationsSpreadOverTheInterval() {
        Reverification reverification = new Reverification(Duration.ofHours(6));
        long[] perHour = new long[6];
        for (int i = 0; i < 6_000; i++) {
            long due = reverification.firstDueAfter("int-" + i, 0);
            assertThat(due).isBetween(1L, Duration.ofHours(6).toMillis());
            perHour[(int) (due / Duration.ofHours(1).toMillis()) % 6]++;
        }
        // Even within 10%: a uniform hash puts about 1,000 in each hour.
        assertThat(java.util.Arrays.stream(perHour).boxed().toList())
                .allSatisfy(n -> assertThat(n).isBetween(900L, 1_100L));
        assertThat(Reverification.partitionOf("arn:aws-cn:iam::111122223333:role/R")).isEqualTo("aws-cn");
    }
}
