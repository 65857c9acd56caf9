package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.JobCause;
import dev.onboarding.scheduler.JobCatalog.ResourceType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exactly-once on a real broker: the scheduler is stopped mid-run and a new instance restores from changelogs. */
class SchedulerRestartTest {
    /** Two regional types and a global one every 30 s: 5 targets over two regions, one slot every 6 s. */
    static final JobCatalog THIRTY_SECONDS = JobCatalog.of(List.of(
            new ResourceType("ec2", "AWS::EC2::Instance", false, Duration.ofSeconds(30)),
            new ResourceType("lambda", "AWS::Lambda::Function", false, Duration.ofSeconds(30)),
            new ResourceType("s3", "AWS::S3::Bucket", true, Duration.ofSeconds(30))));

    @Test
    void aRestartInTheMiddleLosesNoSlotAndRepeatsNoJob(@TempDir Path firstState, @TempDir Path secondState) {
        try (BrokerScenario scenario = new BrokerScenario(2, THIRTY_SECONDS)) {
            SchedulerConfig config = scenario.config(firstState);
            CollectionPlan plan = config.plan();
            List<String> ids = new ArrayList<>();
            List<Integration> records = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add("restart-" + i);
                records.add(connected("restart-" + i, 1, Instant.now()));
            }

            SchedulerApp first = new SchedulerApp(config);
            Instant burstSeen;
            try {
                first.start();
                await().atMost(Duration.ofSeconds(90)).until(first::isReady);
                scenario.send(records);
                await().atMost(Duration.ofSeconds(60)).until(() -> initial(scenario.jobs()).size() == 6 * 5);
                burstSeen = Instant.now();
                // Let every integration get periodic jobs before the restart.
                await().atMost(Duration.ofSeconds(60)).until(() -> periodic(scenario.jobs()).stream()
                        .map(CollectionJob::getIntegrationId).distinct().count() == 6);
            } finally {
                first.close();
            }

            // A new instance with an empty state dir: it must restore the schedule from the changelogs.
            SchedulerApp second = new SchedulerApp(scenario.config(secondState));
            try {
                second.start();
                await().atMost(Duration.ofSeconds(90)).until(second::isReady);
                Instant windowEnd = Instant.now().plusSeconds(8);
                Set<String> expected = ExpectedSlots.jobIds(plan, ids, burstSeen, windowEnd);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(periodicIds(scenario.jobs()))
                        .containsAll(expected));

                List<CollectionJob> all = scenario.jobs();
                assertThat(all).extracting(CollectionJob::getJobId).doesNotHaveDuplicates();
                assertThat(initial(all)).hasSize(6 * 5);
                assertThat(periodic(all).stream().filter(j -> j.getScheduledFor().isAfter(burstSeen)
                        && !j.getScheduledFor().isAfter(windowEnd)).map(CollectionJob::getJobId)
                        .collect(Collectors.toSet())).isEqualTo(expected);
                assertThat(second.statistics().snapshot().initialJobs()).isZero();
                assertThat(second.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            } finally {
                second.close();
            }
        }
    }

    static List<CollectionJob> initial(List<CollectionJob> jobs) {
        return jobs.stream().filter(j -> j.getCause() == JobCause.INITIAL).toList();
    }

    static List<CollectionJob> periodic(List<CollectionJob> jobs) {
        return jobs.stream().filter(j -> j.getCause() == JobCause.PERIODIC).toList();
    }

    static List<String> periodicIds(List<CollectionJob> jobs) {
        return periodic(jobs).stream().map(CollectionJob::getJobId).toList();
    }
}
