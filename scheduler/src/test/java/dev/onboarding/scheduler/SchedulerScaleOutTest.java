package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.Integration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of one application split the partitions; every due job is emitted once, by one of them. */
class SchedulerScaleOutTest {

    @Test
    void twoInstancesEmitEachDueJobOnce(@TempDir Path stateA, @TempDir Path stateB) {
        try (BrokerScenario scenario = new BrokerScenario(4, SchedulerRestartTest.THIRTY_SECONDS)) {
            SchedulerConfig config = scenario.config(stateA);
            SchedulerApp a = new SchedulerApp(config);
            SchedulerApp b = new SchedulerApp(scenario.config(stateB));
            try {
                a.start();
                b.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> a.isReady() && b.isReady()
                        && activeTasks(a) > 0 && activeTasks(b) > 0 && activeTasks(a) + activeTasks(b) == 4);

                List<String> ids = new ArrayList<>();
                List<Integration> records = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    ids.add("scale-" + i);
                    records.add(connected("scale-" + i, 1, Instant.now()));
                }
                scenario.send(records);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> SchedulerRestartTest.initial(scenario.jobs()).size() == 12 * 5);
                Instant burstSeen = Instant.now();
                Instant windowEnd = burstSeen.plusSeconds(15);
                Set<String> expected = ExpectedSlots.jobIds(config.plan(), ids, burstSeen, windowEnd);

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(SchedulerRestartTest.periodicIds(scenario.jobs())).containsAll(expected));

                List<CollectionJob> all = scenario.jobs();
                assertThat(all).extracting(CollectionJob::getJobId).doesNotHaveDuplicates();
                assertThat(SchedulerRestartTest.periodic(all).stream()
                        .filter(j -> j.getScheduledFor().isAfter(burstSeen) && !j.getScheduledFor().isAfter(windowEnd))
                        .map(CollectionJob::getJobId).collect(Collectors.toSet())).isEqualTo(expected);
                // Both instances did part of the work (the assertions above show that together they did all of it,
                // once).
                assertThat(a.statistics().snapshot().jobs()).isPositive();
                assertThat(b.statistics().snapshot().jobs()).isPositive();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static int activeTasks(SchedulerApp app) {
        return app.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }
}
