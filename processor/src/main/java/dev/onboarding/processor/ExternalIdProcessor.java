package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task that owns a set of external IDs: applies request events, decides callbacks and finishes
 * Creates whose account claim came back. Everything about one external ID happens here, in one task,
 * against its stores, so decisions commit atomically with the state they change (exactly-once).
 *
 * <p>Two instances run in each task: one fed by requests and callbacks (it also runs the wall-clock
 * checks), one fed by claim outcomes. They share the stores; the split only breaks the cycle
 * callbacks -&gt; claims -&gt; outcomes in the topology graph.
 *
 * <p>A Create that claims its account travels with its claim and comes back with the outcome: nothing is
 * stored for it meanwhile. A redelivery in that time is decided like the first copy and claims again (the
 * claim is idempotent for the same integration); whichever outcome comes back first decides, a later one
 * finds the decision and only gives back a claim nobody uses. It travels in the bytes it was read from.
 * Answers and states are encoded once, in their topic's wire format, for the store and the topic alike.
 *
 * <p>The answer to a callback that changes its integration's state is kept with that state
 * ({@link LedgerEntry}), so a connecting Create costs one store write, not two; an earlier answer kept there
 * moves to the requests store when a later one takes its place. Answers kept with a state are not swept by
 * the retention: there is one per external ID at most.
 */
final class ExternalIdProcessor implements Processor<String, ExternalIdInput, String, Effect> {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalIdProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final ProcessorConfig config;
    private final boolean runsClockChecks;
    private final String requestsTopic;
    private final Serializer<IntegrationRequestEvent> requestSerializer;
    private final Topic<String, Integration> statesTopic;
    private final Topic<String, CfnResponse> answersTopic;
    private final Serde<CfnCallback> waitingCreates;
    private final String waitingCreatesSubjectTopic;
    private final CallbackDecider decider = new CallbackDecider();
    private final PendingIntegrations pending = new PendingIntegrations();

    private ProcessorContext<String, Effect> context;
    /** Integration states (in the integrations topic's wire format) and their latest answers, by external ID. */
    private KeyValueStore<String, LedgerEntry> integrations;
    private KeyValueStore<String, String> expiryIndex;
    private KeyValueStore<String, RequestState> requests;
    private TimestampedKeyValueStore<String, CfnCallback> held;
    /** External IDs with held callbacks: spares a store scan on every request when (as usual) none wait. */
    private final Set<String> externalIdsHeld = new HashSet<>();
    /**
     * The ledger entry last read or written while handling the current record or punctuation, and its key: a
     * Create's state is read to decide it and again to save it. Forgotten before each record and punctuation,
     * because the other instance in the task writes the same store.
     */
    private String readKey;
    private LedgerEntry readEntry;

    ExternalIdProcessor(ProcessorConfig config, boolean runsClockChecks, TopicCatalog catalog,
            ProcessorSerdes serdes) {
        this.config = config;
        this.runsClockChecks = runsClockChecks;
        this.requestsTopic = catalog.integrationRequests().name();
        this.requestSerializer = catalog.integrationRequests().valueSerde().serializer();
        this.statesTopic = catalog.integrations();
        this.answersTopic = catalog.cfnResponses();
        this.waitingCreates = serdes.callbacks();
        // Registry subject of the Creates that travel with their claims: this application's own.
        this.waitingCreatesSubjectTopic = waitingCreatesSubjectTopic(config.applicationId());
    }

    /** The "topic" whose subject ({@code <it>-value}) the travelling Creates are encoded under. */
    static String waitingCreatesSubjectTopic(String applicationId) {
        return applicationId + "-" + OnboardingTopology.CLAIMS_BY_ACCOUNT + "-waiting-create";
    }

