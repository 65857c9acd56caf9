package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.Integration;
import dev.onboarding.scheduler.JobCatalog.ResourceType;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler processor across a restart that changes the catalog, on stores that outlive the processor. */
class JobSchedulerTest {
    private static final String TOPIC = "onboarding.integrations";
    private static final ResourceType INSTANCES = new ResourceType("ec2", "AWS::EC2::Instance", false,
            Duration.ofMinutes(1));
    private static final ResourceType ROLES = new ResourceType("iam", "AWS::IAM::Role", true, Duration.ofMinutes(5));

    private static final String JOBS_TOPIC = "onboarding.collection-jobs";
    private final AvroSerde<Integration> integrations = AvroSerde.forValues(Integration.class,
            InMemorySchemaRegistry.scope("job-scheduler-test"), true);
    private final AvroSerde<CollectionJob> jobSerde = AvroSerde.forValues(CollectionJob.class,
            InMemorySchemaRegistry.scope("job-scheduler-test"), true);
    private KeyValueStore<String, ConnectedAccount> accounts;
    private KeyValueStore<Bytes, byte[]> indexStore;
    private KeyValueStore<Bytes, byte[]> reverificationStore;
    private long now = Instant.parse("2025-06-02T08:00:00Z").toEpochMilli();

    @BeforeEach
    void openStores() {
        accounts = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SchedulingTopology.ACCOUNTS_STORE),
                Serdes.String(), ConnectedAccount.serde()).withLoggingDisabled().build();
        indexStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SchedulingTopology.INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        reverificationStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                SchedulingTopology.REVERIFICATION_STORE), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled()
                .build();
    }

    @Test
    void aNewIntervalClassInTheCatalogIsScheduledForAccountsConnectedBefore() {
        Instance before = start(JobCatalog.of(List.of(INSTANCES)));
        before.connect("int-1");
        before.context.resetForwards();
        assertThat(new DueIndex(indexStore).all()).hasSize(1);

        Instance after = start(JobCatalog.of(List.of(INSTANCES, ROLES)));
        List<CollectionJob> jobs = after.runFor(Duration.ofMinutes(5));

        assertThat(new DueIndex(indexStore).all()).extracting(DueIndex.Entry::intervalMillis)
                .containsExactlyInAnyOrder(60_000L, 300_000L);
        assertThat(jobs).filteredOn(j -> j.getResourceType().equals("AWS::IAM::Role")).hasSize(1);
        assertThat(jobs).filteredOn(j -> j.getResourceType().equals("AWS::EC2::Instance")).hasSize(5);
    }

    @Test
    void aRemovedIntervalClassIsDroppedFromTheIndexWhenItComesDue() {
        Instance before = start(JobCatalog.of(List.of(INSTANCES, ROLES)));
        before.connect("int-1");

        Instance after = start(JobCatalog.of(List.of(ROLES)));
        List<CollectionJob> jobs = after.runFor(Duration.ofMinutes(5));

        assertThat(jobs).extracting(CollectionJob::getResourceType).containsOnly("AWS::IAM::Role");
        assertThat(new DueIndex(indexStore).all()).extracting(DueIndex.Entry::intervalMillis).containsOnly(300_000L);
        assertThat(after.statistics.snapshot().entriesDropped()).isEqualTo(1);
    }

    private Instance start(JobCatalog catalog) {
        SchedulerConfig config = SchedulerDriver.config(Map.of("scheduler.regions", "us-east-1",
                "scheduler.slot-spacing", "10s")).withCatalog(catalog);
        return new Instance(config);
    }

    /** One processor over the shared stores, as after a restart with another catalog. */
    private final class Instance {
        final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        final TickStatistics statistics = new TickStatistics();
        final JobScheduler scheduler;

        Instance(SchedulerConfig config) {
            accounts.init(context.getStateStoreContext(), accounts);
            indexStore.init(context.getStateStoreContext(), indexStore);
            context.addStateStore(accounts);
            context.addStateStore(indexStore);
            reverificationStore.init(context.getStateStoreContext(), reverificationStore);
            context.addStateStore(reverificationStore);
            context.setCurrentSystemTimeMs(now);
            scheduler = new JobScheduler(TOPIC, integrations.deserializer(), JOBS_TOPIC, jobSerde.serializer(),
                    config.plan(), config, statistics);
            scheduler.init(context);
        }

        void connect(String id) {
            context.setRecordMetadata(TOPIC, 0, 0);
            scheduler.process(new Record<>(id, integrations.serialize(TOPIC, connected(id, 1, Instant.ofEpochMilli(
                    now))), now));
        }

        List<CollectionJob> runFor(Duration duration) {
            List<CollectionJob> jobs = new ArrayList<>();
            for (long end = now + duration.toMillis(); now < end; ) {
                now += 1_000;
                context.setCurrentSystemTimeMs(now);
                context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
                context.forwarded(SchedulingTopology.JOBS_SINK).forEach(f -> jobs.add(jobSerde.deserialize(JOBS_TOPIC,
                        (byte[]) f.record().value())));
                context.resetForwards();
            }
            return jobs;
        }
    }
}
