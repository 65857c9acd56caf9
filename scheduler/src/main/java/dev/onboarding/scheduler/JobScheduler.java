package dev.onboarding.scheduler;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.JobCause;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.scheduler.CollectionJobEncoder.EncodedTarget;
import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.ConnectionDecider.Connect;
import dev.onboarding.scheduler.ConnectionDecider.Decision;
import dev.onboarding.scheduler.ConnectionDecider.Disconnect;
import dev.onboarding.scheduler.ConnectionDecider.Refresh;
import dev.onboarding.scheduler.ConnectionDecider.Reject;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of one partition: keeps the CONNECTED integrations and their due index, emits the INITIAL burst
 * when an integration connects, and on every wall-clock tick emits the PERIODIC jobs that came due. The slots of an
 * integration whose role is UNREACHABLE pass without jobs until its health is back. Each connected integration's
 * role is also verified again periodically ({@link Reverification}), through a due index of its own.
 *
 * <p>A tick reads the due index up to now, so its cost follows the number of due entries, not the number of
 * integrations. Each due entry emits every slot of its class that came due since it was last emitted, capped to
 * one interval (or the deadline, when shorter) so a long outage never produces jobs that are already stale, then
 * moves to its next slot. The moves and the jobs commit in the same exactly-once transaction. One punctuation
 * emits at most {@code scheduler.max-jobs-per-tick} jobs; a bigger backlog is worked off in back-to-back bounded
 * steps, so no transaction grows past its timeout and commits keep flowing.
 */
