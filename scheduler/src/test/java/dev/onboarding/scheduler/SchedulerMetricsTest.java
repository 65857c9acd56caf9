package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's own meters ({@link SchedulerMetrics}) over what its topology did. */
class SchedulerMetricsTest {
    private static final Map<String, String> THREE_REGIONS = Map.of(
            "scheduler.regions", "us-east-1,eu-west-1,ap-south-1",
            "scheduler.slot-spacing", "10s");

    @Test
    void jobsAreCountedByIntervalClassAndCauseAndTheDueIndexKeepsUp() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            SchedulerMetrics.bind(driver.statistics(), driver.plan(), meters);
            driver.send(connected("int-1", 1, driver.now()));
            int initial = driver.drainJobs().size();
            List<SchedulerDriver.Emitted> periodic = driver.advance(Duration.ofMinutes(5));

            double initialCounted = meters.find("scheduler.jobs.emitted").tag("cause", "INITIAL").functionCounters()
                    .stream().mapToDouble(c -> c.count()).sum();
            assertThat(initialCounted).isEqualTo(initial);
            double everyMinute = jobs(meters, "1m", "PERIODIC");
            double everyFiveMinutes = jobs(meters, "5m", "PERIODIC");
            assertThat(everyMinute + everyFiveMinutes).isEqualTo(periodic.size());
            assertThat(everyMinute).isPositive();
            assertThat(everyFiveMinutes).isPositive();
            assertThat(meters.get("scheduler.connections").tag("event", "connected").functionCounter().count())
                    .isEqualTo(1);
            assertThat(meters.get("scheduler.ticks").functionCounter().count()).isPositive();
            // One-second ticks over slots due on the second: nothing waits longer than a tick.
            assertThat(meters.get("scheduler.due.index.lag").gauge().value()).isBetween(0.0, 1.0);

            driver.sendRaw("int-2", "not avro".getBytes(StandardCharsets.UTF_8));
            assertThat(meters.get("scheduler.dead.letters").functionCounter().count()).isEqualTo(1);
        }
    }

    @Test
    void intervalsAreLabelledShort() {
        assertThat(SchedulerMetrics.label(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(SchedulerMetrics.label(Duration.ofHours(6))).isEqualTo("6h");
        assertThat(SchedulerMetrics.label(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(SchedulerMetrics.label(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    private static double jobs(SimpleMeterRegistry meters, String interval, String cause) {
        return meters.get("scheduler.jobs.emitted").tag("interval", interval).tag("cause", cause).functionCounter()
                .count();
    }
}
