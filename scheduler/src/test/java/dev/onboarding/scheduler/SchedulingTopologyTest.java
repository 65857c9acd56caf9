package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static dev.onboarding.scheduler.IntegrationRecords.inState;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.JobCause;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.JobCatalog.ResourceType;
import dev.onboarding.scheduler.SchedulerDriver.Emitted;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class SchedulingTopologyTest {
    private static final Map<String, String> THREE_REGIONS = Map.of(
            "scheduler.regions", "us-east-1,eu-west-1,ap-south-1",
            "scheduler.slot-spacing", "10s");

    @Test
    void theInitialBurstIsEveryGlobalTypeOnceAndEveryRegionalTypeInEveryDefaultRegion() {
        JobCatalog catalog = JobCatalog.defaults();
        try (SchedulerDriver driver = SchedulerDriver.start(catalog, Map.of())) {
            Integration integration = connected("int-1", 1, driver.now());
            driver.send(integration);

            List<CollectionJob> burst = driver.drainJobs();

            long globals = catalog.types().stream().filter(ResourceType::global).count();
            long regionals = catalog.types().size() - globals;
            assertThat(burst).hasSize((int) (globals + regionals * 17));
            Set<String> expectedPairs = new HashSet<>();
            for (ResourceType type : catalog.types()) {
                if (type.global()) {
                    expectedPairs.add(type.resourceType() + "@us-east-1");
                } else {
                    SchedulerConfig.DEFAULT_REGIONS.forEach(r -> expectedPairs.add(type.resourceType() + "@" + r));
                }
            }
            assertThat(burst).extracting(j -> j.getResourceType() + "@" + j.getRegion())
                    .containsExactlyInAnyOrderElementsOf(expectedPairs);
            Map<String, Duration> intervals = catalog.types().stream()
                    .collect(Collectors.toMap(ResourceType::resourceType, ResourceType::interval));
            assertThat(burst).allSatisfy(job -> {
                assertThat(job.getCause()).isEqualTo(JobCause.INITIAL);
                assertThat(job.getIntegrationId()).isEqualTo("int-1");
                assertThat(job.getTenantId()).isEqualTo(integration.getTenantId());
                assertThat(job.getAccountId()).isEqualTo(integration.getAccountId());
                assertThat(job.getRoleArn()).isEqualTo(integration.getRoleArn());
                assertThat(job.getExternalId()).isEqualTo(integration.getExternalId());
                assertThat(job.getService()).isNotBlank();
                assertThat(job.getScheduledFor()).isEqualTo(integration.getConnectedAt());
                assertThat(job.getDeadline()).isEqualTo(driver.now().plus(intervals.get(job.getResourceType())));
            });
            assertThat(burst).extracting(CollectionJob::getJobId).doesNotHaveDuplicates();
        }
    }

    @Test
    void theInitialBurstOfASmallCatalogIsGlobalsPlusRegionalsTimesRegions() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(connected("int-1", 1, driver.now()));

            // 2 global types (S3 bucket, IAM role) + 2 regional types x 3 regions.
            assertThat(driver.drainJobs()).hasSize(2 + 2 * 3);
        }
    }

    @Test
    void everyTargetRecursOncePerIntervalOnSlotsSpreadEvenlyOverTheInterval() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            Instant connectedAt = driver.now();
            driver.send(connected("int-1", 1, connectedAt));
            driver.drainJobs();

            List<Emitted> emitted = driver.advance(Duration.ofMinutes(11));

            assertThat(emitted).extracting(e -> e.job().getCause()).containsOnly(JobCause.PERIODIC);
            assertThat(emitted).extracting(e -> e.job().getJobId()).doesNotHaveDuplicates();
            // Emitted on the first tick at or after its slot, with the deadline one interval after the slot.
            assertThat(emitted).allSatisfy(e -> {
                assertThat(e.job().getScheduledFor()).isBeforeOrEqualTo(e.at()).isAfter(e.at().minusSeconds(1));
                assertThat(Duration.between(e.job().getScheduledFor(), e.job().getDeadline()))
                        .isEqualTo(interval(e.job()));
            });
            Map<String, List<Instant>> byTarget = emitted.stream().collect(Collectors.groupingBy(
                    e -> e.job().getResourceType() + "@" + e.job().getRegion(),
                    TreeMap::new, Collectors.mapping(e -> e.job().getScheduledFor(), Collectors.toList())));
            assertThat(byTarget).hasSize(8);
            byTarget.forEach((target, times) -> {
                Duration interval = target.startsWith("AWS::IAM::Role") ? Duration.ofMinutes(5) : Duration.ofMinutes(1);
                assertThat(times.get(0)).isAfter(connectedAt).isBeforeOrEqualTo(connectedAt.plus(interval));
                for (int i = 1; i < times.size(); i++) {
                    assertThat(Duration.between(times.get(i - 1), times.get(i))).as(target).isEqualTo(interval);
                }
                // 11 minutes hold 11 one-minute slots, and 2 or 3 five-minute ones depending on the phase.
                long whole = Duration.ofMinutes(11).toSeconds() / interval.toSeconds();
                assertThat((long) times.size()).isBetween(whole, whole + (whole * interval.toSeconds() == 660 ? 0 : 1));
            });
            // The 7 one-minute targets fall on 6 slots 10 s apart (the spacing), not all at once.
            Instant first = emitted.get(0).job().getScheduledFor();
            List<Instant> slotTimes = emitted.stream().map(e -> e.job().getScheduledFor())
                    .filter(t -> !t.isBefore(first) && t.isBefore(first.plusSeconds(60)))
                    .filter(t -> !t.equals(iamSlot(emitted))).distinct().sorted().toList();
            assertThat(slotTimes).hasSize(6);
            for (int i = 1; i < slotTimes.size(); i++) {
                assertThat(Duration.between(slotTimes.get(i - 1), slotTimes.get(i))).isEqualTo(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aThousandAccountsConnectedTogetherAreSpreadOverTheInterval() {
        JobCatalog catalog = TestCatalogs.regional(Duration.ofMinutes(10), "AWS::EC2::Instance", "AWS::EC2::Volume");
        Map<String, String> settings = Map.of("scheduler.regions", "us-east-1,eu-west-1",
                "scheduler.slot-spacing", "60s");
        try (SchedulerDriver driver = SchedulerDriver.start(catalog, settings)) {
            Instant connectedAt = driver.now();
            for (int i = 0; i < 1_000; i++) {
                driver.send(connected("herd-" + i, 1, connectedAt));
            }
            assertThat(driver.drainJobs()).hasSize(4_000);

            List<Emitted> emitted = driver.advance(Duration.ofMinutes(10));

            // Each of the 4 targets of each account exactly once in one interval...
            assertThat(emitted).hasSize(4_000);
            assertThat(emitted).extracting(e -> e.job().getIntegrationId() + e.job().getResourceType()
                    + e.job().getRegion()).doesNotHaveDuplicates();
            // ...spread evenly: about 400 a minute, and no second carries a herd (6.7 a second on average).
            Map<Long, Long> perMinute = emitted.stream().collect(Collectors.groupingBy(
                    e -> Duration.between(connectedAt, e.job().getScheduledFor()).minusMillis(1).toMinutes(),
                    Collectors.counting()));
            assertThat(perMinute).hasSize(10);
            assertThat(perMinute.values()).allSatisfy(n -> assertThat(n).isBetween(320L, 480L));
            Map<Instant, Long> perTick = emitted.stream().collect(Collectors.groupingBy(Emitted::at,
                    Collectors.counting()));
            assertThat(perTick.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(25L));
        }
    }

    @ParameterizedTest
    @EnumSource(value = IntegrationStatus.class, names = {"DISCONNECTED", "EXPIRED", "CANCELLED", "PENDING"})
    void noJobIsEmittedAfterTheIntegrationLeavesConnected(IntegrationStatus status) {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(connected("leaves", 1, driver.now()));
            driver.send(connected("stays", 1, driver.now()));
            assertThat(driver.advance(Duration.ofMinutes(2)))
                    .anyMatch(e -> e.job().getIntegrationId().equals("leaves"));

            driver.send(inState("leaves", status, 2, driver.now()));
            List<Emitted> after = driver.advance(Duration.ofMinutes(12));

            assertThat(after).noneMatch(e -> e.job().getIntegrationId().equals("leaves"));
            assertThat(after).anyMatch(e -> e.job().getIntegrationId().equals("stays"));
            assertThat(driver.index().all()).extracting(DueIndex.Entry::integrationId).containsOnly("stays");
            assertThat(driver.accounts().get("leaves")).isNull();
        }
    }

    @Test
    void aTombstoneAlsoStopsTheIntegrationAndRemovesItsIndexEntries() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(connected("deleted", 1, driver.now()));
            driver.advance(Duration.ofSeconds(30));

            driver.sendRaw("deleted", null);

            assertThat(driver.index().all()).isEmpty();
            assertThat(driver.advance(Duration.ofMinutes(6))).isEmpty();
        }
    }

    @Test
    void aReconnectionStartsOverWithANewBurstAndASingleSchedule() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(connected("int-1", 1, driver.now()));
            driver.advance(Duration.ofMinutes(1));
            driver.send(inState("int-1", IntegrationStatus.DISCONNECTED, 2, driver.now()));
            driver.advance(Duration.ofMinutes(1));

            driver.send(connected("int-1", 3, driver.now()));

            assertThat(driver.drainJobs()).hasSize(8).allMatch(j -> j.getCause() == JobCause.INITIAL);
            assertThat(driver.index().all()).hasSize(2);
            List<Emitted> next = driver.advance(Duration.ofMinutes(5));
            assertThat(next).extracting(e -> e.job().getJobId()).doesNotHaveDuplicates();
            assertThat(next).hasSize(7 * 5 + 1);
        }
    }

    @Test
    void aRepeatedOrUpdatedConnectedRecordKeepsTheScheduleWithoutANewBurst() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            Integration first = connected("int-1", 1, driver.now());
            driver.send(first);
            driver.drainJobs();
            List<DueIndex.Entry> schedule = driver.index().all();

            driver.send(first);
            driver.send(Integration.newBuilder(connected("int-1", 2, driver.now()))
                    .setConnectedAt(first.getConnectedAt())
                    .setRoleArn("arn:aws:iam::" + first.getAccountId() + ":role/Renamed").build());

            assertThat(driver.drainJobs()).isEmpty();
            assertThat(driver.index().all()).isEqualTo(schedule);
            assertThat(driver.advance(Duration.ofMinutes(2))).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.job().getRoleArn()).endsWith("role/Renamed"));
        }
    }

    @Test
    void aConnectionProcessedLongAfterItHappenedJoinsTheCadenceWithoutABurst() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            Instant processedAt = driver.now();
            driver.send(connected("int-1", 1, processedAt.minus(Duration.ofHours(3))));

            assertThat(driver.drainJobs()).isEmpty();
            List<Emitted> periodic = driver.advance(Duration.ofMinutes(5));
            assertThat(periodic).hasSize(7 * 5 + 1)
                    .allSatisfy(e -> assertThat(e.job().getScheduledFor()).isAfter(processedAt));
        }
    }

    @Test
    void afterAnOutageEachTargetIsEmittedOnceForItsLatestSlotAndNothingStale() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(connected("int-1", 1, driver.now()));
            driver.drainJobs();

            // No tick for half an hour, then one.
            List<Emitted> catchUp = driver.advance(Duration.ofMinutes(30), Duration.ofMinutes(30));

            assertThat(catchUp).hasSize(8);
            assertThat(catchUp).extracting(e -> e.job().getResourceType() + "@" + e.job().getRegion())
                    .doesNotHaveDuplicates();
            assertThat(catchUp).allSatisfy(e -> assertThat(e.job().getDeadline()).isAfter(driver.now()));
            // And the cadence continues from there without repeating a slot.
            List<Emitted> next = driver.advance(Duration.ofMinutes(5));
            assertThat(next).hasSize(7 * 5 + 1);
            Set<String> ids = new HashSet<>();
            catchUp.forEach(e -> ids.add(e.job().getJobId()));
            next.forEach(e -> assertThat(ids.add(e.job().getJobId())).isTrue());
        }
    }

    @Test
    void aBacklogBeyondTheTickCapIsWorkedOffInBoundedStepsWithoutLossOrRepeats() {
        List<Emitted> uncapped = backlog(Map.of());
        List<Emitted> capped = backlog(Map.of("scheduler.max-jobs-per-tick", "5"));

        assertThat(capped).extracting(e -> e.job().getJobId())
                .containsExactlyInAnyOrderElementsOf(uncapped.stream().map(e -> e.job().getJobId()).toList());
        // A step stops at the first entry past the cap: at most 5 + (7 - 1) jobs, where 7 is the biggest entry.
        Map<Instant, Long> perStep = capped.stream().collect(Collectors.groupingBy(Emitted::at,
                Collectors.counting()));
        assertThat(perStep.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(11L));
        assertThat(perStep).hasSizeGreaterThan(uncapped.size() / 11);
    }

    private static List<Emitted> backlog(Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(THREE_REGIONS);
        settings.putAll(extra);
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), settings)) {
            for (int i = 0; i < 10; i++) {
                driver.send(connected("backlog-" + i, 1, driver.now().minus(Duration.ofDays(1))));
            }
            // Ten minutes without a tick, then steps of 10 ms: the catch-up cadence.
            List<Emitted> out = new ArrayList<>(driver.advance(Duration.ofMinutes(10), Duration.ofMinutes(10)));
            out.addAll(driver.advance(Duration.ofMillis(400), Duration.ofMillis(10)));
            if (!extra.isEmpty()) {
                assertThat(driver.statistics().snapshot().cappedTicks()).isPositive();
            }
            return out;
        }
    }

    @Test
    void aReplayAfterLosingStateEmitsTheSameJobIds() {
        Instant connectedAt = SchedulerDriver.START;
        List<CollectionJob> firstRun = run(connectedAt, SchedulerDriver.START, Duration.ofMinutes(7));
        List<CollectionJob> secondRun = run(connectedAt, SchedulerDriver.START, Duration.ofMinutes(7));
        assertThat(secondRun).extracting(CollectionJob::getJobId)
                .containsExactlyElementsOf(firstRun.stream().map(CollectionJob::getJobId).toList());

        // A restart three minutes in, with the state lost and the integration replayed, re-issues the same ids.
        Instant restart = SchedulerDriver.START.plus(Duration.ofMinutes(3));
        List<CollectionJob> replay = run(connectedAt, restart, Duration.ofMinutes(4));
        Map<String, String> firstIds = firstRun.stream().collect(Collectors.toMap(CollectionJob::getJobId,
                j -> j.getCause() + "@" + j.getScheduledFor()));
        assertThat(replay).allSatisfy(j -> assertThat(firstIds).containsEntry(j.getJobId(),
                j.getCause() + "@" + j.getScheduledFor()));
        assertThat(replay.stream().filter(j -> j.getCause() == JobCause.PERIODIC).count())
                .isEqualTo(firstRun.stream().filter(j -> j.getCause() == JobCause.PERIODIC
                        && j.getScheduledFor().isAfter(restart)).count());
    }

    @Test
    void aTickTouchesOnlyTheDueEntriesHoweverManyIntegrationsAreIdle() {
        JobCatalog catalog = TestCatalogs.regional(Duration.ofHours(1), "AWS::EC2::Instance");
        Map<String, String> settings = Map.of("scheduler.regions", "us-east-1");
        try (SchedulerDriver driver = SchedulerDriver.start(catalog, settings)) {
            Instant seededAt = driver.now();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                ids.add("idle-" + i);
                driver.send(connected("idle-" + i, 1, seededAt.minus(Duration.ofDays(1))));
            }
            assertThat(driver.index().all()).hasSize(2_000);
            IntervalClass hourly = driver.plan().classes().get(0);
            Map<String, Long> due = ids.stream().collect(Collectors.toMap(Function.identity(), id -> {
                JobSlots slots = JobSlots.of(id, hourly);
                return slots.slotTime(slots.firstSlotAfter(seededAt.toEpochMilli()));
            }));

            int idleTicks = 0;
            for (int tick = 0; tick < 120; tick++) {
                long before = driver.now().toEpochMilli();
                TickStatistics.Snapshot start = driver.statistics().snapshot();
                List<Emitted> emitted = driver.advance(Duration.ofSeconds(1));
                long now = driver.now().toEpochMilli();
                long expected = due.values().stream().filter(t -> t > before && t <= now).count();

                TickStatistics.Snapshot delta = driver.statistics().snapshot().minus(start);
                assertThat(delta.ticks()).isEqualTo(1);
                assertThat(delta.entriesPopped()).isEqualTo(expected);
                assertThat(emitted).hasSize((int) expected);
                idleTicks += expected == 0 ? 1 : 0;
            }
            assertThat(idleTicks).as("ticks with nothing due").isGreaterThan(30);
        }
    }

    @Test
    void anUndecodableRecordIsDeadLetteredAndTheNextOneStillSchedules() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
            driver.sendRaw("bad-1", garbage);
            driver.sendRaw("bad-2", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2, 3});
            driver.send(connected("good", 1, driver.now()));

            List<DeadLetter> letters = driver.drainDeadLetters();
            assertThat(letters).extracting(DeadLetter::getReasonCode)
                    .containsExactly("MALFORMED_VALUE", "UNKNOWN_SCHEMA");
            DeadLetter first = letters.get(0);
            assertThat(first.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
            assertThat(first.getOriginalKey()).isEqualTo(ByteBuffer.wrap("bad-1".getBytes(StandardCharsets.UTF_8)));
            assertThat(first.getApplication()).isEqualTo("scheduler");
            assertThat(first.getSource()).isInstanceOfSatisfying(KafkaSource.class,
                    s -> assertThat(s.getTopic()).isEqualTo("onboarding.integrations"));
            assertThat(driver.drainJobs()).hasSize(8);
        }
    }

    @Test
    void aConnectedRecordACollectorCannotUseIsDeadLetteredWithoutJobs() {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(Integration.newBuilder(connected("no-role", 1, driver.now())).setRoleArn(null).build());

            assertThat(driver.drainDeadLetters()).extracting(DeadLetter::getReasonCode)
                    .containsExactly("CONNECTED_INCOMPLETE");
            assertThat(driver.drainJobs()).isEmpty();
            assertThat(driver.advance(Duration.ofMinutes(2))).isEmpty();
        }
    }

    @Test
    void aLogLineAboutAnIntegrationCarriesItsIdInTheMdc() {
        Logger logger = (Logger) LoggerFactory.getLogger(JobScheduler.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS)) {
            driver.send(Integration.newBuilder(connected("no-role", 1, driver.now())).setRoleArn(null).build());

            assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().contains("dead-lettered")).singleElement()
                    .satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry("integrationId", "no-role"));
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(MDC.get("integrationId")).as("cleared after the record").isNull();
    }

    @Test
    void theDescriptionShowsTheFlowAndStores() {
        String description = SchedulingTopology.description();

        assertThat(description).contains("onboarding.integrations", "onboarding.collection-jobs",
                "onboarding.integrations.dlq", SchedulingTopology.ACCOUNTS_STORE, SchedulingTopology.INDEX_STORE,
                SchedulingTopology.SCHEDULER);
    }

    private static List<CollectionJob> run(Instant connectedAt, Instant start, Duration duration) {
        try (SchedulerDriver driver = SchedulerDriver.start(TestCatalogs.minuteAndFiveMinutes(), THREE_REGIONS,
                start)) {
            driver.send(connected("int-1", 1, connectedAt));
            List<CollectionJob> jobs = new ArrayList<>(driver.drainJobs());
            driver.advance(duration).forEach(e -> jobs.add(e.job()));
            return jobs;
        }
    }

    private static Instant iamSlot(List<Emitted> emitted) {
        return emitted.stream().filter(e -> e.job().getResourceType().equals("AWS::IAM::Role")).findFirst()
                .map(e -> e.job().getScheduledFor()).orElseThrow();
    }

    private static Duration interval(CollectionJob job) {
        return job.getResourceType().equals("AWS::IAM::Role") ? Duration.ofMinutes(5) : Duration.ofMinutes(1);
    }
}