public final class JobScheduler implements Processor<String, byte[], String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
    private static final int SCAN_BATCH = 512;
    private static final Duration CATCH_UP_INTERVAL = Duration.ofMillis(10);
    private static final String APPLICATION = "scheduler";
    private static final List<Long> REVERIFICATION_KEYS = List.of(Reverification.INDEX_KEY);
    private static final long REVERIFICATION_INDEX_VERSION = 1;

    private final String integrationsTopic;
    private final Deserializer<Integration> integrations;
    private final String jobsTopic;
    private final Serializer<CollectionJob> jobs;
    private final CollectionPlan plan;
    private final SchedulerConfig config;
    private final TickStatistics statistics;
    private final ConnectionDecider decider;
    private final List<Long> intervals;
    private final Reverification reverification;

    private ProcessorContext<String, Object> context;
    private CollectionJobEncoder encoder;
    private KeyValueStore<String, ConnectedAccount> accounts;
    private DueIndex index;
    private DueIndex reverifications;
    private boolean reconciled;
    private Cancellable catchUp;
    private long behindSince;

    /**
     * A scheduler for one task: {@code integrations} decodes the input values, {@code jobs} is the jobs topic's
     * serializer (the processor hands the sink finished bytes, see {@link CollectionJobEncoder}).
     */
    public JobScheduler(String integrationsTopic, Deserializer<Integration> integrations, String jobsTopic,
            Serializer<CollectionJob> jobs, CollectionPlan plan, SchedulerConfig config, TickStatistics statistics) {
        this.integrationsTopic = integrationsTopic;
        this.integrations = integrations;
        this.jobsTopic = jobsTopic;
        this.jobs = jobs;
        this.plan = plan;
        this.config = config;
        this.statistics = statistics;
        this.decider = new ConnectionDecider(config.initialBurstMaxAge());
        this.reverification = config.reverification();
        List<Long> all = new ArrayList<>();
        plan.classes().forEach(c -> all.add(c.intervalMillis()));
        this.intervals = List.copyOf(all);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.encoder = CollectionJobEncoder.create(jobs, jobsTopic);
        this.accounts = context.getStateStore(SchedulingTopology.ACCOUNTS_STORE);
        KeyValueStore<Bytes, byte[]> indexStore = context.getStateStore(SchedulingTopology.INDEX_STORE);
        this.index = new DueIndex(indexStore);
        this.reverifications = new DueIndex(context.getStateStore(SchedulingTopology.REVERIFICATION_STORE));
        context.schedule(config.tick(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            deadLetter(record, "MISSING_KEY", "integration record without a key");
            return;
        }
        // every log line about this record names its integration
        try (RequestLogContext ignored = RequestLogContext.of(null, record.key(), null)) {
            schedule(record);
        }
    }

    private void schedule(Record<String, byte[]> record) {
        Integration integration;
        try {
            integration = record.value() == null ? null : integrations.deserialize(integrationsTopic,
                    record.headers(), record.value());
        } catch (SerializationException | SchemaRegistryException e) {
            SchemaRegistryException registryError = e instanceof SchemaRegistryException direct ? direct
                    : e.getCause() instanceof SchemaRegistryException cause ? cause : null;
            if (registryError != null && registryError.httpStatus() != 404) {
                throw e; // registry unreachable: fail the task and retry, never dead-letter a good record
            }
            deadLetter(record, registryError != null ? "UNKNOWN_SCHEMA" : "MALFORMED_VALUE",
                    "cannot decode an Integration: " + e.getMessage());
            return;
        }
        long now = context.currentSystemTimeMs();
        ConnectedAccount current = accounts.get(record.key());
        Decision decision = decider.decide(record.key(), integration, current, now);
        if (decision instanceof Connect connect) {
            connect(connect, now);
        } else if (decision instanceof Refresh refresh) {
            if (current != null && current.paused() != refresh.account().paused()) {
                LOG.info("integration {}: collection jobs {}", record.key(), refresh.account().paused()
                        ? "paused (its role is UNREACHABLE)" : "resumed");
                statistics.recordPause(refresh.account().paused());
            }
            accounts.put(record.key(), refresh.account());
        } else if (decision instanceof Disconnect disconnect) {
            index.removeAll(record.key(), intervals);
            reverifications.removeAll(record.key(), REVERIFICATION_KEYS);
            accounts.delete(record.key());
            statistics.recordDisconnect();
            LOG.debug("integration {} unscheduled ({})", record.key(), disconnect.why());
        } else if (decision instanceof Reject reject) {
            deadLetter(record, reject.reasonCode(), reject.reason());
        }
    }

    private void connect(Connect connect, long now) {
        ConnectedAccount account = connect.account();
        String id = account.integrationId();
        if (connect.replacesPrevious()) {
            index.removeAll(id, intervals);
            reverifications.removeAll(id, REVERIFICATION_KEYS);
        }
        accounts.put(id, account);
        // Periodic slots start after the connection (or now, when it is processed late): the burst covers before.
        long startAfter = Math.max(now, account.connectedAt());
        for (IntervalClass c : plan.classes()) {
            JobSlots slots = JobSlots.of(id, c);
            index.schedule(id, c.intervalMillis(), slots.slotTime(slots.firstSlotAfter(startAfter)), account.epoch());
        }
        reverifications.schedule(id, Reverification.INDEX_KEY, reverification.firstDueAfter(id, now),
                account.epoch());
        long emitted = 0;
        if (connect.initialBurst()) {
            CollectionJobEncoder.AccountJobs jobsOfAccount = encoder.forAccount(account);
            for (IntervalClass c : plan.classes()) {
                long deadline = startAfter + deadlineMillis(c);
                for (EncodedTarget target : encoder.targets(c)) {
                    emit(jobsOfAccount, id, target, account.connectedAt(), deadline, JobCause.INITIAL);
                }
                emitted += c.targets().size();
                statistics.recordJobs(c.intervalMillis(), JobCause.INITIAL, c.targets().size());
            }
        }
        statistics.recordConnect(emitted);
        LOG.debug("integration {} scheduled: account {}, {} initial jobs", id, account.accountId(), emitted);
    }

    /** The wall-clock tick: emits what is due and, when that hit the cap, keeps going until caught up. */
    private void tick(long now) {
        if (!reconciled) {
            reconcileWithPlan(now);
            reconcileReverifications(now);
            reconciled = true;
        }
        reverifyDue(now);
        if (emitDue(now) && catchUp == null) {
            behindSince = now;
            LOG.warn("task {}: more than {} jobs due in one tick (scheduler.max-jobs-per-tick); catching up in "
                    + "bounded steps", context.taskId(), config.maxJobsPerTick());
            catchUp = context.schedule(CATCH_UP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::catchUp);
        }
    }

    // Back-to-back bounded steps: each stays well inside one exactly-once transaction, and commits run between them.
    // Streams runs them only between two polls for input, so scheduler.poll-timeout (10 ms) paces them, not Streams'
    // 100 ms default, which idled a thread that was behind for most of each step's interval.
    private void catchUp(long now) {
        if (!emitDue(now) && catchUp != null) {
            catchUp.cancel();
            catchUp = null;
            LOG.info("task {}: caught up after {} ms", context.taskId(), now - behindSince);
        }
    }

    /** Emits the jobs due at {@code now}, up to the per-tick cap; returns whether it stopped at the cap. */
    private boolean emitDue(long now) {
        long started = System.nanoTime();
        long jobs = 0;
        long popped = 0;
        long dropped = 0;
        boolean capped = false;
        boolean first = true;
        scan:
        while (true) {
            List<DueIndex.Entry> due = index.due(now, SCAN_BATCH);
            if (first) {
                // The index is ordered by due time: its first entry is the one waiting longest.
                statistics.recordDueLag(context.taskId().toString(), due.isEmpty() ? 0 : now - due.get(0).due());
                first = false;
            }
            for (DueIndex.Entry entry : due) {
                if (jobs >= config.maxJobsPerTick()) {
                    capped = true;
                    break scan;
                }
                long emitted = emitDue(entry, now);
                if (emitted < 0) {
                    dropped++;
                } else {
                    popped++;
                    jobs += emitted;
                }
            }
            // Processed entries moved past now or were removed, so the next scan starts with fresh ones.
            if (due.size() < SCAN_BATCH) {
                break;
            }
        }
        statistics.recordTick(System.nanoTime() - started, popped, dropped, jobs, capped);
        return capped;
    }

    /** Emits one due entry's jobs and moves it on; returns the job count, or -1 when the entry was dropped. */
    private long emitDue(DueIndex.Entry entry, long now) {
        ConnectedAccount account = accounts.get(entry.integrationId());
        Optional<IntervalClass> intervalClass = plan.classOf(entry.intervalMillis());
        if (account == null || account.epoch() != entry.epoch() || intervalClass.isEmpty()) {
            // Belt and braces: disconnects remove their entries, but never emit for an integration not CONNECTED.
            index.remove(entry);
            return -1;
        }
        IntervalClass c = intervalClass.get();
        JobSlots slots = JobSlots.of(entry.integrationId(), c);
        long deadline = deadlineMillis(c);
        long window = Math.min(c.intervalMillis(), deadline);
        long from = Math.max(entry.due(), now - window + 1);
        long last = slots.lastSlotAtOrBefore(now);
        long emitted = 0;
        EncodedTarget[] targets = encoder.targets(c);
        CollectionJobEncoder.AccountJobs jobsOfAccount = null;
        // A paused account's slots pass without jobs, so resuming emits only what comes due after it.
        for (long n = account.paused() ? last + 1 : slots.firstSlotAtOrAfter(from); n <= last; n++) {
            long scheduledFor = slots.slotTime(n);
            for (int k = slots.firstTargetOf(n); k < targets.length; k += c.slots()) {
                if (jobsOfAccount == null) {
                    jobsOfAccount = encoder.forAccount(account);
                }
                emit(jobsOfAccount, entry.integrationId(), targets[k], scheduledFor, scheduledFor + deadline,
                        JobCause.PERIODIC);
                emitted++;
            }
        }
        index.reschedule(entry, slots.slotTime(last + 1));
        statistics.recordJobs(c.intervalMillis(), JobCause.PERIODIC, emitted);
        return emitted;
    }

    /**
     * Asks the verifier to check the connected roles whose re-verification came due (paused or not: a check that
     * succeeds resumes the jobs), each moved to its next slot after now, so a backlog becomes one request each. At
     * most {@code scheduler.max-jobs-per-tick} a tick: the rest follow on the next ticks.
     */
    private void reverifyDue(long now) {
        int budget = config.maxJobsPerTick();
        while (budget > 0) {
            List<DueIndex.Entry> due = reverifications.due(now, Math.min(SCAN_BATCH, budget));
            for (DueIndex.Entry entry : due) {
                ConnectedAccount account = accounts.get(entry.integrationId());
                if (account == null || account.epoch() != entry.epoch()) {
                    reverifications.remove(entry);
                    continue;
                }
                context.forward(new Record<String, Object>(account.externalId(), reverification.request(account,
                        entry.due(), now), now), SchedulingTopology.VERIFICATIONS_SINK);
                reverifications.reschedule(entry, reverification.firstDueAfter(entry.integrationId(), now));
                statistics.recordReverification();
            }
            budget -= due.size();
            if (due.size() < SCAN_BATCH) {
                return;
            }
        }
    }

    // Accounts connected before re-verification existed (or restored without its index) get their entries once.
    private void reconcileReverifications(long now) {
        if (reverifications.planFingerprint().isPresent()) {
            return;
        }
        long added = 0;
        try (KeyValueIterator<String, ConnectedAccount> it = accounts.all()) {
            while (it.hasNext()) {
                KeyValue<String, ConnectedAccount> next = it.next();
                if (reverifications.dueOf(next.key, Reverification.INDEX_KEY).isEmpty()) {
                    reverifications.schedule(next.key, Reverification.INDEX_KEY,
                            reverification.firstDueAfter(next.key, now), next.value.epoch());
                    added++;
                }
            }
        }
        reverifications.recordPlanFingerprint(REVERIFICATION_INDEX_VERSION);
        if (added > 0) {
            LOG.info("task {}: re-verification scheduled for {} connected integrations", context.taskId(), added);
        }
    }

    @Override
    public void close() {
        statistics.forgetTask(context.taskId().toString());
    }

    // After the catalog or regions change, make sure every connected account has an entry in every class; entries
    // of classes that no longer exist are dropped when they come due.
    private void reconcileWithPlan(long now) {
        long fingerprint = plan.fingerprint();
        if (index.planFingerprint().orElse(~fingerprint) == fingerprint) {
            return;
        }
        long added = 0;
        try (KeyValueIterator<String, ConnectedAccount> it = accounts.all()) {
            while (it.hasNext()) {
                KeyValue<String, ConnectedAccount> next = it.next();
                for (IntervalClass c : plan.classes()) {
                    if (index.dueOf(next.key, c.intervalMillis()).isEmpty()) {
                        JobSlots slots = JobSlots.of(next.key, c);
                        index.schedule(next.key, c.intervalMillis(), slots.slotTime(slots.firstSlotAfter(now)),
                                next.value.epoch());
                        added++;
                    }
                }
            }
        }
        index.recordPlanFingerprint(fingerprint);
        if (added > 0) {
            LOG.info("task {}: job plan changed, {} due-index entries added for new interval classes",
                    context.taskId(), added);
        }
    }

    private long deadlineMillis(IntervalClass c) {
        return Math.max(1, c.intervalMillis() * config.deadlinePercent() / 100);
    }

    private void emit(CollectionJobEncoder.AccountJobs jobsOfAccount, String integrationId, EncodedTarget target,
            long scheduledFor, long deadline, JobCause cause) {
        byte[] value = jobsOfAccount.encode(target, scheduledFor, deadline, cause);
        context.forward(new Record<String, Object>(integrationId, value, scheduledFor), SchedulingTopology.JOBS_SINK);
    }

    private void deadLetter(Record<String, byte[]> record, String reasonCode, String reason) {
        Optional<RecordMetadata> metadata = context.recordMetadata();
        DeadLetter letter = DeadLetterBuilder.deadLetter(APPLICATION, reasonCode, reason)
                .original(record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value())
                .fromKafka(metadata.map(RecordMetadata::topic).orElse(integrationsTopic),
                        metadata.map(RecordMetadata::partition).orElse(-1),
                        metadata.map(RecordMetadata::offset).orElse(-1L), record.headers(),
                        Instant.ofEpochMilli(record.timestamp()))
                .at(Instant.ofEpochMilli(context.currentSystemTimeMs()));
        context.forward(new Record<String, Object>(record.key(), letter, record.timestamp()),
                SchedulingTopology.DEAD_LETTERS_SINK);
        statistics.recordDeadLetter();
        LOG.warn("integration record {} dead-lettered: {} ({})", record.key(), reasonCode, reason);
    }
}
