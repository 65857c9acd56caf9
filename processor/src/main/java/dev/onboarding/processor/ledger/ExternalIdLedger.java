package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.CLAIMS;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_STORE;
import static dev.onboarding.processor.TopologyNames.PENDING_EXPIRY_STORE;
import static dev.onboarding.processor.TopologyNames.REFUSED_REQUESTS;
import static dev.onboarding.processor.TopologyNames.REJECTED_CALLBACKS;
import static dev.onboarding.processor.TopologyNames.ROLE_DENIALS_STORE;
import static dev.onboarding.processor.TopologyNames.VERIFICATION_REQUESTS;
import static dev.onboarding.processor.TopologyNames.VERIFYING_CALLBACKS_STORE;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.processor.DeadLetters;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.TopologyNames;
import dev.onboarding.processor.health.HealthConfig;
import dev.onboarding.processor.health.HealthRules;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task that owns a set of external IDs, fed by request events, callbacks and the verifier's results: applies
 * the events to the pending integrations, decides callbacks (answered at once, held while their request has not
 * arrived, asked about while the verifier checks their role, or a Create sent to claim its account), and runs the
 * wall-clock checks (held callbacks past their grace, verifications past their wait, pending integrations past
 * their expiry, decided RequestIds past their retention). It keeps the {@link Ledger} with
 * the task's {@link ClaimFinisher}, the held callbacks and the expiry index on its own. Everything about one
 * external ID happens in one task, so decisions commit atomically with the state they change (exactly-once).
 *
 * <p>Ownership first, then STS: only a callback that passes every check of its integration (pending, or the
 * connected one an Update changes; the right account and role name) is sent to the verifier, through
 * {@link TopologyNames#VERIFICATION_REQUESTS}; it waits in {@link VerifyingCallbacks} until the result comes back
 * to this task (keyed by the same external ID) and is then decided again with it. A callback for an unknown
 * external ID costs no STS call.
 *
 * <p>A Create that claims its account travels with its claim and comes back with the outcome to the
 * {@link ClaimFinisher}: nothing is stored for it meanwhile. A redelivery in that time is decided like the first
 * copy and claims again (the claim is idempotent for the same integration); whichever outcome comes back first
 * decides.
 *
 * <p>Forwards to {@link TopologyNames#ANSWERS}, {@link TopologyNames#STATES}, {@link TopologyNames#CLAIMS},
 * {@link TopologyNames#REFUSED_REQUESTS}, {@link TopologyNames#REJECTED_CALLBACKS} and
 * {@link TopologyNames#VERIFICATION_REQUESTS}.
 */
public final class ExternalIdLedger implements Processor<String, ExternalIdInput, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalIdLedger.class);
    /** Answers of an earlier version indexed per punctuation, so a large store delays no callback for long. */
    private static final int EARLIER_ANSWERS_SLICE = 1_000;
    /**
     * The most decided entries of each kind one sweep forgets: after an hour of flood thousands a second are due at
     * once, and forgetting them in one punctuation would hold one exactly-once transaction past its timeout (and
     * every one of them in memory); what is left is forgotten a slice a second.
     */
    static final int FORGET_SLICE = 50_000;

    /** Reason for a callback refused because its integration has the most verifications in flight already. */
    public static final String VERIFICATION_BUSY = "VERIFICATION_BUSY: this integration's role is being verified for another"
            + " stack already; retry in a minute";
    private static final RoleVerification TIMED_OUT = RoleVerification.newBuilder()
            .setOutcome(RoleVerificationOutcome.ERROR).setErrorCode("VerificationTimeout").setAttempts(0).build();

    private final ProcessorConfig config;
    private final TopicCatalog catalog;
    private final String requestsTopic;
    private final Serializer<IntegrationRequestEvent> requestSerializer;
    private final Serde<CfnCallback> waitingCreates;
    private final String waitingCreatesSubjectTopic;
    private final CallbackDecider decider = new CallbackDecider();
    private final PendingIntegrations pending = new PendingIntegrations();
    private final HealthRules healthRules;

    private ProcessorContext<String, Object> context;
    private ProcessorMetrics.Task metrics;
    private Ledger ledger;
    private HeldCallbacks held;
    private VerifyingCallbacks verifying;
    private PendingExpiry expiry;
    private HealthKeeper health;
    /** Whether the last sweep of decided requests left some due (forgotten a slice a second meanwhile). */
    private boolean forgetting;

    /**
     * A ledger processor.
     *
     * @param config the processor's settings (grace, retention, punctuation intervals, application id)
     * @param catalog the shared topics with their serdes
     * @param waitingCreates serde of a Create that travels with its claim (under the application's own subject)
     */
    public ExternalIdLedger(ProcessorConfig config, TopicCatalog catalog, Serde<CfnCallback> waitingCreates) {
        this(config, catalog, waitingCreates, HealthRules.of(HealthConfig.defaults()));
    }

    /**
     * A ledger processor that keeps integration health by {@code healthRules}.
     *
     * @param config the processor's settings (grace, retention, punctuation intervals, application id)
     * @param catalog the shared topics with their serdes
     * @param waitingCreates serde of a Create that travels with its claim (under the application's own subject)
     * @param healthRules how checks of a connected integration's role move its health
     */
    public ExternalIdLedger(ProcessorConfig config, TopicCatalog catalog, Serde<CfnCallback> waitingCreates,
            HealthRules healthRules) {
        this.healthRules = healthRules;
        this.config = config;
        this.catalog = catalog;
        this.requestsTopic = catalog.integrationRequests().name();
        this.requestSerializer = catalog.integrationRequests().valueSerde().serializer();
        this.waitingCreates = waitingCreates;
        this.waitingCreatesSubjectTopic = TopologyNames.waitingCreatesSubjectTopic(config.applicationId());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.metrics = ProcessorMetrics.of(context);
        this.ledger = new Ledger(context, catalog, config, CLAIMS);
        this.held = new HeldCallbacks(context.getStateStore(HELD_CALLBACKS_STORE),
                context.getStateStore(HELD_CALLBACKS_BY_TIME_STORE), config.maxHeldCallbacks(),
                config.maxHeldCallbackBytes());
        this.verifying = new VerifyingCallbacks(context.getStateStore(VERIFYING_CALLBACKS_STORE),
                config.maxVerificationsPerIntegration(), config.verificationTimeout());
        this.expiry = new PendingExpiry(context.getStateStore(PENDING_EXPIRY_STORE));
        this.health = new HealthKeeper(ledger, context.getStateStore(ROLE_DENIALS_STORE), healthRules);
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::checkClock);
        context.schedule(config.decidedCleanupInterval(), PunctuationType.WALL_CLOCK_TIME, this::forgetOldDecisions);
        // Once per task, in slices: index the answers an earlier version kept without the index by time.
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME,
                timestamp -> ledger.indexEarlierAnswers(EARLIER_ANSWERS_SLICE));
    }

    @Override
    public void process(Record<String, ExternalIdInput> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ExternalIdInput input = record.value();
        if (input == null) {
            // Only the callbacks topic can carry a record without a value.
            rejectEmptyCallback(record, now);
        } else if (input instanceof ExternalIdInput.Callback c) {
            // every log line about this callback names its request (and its integration once known)
            try (RequestLogContext log = RequestLogContext.of(c.callback().getRequestId(), null,
                    ExternalIds.redact(c.callback().getExternalId()))) {
                onCallback(record, c, now, log);
            }
        } else if (input instanceof ExternalIdInput.Collection c) {
            try (RequestLogContext log = RequestLogContext.of(null, c.result().getIntegrationId(),
                    ExternalIds.redact(record.key()))) {
                health.check(record.key(), c.result().getIntegrationId(), HealthRules.Check.of(c.result()), now);
            }
        } else if (input instanceof ExternalIdInput.Verified v) {
            RoleVerificationResult result = v.result();
            try (RequestLogContext log = RequestLogContext.of(result.getRequestId(), result.getIntegrationId(),
                    ExternalIds.redact(result.getExternalId()))) {
                onVerified(record.key(), result, now);
            }
        } else if (input instanceof ExternalIdInput.Request r) {
            try (RequestLogContext log = RequestLogContext.of(null, PendingIntegrations.integrationIdOf(r.event()),
                    ExternalIds.redact(PendingIntegrations.externalIdOf(r.event())))) {
                onRequest(record, r.event(), now);
            }
        }
    }

    private void onCallback(Record<String, ExternalIdInput> record, ExternalIdInput.Callback input, Instant now,
            RequestLogContext log) {
        // Never null: a record without a value arrives as a null input (rejected in process()).
        CfnCallback callback = input.callback();
        String requestId = callback.getRequestId();
        // Rule 1: SNS and SQS deliver at least once; a decided RequestId gets the identical answer again.
        DecidedAnswer prior = ledger.decided(callback);
        if (prior != null) {
            LOG.debug("request {} already decided; answering the same again", requestId);
            ledger.answerAgain(requestId, prior);
            return;
        }
        if (held.isHeld(callback) || verifying.isWaiting(callback)) {
            // It waits for its request or for its role's verification: one decision only.
            LOG.debug("request {} is already waiting; redelivery ignored", requestId);
            return;
        }
        // The topic is keyed by external ID; a callback in the wrong partition could never meet its request.
        boolean inItsPartition = callback.getExternalId().equals(record.key());
        LedgerEntry entry = inItsPartition ? ledger.entry(callback.getExternalId()) : null;
        ledger.stateOf(entry).ifPresent(state -> log.integration(state.getIntegrationId()));
        DecidedAnswer kept = Ledger.keptWith(entry, requestId);
        if (kept != null) {
            // Rule 1 again: the answer that changed this integration's state is kept with that state.
            LOG.debug("request {} already decided; answering the same again", requestId);
            ledger.answerAgain(requestId, kept);
            return;
        }
        carryOut(callback, decide(callback, ledger.stateOf(entry), inItsPartition, null, now), null, now);
    }

    /**
     * Decides a callback by the rules of what its external ID names: a member account of an organization integration
     * ({@link OrganizationMembers}, with the member's own state), else one integration ({@link CallbackDecider}).
     *
     * @param verification the verifier's outcome when the callback waited for one, else null
     */
    private CallbackDecision decide(CfnCallback callback, Optional<Integration> current, boolean mayHold,
            RoleVerification verification, Instant now) {
        if (OrganizationMembers.isOrganization(current)) {
            return OrganizationMembers.decide(callback, current.get(),
                    ledger.memberOf(callback.getExternalId(), callback.getAccountId()), verification, now);
        }
        return verification == null ? decider.decide(callback, current, mayHold, now)
                : decider.decideVerified(callback, current, verification, now);
    }

    /** The verifier's result on a waiting callback's role: decide the callback again with it. */
    private void onVerified(String externalId, RoleVerificationResult result, Instant now) {
        if (result.getChecks() == RoleCheckKind.POSITIVE_ONLY && result.getRequestId() == null) {
            // A periodic re-verification of a connected role (the scheduler asked): it moves health only.
            health.check(externalId, result.getIntegrationId(), HealthRules.RoleCheck.of(result.getVerification(),
                    now), now);
            return;
        }
        Optional<CfnCallback> waiting = verifying.take(externalId, result);
        if (waiting.isEmpty()) {
            LOG.debug("result of verification {} is awaited by no callback (a duplicate, or after its wait); "
                    + "ignored", result.getVerificationId());
            return;
        }
        metrics.verificationResult(result.getVerification().getOutcome());
        decideWaited(waiting.get(), result.getVerification(), now);
        if (result.getVerification().getOutcome() == RoleVerificationOutcome.VERIFIED) {
            // A role just verified for a callback (an Update moving an UNREACHABLE integration to a new role) works:
            // its jobs need not wait for the next re-verification to resume.
            ledger.integrationOf(externalId)
                    .filter(i -> i.getHealth() != null && i.getHealth().getStatus() == HealthStatus.UNREACHABLE)
                    .filter(i -> result.getRoleArn().equals(i.getRoleArn()))
                    .ifPresent(i -> health.check(externalId, i.getIntegrationId(),
                            HealthRules.RoleCheck.of(result.getVerification(), now), now));
        }
    }

    /**
     * Decides a callback that waited for its verification. A copy of it (an SQS redelivery) may have been decided
     * meanwhile, through a verification of its own: rule 1, the same answer again, never a second decision.
     */
    private void decideWaited(CfnCallback callback, RoleVerification verification, Instant now) {
        String requestId = callback.getRequestId();
        DecidedAnswer prior = ledger.decided(callback);
        if (prior == null) {
            prior = Ledger.keptWith(ledger.entry(callback.getExternalId()), requestId);
        }
        if (prior != null) {
            LOG.debug("request {} was decided while it waited; answering the same again", requestId);
            ledger.answerAgain(requestId, prior);
            return;
        }
        Optional<Integration> integration = ledger.integrationOf(callback.getExternalId());
        if (OrganizationMembers.waitsForBudget(integration, callback, verification, now,
                config.verificationTimeout())) {
            // A FAILED member would stop the StackSet's rollout: a Create refused for the provider's own
            // verification budget is asked about again after the grace, as one over the per-member limit.
            // Forged member Creates can spend the budget themselves: DEBUG, so they cannot fill the logs.
            LOG.debug("{} {} of an organization's member waits: the provider's verification budget was spent",
                    callback.getRequestType(), requestId);
            hold(callback, now);
            return;
        }
        carryOut(callback, decide(callback, integration, false, verification, now), verification, now);
    }

    private void onRequest(Record<String, ExternalIdInput> record, IntegrationRequestEvent event, Instant now) {
        String externalId = PendingIntegrations.externalIdOf(event);
        Optional<Integration> current = ledger.integrationOf(externalId);
        PendingIntegrations.Result result;
        if (event.getEvent() instanceof IntegrationRequested requested) {
            result = pending.request(requested, current, now);
        } else {
            result = pending.cancel((IntegrationCancelled) event.getEvent(), current, now);
        }
        if (result instanceof PendingIntegrations.Changed changed) {
            if (current.isEmpty()) {
                expiry.add(changed.newState());
            }
            ledger.save(changed.newState());
            changed.release().ifPresent(ledger::release);
            if (event.getEvent() instanceof IntegrationRequested) {
                // Callbacks that overtook their request: decide them now that it is here, oldest first.
                for (CfnCallback callback : held.takeFor(externalId)) {
                    carryOut(callback, decide(callback, ledger.integrationOf(externalId), false, null, now), null, now);
                }
            }
        } else if (result instanceof PendingIntegrations.Refused refused) {
            refuseRequest(record, event, refused, now);
        }
    }

    /**
     * Carries out a decision.
     *
     * @param checked the verifier's result the decision was made with, or null
     */
    private void carryOut(CfnCallback callback, CallbackDecision decision, RoleVerification checked, Instant now) {
        metrics.decided(callback, decision);
        if (decision instanceof CallbackDecision.Hold) {
            // Unknown external IDs are mostly forged: DEBUG, so a flood cannot fill the logs (metrics count them).
            LOG.debug("holding {} {} for up to {}: external ID {} not known yet", callback.getRequestType(),
                    callback.getRequestId(), config.callbackGrace(), ExternalIds.redact(callback.getExternalId()));
            hold(callback, now);
        } else if (decision instanceof CallbackDecision.Verify verify) {
            askVerifier(callback, verify, now);
        } else if (decision instanceof CallbackDecision.Claim claim) {
            // The Create travels with its claim and comes back with the outcome, carrying the verifier's result
            // (a claim follows a VERIFIED one only) for the progress its finisher writes.
            CfnCallback travelling = CfnCallback.newBuilder(callback).setRoleVerification(checked).build();
            ledger.claim(claim.command(), ByteBuffer.wrap(waitingCreates.serializer().serialize(
                    waitingCreatesSubjectTopic, travelling)));
        } else if (decision instanceof CallbackDecision.Answer answer) {
            ledger.answer(callback, answer, checked);
        }
    }

    /**
     * Asks the verifier about the callback's role and keeps the callback waiting; at most a few per integration at
     * once (a leaked external ID, a retry loop): a further one is answered FAILED at once and changes nothing.
     */
    private void askVerifier(CfnCallback callback, CallbackDecision.Verify verify, Instant now) {
        Integration integration = verify.integration();
        if (OrganizationMembers.isMember(integration)) {
            // One organization's external ID admits many members: the limit applies per member account, and a
            // Create over it waits (held, decided again after the grace); a FAILED member would stop the rollout.
            if (!verifying.hasRoom(callback.getExternalId(), callback.getAccountId())) {
                LOG.info("{} {} of member {} waits: its verifications in flight are at the limit",
                        callback.getRequestType(), callback.getRequestId(), integration.getIntegrationId());
                hold(callback, now);
                return;
            }
            if (integration.getStatus() == IntegrationStatus.PENDING) {
                ledger.list(callback.getExternalId(), OrganizationMembers.entryOf(Integration.newBuilder(integration)
                        .setLastFailureReason(null).build()), now);
            }
        } else if (!verifying.hasRoom(callback.getExternalId())) {
            LOG.info("not verifying {} {}: integration {} has verifications in flight already",
                    callback.getRequestType(), callback.getRequestId(), integration.getIntegrationId());
            CallbackDecision.Answer busy = CallbackDecision.Answer.only(CallbackAnswers.failed(callback,
                    VERIFICATION_BUSY, integration.getIntegrationId(), now));
            metrics.decided(callback, busy);
            ledger.answer(callback, busy, null);
            return;
        }
        RoleVerificationRequest request = verifying.ask(callback, integration, now);
        metrics.verificationRequested();
        context.forward(new Record<>(callback.getExternalId(), request, context.currentSystemTimeMs()),
                VERIFICATION_REQUESTS);
        if (!OrganizationMembers.isMember(integration)) {
            // Whoever waits on the integration sees its role being verified (PENDING), on a version of its own,
            // within the bound on versions that only record an attempt. A member is listed PENDING on its
            // organization instead (above): its own state is written once decided.
            ledger.saveStep(CallbackProgress.verifying(integration, callback, now), callback.getRequestId(),
                    HandlingStep.VERIFIED, now);
        }
    }

    /** Holds {@code callback} for the grace; every hold counts against the bound on held callbacks. */
    private void hold(CfnCallback callback, Instant now) {
        held.hold(callback, now.toEpochMilli());
        decideHeldOverTheBound(now);
    }

    /**
     * Past the bound on held callbacks, the oldest cannot wait for their request: decided now, never dropped, by the
     * same rules as after the grace (an organization's member by the organization's).
     */
    private void decideHeldOverTheBound(Instant now) {
        for (CfnCallback early : held.takeOverBound()) {
            // Only a flood reaches the bound: DEBUG, so it cannot fill the logs (the held-over-bound metric counts).
            LOG.debug("deciding held {} {} before its grace is over: more than {} callbacks or {} bytes are held",
                    early.getRequestType(), early.getRequestId(), config.maxHeldCallbacks(),
                    config.maxHeldCallbackBytes());
            metrics.heldOverTheBound();
            carryOut(early, decide(early, ledger.integrationOf(early.getExternalId()), false, null, now), null, now);
        }
    }

    /** Wall-clock checks: held callbacks past their grace, verifications past their wait, pending past expiry. */
    private void checkClock(long timestamp) {
        Instant now = Instant.ofEpochMilli(timestamp);
        for (CfnCallback callback : verifying.takeOverdue(timestamp)) {
            LOG.warn("no role verification result for {} {} within {}", callback.getRequestType(),
                    callback.getRequestId(), config.verificationTimeout());
            metrics.verificationResult(TIMED_OUT.getOutcome());
            decideWaited(callback, TIMED_OUT, now);
        }
        for (CfnCallback callback : held.takeOverdue(timestamp - config.callbackGrace().toMillis())) {
            carryOut(callback, decide(callback, ledger.integrationOf(callback.getExternalId()), false, null, now),
                    null, now);
        }
        metrics.inGrace(held.stillWaiting());
        if (forgetting) {
            forgetting = ledger.forgetDecided(timestamp, FORGET_SLICE).more();
        }
        for (String externalId : expiry.takeDue(timestamp)) {
            Optional<Integration> expired = ledger.integrationOf(externalId).flatMap(i -> pending.expire(i, now));
            if (expired.isPresent()) {
                LOG.info("integration {} expired", expired.get().getIntegrationId());
                ledger.save(expired.get());
            }
        }
    }

    /**
     * Forgets decided RequestIds older than the retention (longer than SQS can still redeliver them), and whole
     * answers to callbacks that matched no integration older than the answer retention; reads only those.
     */
    private void forgetOldDecisions(long timestamp) {
        DecidedRequests.Forgotten forgotten = ledger.forgetDecided(timestamp, FORGET_SLICE);
        forgetting = forgotten.more();
        if (forgotten.count() > 0) {
            LOG.info("forgot {} decided requests (answers after {}, the rest after {}){}", forgotten.count(),
                    config.decidedAnswerRetention(), config.decidedRetention(),
                    forgetting ? "; more are due, forgotten a slice a second" : "");
        }
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
        metrics.deadLettered(letter);
        context.forward(new Record<>(originalKey, letter, context.currentSystemTimeMs()), REFUSED_REQUESTS);
    }

    private void rejectEmptyCallback(Record<String, ExternalIdInput> record, Instant now) {
        LOG.warn("callback with key {} has no value; dead-lettered", ExternalIds.redact(record.key()));
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        DeadLetter letter = DeadLetters.of(DeadLetters.EMPTY_VALUE, "callback without a value",
                RequestIntakeProcessor.keyBytes(record.key()), null, topic, partition, offset, record.headers(),
                record.timestamp(), now);
        metrics.deadLettered(letter);
        context.forward(new Record<>(record.key(), letter, context.currentSystemTimeMs()), REJECTED_CALLBACKS);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