    @Override
    public void init(ProcessorContext<String, Effect> context) {
        this.context = context;
        this.integrations = context.getStateStore(OnboardingTopology.INTEGRATIONS_BY_EXTERNAL_ID_STORE);
        this.expiryIndex = context.getStateStore(OnboardingTopology.PENDING_EXPIRY_STORE);
        this.requests = context.getStateStore(OnboardingTopology.REQUESTS_STORE);
        this.held = context.getStateStore(OnboardingTopology.HELD_CALLBACKS_STORE);
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = held.all()) {
            it.forEachRemaining(kv -> externalIdsHeld.add(kv.value.value().getExternalId()));
        }
        if (runsClockChecks) {
            context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::checkClock);
            context.schedule(config.decidedCleanupInterval(), PunctuationType.WALL_CLOCK_TIME,
                    this::forgetOldDecisions);
        }
    }

    @Override
    public void process(Record<String, ExternalIdInput> record) {
        forgetEntry();
        Instant now = now();
        ExternalIdInput input = record.value();
        if (input == null) {
            // Only the callbacks topic can carry a record without a value.
            rejectEmptyCallback(record, now);
        } else if (input instanceof ExternalIdInput.Callback c) {
            onCallback(record, c, now);
        } else if (input instanceof ExternalIdInput.Request r) {
            onRequest(record, r.event(), now);
        } else if (input instanceof ExternalIdInput.Outcome o) {
            onOutcome(o.outcome(), now);
        }
    }

    private void onCallback(Record<String, ExternalIdInput> record, ExternalIdInput.Callback input, Instant now) {
        // Never null: a record without a value arrives as a null input (rejected in process()).
        CfnCallback callback = input.callback();
        String requestId = callback.getRequestId();
        // Rule 1: SNS and SQS deliver at least once; a decided RequestId gets the identical answer again.
        RequestState prior = requests.get(requestId);
        if (prior instanceof RequestState.Decided decided) {
            LOG.debug("request {} already decided; answering the same again", requestId);
            emit(new Effect.Respond(requestId, decided.answer()));
            return;
        }
        if (prior != null || (externalIdsHeld.contains(callback.getExternalId())
                && held.get(heldKey(callback)) != null)) {
            // It waits for its request (or, stored by an earlier version, for its claim): one decision only.
            LOG.debug("request {} is already waiting; redelivery ignored", requestId);
            return;
        }
        // The topic is keyed by external ID; a callback in the wrong partition could never meet its request.
        boolean inItsPartition = callback.getExternalId().equals(record.key());
        LedgerEntry ledger = inItsPartition ? entry(callback.getExternalId()) : null;
        RequestState.Decided kept = ledger == null ? null : ledger.answerFor(requestId);
        if (kept != null) {
            // Rule 1 again: the answer that changed this integration's state is kept with that state.
            LOG.debug("request {} already decided; answering the same again", requestId);
            emit(new Effect.Respond(requestId, kept.answer()));
            return;
        }
        apply(callback, input.received(), decider.decide(callback, stateOf(ledger), inItsPartition, now), now);
    }

    private void onRequest(Record<String, ExternalIdInput> record, IntegrationRequestEvent event, Instant now) {
        String externalId = PendingIntegrations.externalIdOf(event);
        Optional<Integration> current = integrationOf(externalId);
        PendingIntegrations.Result result;
        if (event.getEvent() instanceof IntegrationRequested requested) {
            result = pending.request(requested, current, now);
        } else {
            result = pending.cancel((IntegrationCancelled) event.getEvent(), current, now);
        }
        if (result instanceof PendingIntegrations.Changed changed) {
            if (current.isEmpty()) {
                expiryIndex.put(ExpiryIndex.key(changed.newState()), externalId);
            }
            save(changed.newState());
            changed.release().ifPresent(release -> emit(new Effect.Claim(ClaimInTransit.release(release))));
            if (event.getEvent() instanceof IntegrationRequested) {
                decideHeldCallbacks(externalId, now);
            }
        } else if (result instanceof PendingIntegrations.Refused refused) {
            refuseRequest(record, event, refused, now);
        }
    }

    private void onOutcome(OutcomeInTransit returned, Instant now) {
        ClaimOutcome outcome = returned.outcome();
        ClaimCommand claim = outcome.command();
        RequestState state = requests.get(claim.requestId());
        LedgerEntry ledger = entry(claim.externalId());
        Optional<Integration> current = stateOf(ledger);
        if (state instanceof RequestState.Decided || (ledger != null && ledger.answerFor(claim.requestId()) != null)) {
            // A redelivered Create claimed again while the first claim travelled: the first outcome decided.
            LOG.debug("claim outcome for request {}, already decided; ignored", claim.requestId());
            releaseUnused(outcome, current);
            return;
        }
        CfnCallback callback = returned.waitingCreate() != null
                ? waitingCreates.deserializer().deserialize(waitingCreatesSubjectTopic, returned.waitingCreate())
                : state instanceof RequestState.Waiting waiting ? waiting.callback() : null;
        if (callback == null) {
            // Nobody waits for it (cannot happen while stores are intact): only make sure no claim is orphaned.
            LOG.warn("claim outcome for request {} has no waiting callback", claim.requestId());
            releaseUnused(outcome, current);
            return;
        }
        if (state instanceof RequestState.Waiting) {
            // Left by an earlier version; the answer may now be kept with the state instead.
            requests.delete(claim.requestId());
        }
        apply(callback, null, decider.finishClaim(callback, current, outcome, now), now);
    }

    /** Gives back a granted claim that the integration does not use (connected with that account). */
    private void releaseUnused(ClaimOutcome outcome, Optional<Integration> current) {
        ClaimCommand claim = outcome.command();
        boolean inUse = current.map(i -> i.getStatus() == IntegrationStatus.CONNECTED
                && claim.accountId().equals(i.getAccountId())).orElse(false);
        if (outcome.granted() && !inUse) {
            emit(new Effect.Claim(ClaimInTransit.release(ClaimCommand.release(claim.tenantId(), claim.accountId(),
                    claim.integrationId(), claim.externalId()))));
        }
    }

    /**
     * Carries out a decision.
     *
     * @param received the callback's bytes as read from the callbacks topic, if it was read just now: a Create
     *     that claims its account travels in them
     */
    private void apply(CfnCallback callback, byte[] received, CallbackDecision decision, Instant now) {
        if (decision instanceof CallbackDecision.Hold) {
            LOG.info("holding {} {} for up to {}: external ID {} not known yet", callback.getRequestType(),
                    callback.getRequestId(), config.callbackGrace(), ExternalIds.redact(callback.getExternalId()));
            held.put(heldKey(callback), ValueAndTimestamp.make(callback, now.toEpochMilli()));
            externalIdsHeld.add(callback.getExternalId());
        } else if (decision instanceof CallbackDecision.Claim claim) {
            // The Create travels with its claim and comes back with the outcome.
            byte[] travelling = received != null ? received
                    : waitingCreates.serializer().serialize(waitingCreatesSubjectTopic, callback);
            emit(new Effect.Claim(new ClaimInTransit(claim.command(), travelling)));
        } else if (decision instanceof CallbackDecision.Answer answer) {
            CfnResponse response = answer.response();
            byte[] encoded = answersTopic.valueSerde().serializer().serialize(answersTopic.name(), response);
            RequestState.Decided decided = new RequestState.Decided(response.getDecidedAt().toEpochMilli(), encoded);
            // An answer that changes its own external ID's state is kept with the state: one write, not two.
            boolean keptWithState = answer.newState()
                    .filter(next -> next.getExternalId().equals(callback.getExternalId())).isPresent();
            // The callback's own integration also shows its progress (arrival, role verification).
            Optional<Integration> before = keptWithState ? integrationOf(callback.getExternalId()) : Optional.empty();
            answer.newState()
                    .map(next -> before.map(b -> CallbackProgress.stamp(next, callback, b, now)).orElse(next))
                    .ifPresent(next -> save(next, keptWithState
                            ? new LedgerEntry.AnsweredRequest(response.getRequestId(), decided) : null));
            answer.release().ifPresent(release -> emit(new Effect.Claim(ClaimInTransit.release(release))));
            if (!keptWithState) {
                requests.put(response.getRequestId(), decided);
            }
            LOG.info("decided {} {} for external ID {}: {}{}", callback.getRequestType(), callback.getRequestId(),
                    ExternalIds.redact(callback.getExternalId()), response.getStatus(),
                    response.getReason() == null ? "" : " (" + response.getReason() + ")");
            emit(new Effect.Respond(response.getRequestId(), encoded));
        }
    }

    /** Callbacks that overtook their request: decide them now that it is here, oldest first. */
    private void decideHeldCallbacks(String externalId, Instant now) {
        if (!externalIdsHeld.remove(externalId)) {
            return;
        }
        List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = held.prefixScan(externalId + "|", KEYS)) {
            it.forEachRemaining(waiting::add);
        }
        waiting.sort(Comparator.comparingLong(kv -> kv.value.timestamp()));
        for (KeyValue<String, ValueAndTimestamp<CfnCallback>> entry : waiting) {
            held.delete(entry.key);
            CfnCallback callback = entry.value.value();
            apply(callback, null, decider.decide(callback, integrationOf(externalId), false, now), now);
        }
    }

    /** Wall-clock checks: held callbacks past their grace, pending integrations past their expiry. */
    private void checkClock(long timestamp) {
        forgetEntry();
        Instant now = Instant.ofEpochMilli(timestamp);
        long graceEnd = timestamp - config.callbackGrace().toMillis();
        List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> overdue = new ArrayList<>();
        // Usually nothing is held: then the held store is not even opened.
        if (!externalIdsHeld.isEmpty()) {
            try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = held.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.value.timestamp() <= graceEnd) {
                        overdue.add(kv);
                    }
                });
            }
        }
        Set<String> touched = new HashSet<>();
        for (KeyValue<String, ValueAndTimestamp<CfnCallback>> entry : overdue) {
            held.delete(entry.key);
            CfnCallback callback = entry.value.value();
            touched.add(callback.getExternalId());
            apply(callback, null, decider.decide(callback, integrationOf(callback.getExternalId()), false, now), now);
        }
        for (String externalId : touched) {
            try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = held.prefixScan(externalId + "|",
                    KEYS)) {
                if (!it.hasNext()) {
                    externalIdsHeld.remove(externalId);
                }
            }
        }
        // The index keeps every integration ever registered until its expiry time: entries of integrations that
        // left PENDING are dropped here, when due, rather than with a write on every state change.
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = expiryIndex.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (ExpiryIndex.expiresAtMillis(kv.key) > timestamp) {
                    break;
                }
                due.add(kv);
            }
        }
        for (KeyValue<String, String> entry : due) {
            expiryIndex.delete(entry.key);
            Optional<Integration> expired = integrationOf(entry.value).flatMap(i -> pending.expire(i, now));
            if (expired.isPresent()) {
                LOG.info("integration {} expired", expired.get().getIntegrationId());
                save(expired.get());
            }
        }
    }

    /** Forgets decided RequestIds older than the retention (longer than SQS can still redeliver them). */
    private void forgetOldDecisions(long timestamp) {
        long cutoff = timestamp - config.decidedRetention().toMillis();
        List<String> old = new ArrayList<>();
        // The decision time leads each stored answer: nothing is decoded here.
        try (KeyValueIterator<String, RequestState> it = requests.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value instanceof RequestState.Decided decided && decided.decidedAtMillis() < cutoff) {
                    old.add(kv.key);
                }
            });
        }
        old.forEach(requests::delete);
        if (!old.isEmpty()) {
            LOG.info("forgot {} decided requests older than {}", old.size(), Duration.ofMillis(
                    config.decidedRetention().toMillis()));
        }
    }

    /** The integration an external ID names, if any. */
    private Optional<Integration> integrationOf(String externalId) {
        return stateOf(entry(externalId));
    }

    private Optional<Integration> stateOf(LedgerEntry ledger) {
        return ledger == null ? Optional.empty()
                : Optional.of(statesTopic.valueSerde().deserializer().deserialize(statesTopic.name(), ledger.state()));
    }

    /** The ledger entry of an external ID, read once per record or punctuation. */
    private LedgerEntry entry(String externalId) {
        if (!externalId.equals(readKey)) {
            readEntry = integrations.get(externalId);
            readKey = externalId;
        }
        return readEntry;
    }

    private void forgetEntry() {
        readKey = null;
        readEntry = null;
    }

    /** Stores a new state keeping the answer stored with the previous one, and publishes it in full. */
    private void save(Integration next) {
        save(next, null);
    }

    /**
     * Stores a new state and publishes it in full: encoded once, for the store and the topic.
     *
     * @param answered the answer decided with this change, kept with the state; null keeps the one kept before
     */
    private void save(Integration next, LedgerEntry.AnsweredRequest answered) {
        byte[] encoded = statesTopic.valueSerde().serializer().serialize(statesTopic.name(), next);
        String externalId = next.getExternalId();
        LedgerEntry prior = entry(externalId);
        LedgerEntry updated;
        if (answered == null) {
            updated = prior == null ? new LedgerEntry(encoded, null) : prior.withState(encoded);
        } else {
            LedgerEntry.AnsweredRequest leaving = prior == null ? null : prior.answered();
            if (leaving != null && !leaving.requestId().equals(answered.requestId())) {
                // Still answerable after it leaves the entry, for as long as any decided RequestId.
                requests.put(leaving.requestId(), leaving.decided());
            }
            updated = new LedgerEntry(encoded, answered);
        }
        integrations.put(externalId, updated);
        readKey = externalId;
        readEntry = updated;
        emit(new Effect.Publish(next.getIntegrationId(), encoded));
    }

    private void refuseRequest(Record<String, ExternalIdInput> record, IntegrationRequestEvent event,
            PendingIntegrations.Refused refused, Instant now) {
        String originalKey = PendingIntegrations.integrationIdOf(event);
        LOG.warn("refused integration request {}: {} ({})", originalKey, refused.reasonCode(), refused.reason());
        DeadLetter letter = DeadLetters.of(refused.reasonCode(), refused.reason(),
                RequestIntakeProcessor.keyBytes(originalKey),
                RequestIntakeProcessor.originalBytes(requestsTopic, requestSerializer, event), requestsTopic,
                DeadLetters.sourcePartition(record.headers()), DeadLetters.sourceOffset(record.headers()),
                record.headers(), record.timestamp(), now);
        emit(new Effect.RefuseRequest(originalKey, letter));
    }

    private void rejectEmptyCallback(Record<String, ExternalIdInput> record, Instant now) {
        LOG.warn("callback with key {} has no value; dead-lettered", ExternalIds.redact(record.key()));
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        DeadLetter letter = DeadLetters.of(DeadLetters.EMPTY_VALUE, "callback without a value",
                RequestIntakeProcessor.keyBytes(record.key()), null, topic, partition, offset, record.headers(),
                record.timestamp(), now);
        emit(new Effect.RejectCallback(record.key(), letter));
    }

    private void emit(Effect effect) {
        context.forward(new Record<>(effect.key(), effect, context.currentSystemTimeMs()));
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private static String heldKey(CfnCallback callback) {
        return callback.getExternalId() + "|" + callback.getRequestId();
    }

    /** Keys of the pending-expiry index: zero-padded expiry millis, then the external ID, so they sort by time. */
    static final class ExpiryIndex {
        private ExpiryIndex() {
        }

        static String key(Integration integration) {
            String millis = Long.toString(Math.max(0, integration.getExpiresAt().toEpochMilli()));
            return "0".repeat(Math.max(0, 15 - millis.length())) + millis + "|" + integration.getExternalId();
        }

        static long expiresAtMillis(String key) {
            return Long.parseLong(key.substring(0, key.indexOf('|')));
        }
    }
}
