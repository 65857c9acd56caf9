package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.JobCause;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        byte[] formatOne = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        formatOne[0] = 1;
        assertThat(ConnectedAccount.fromBytes(formatOne).paused()).isFalse();
        assertThat(ConnectedAccount.fromBytes(formatOne).version()).isEqualTo(3);
    }
}
