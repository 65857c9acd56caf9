package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.ANSWERS;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE;
import static dev.onboarding.processor.TopologyNames.STATES;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.processor.ProcessorConfig;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The ledger of one external-ID task: each integration's state and the answers decided, in the
 * integrations-by-external-id and requests stores, and what carrying out an answer writes and sends. The task's
 * {@link ExternalIdLedger} and {@link ClaimFinisher} each open one over the same stores.
 *
 * <p>The answer to a callback that changes its integration's state is kept with that state ({@link LedgerEntry}),
 * so a connecting Create costs one store write, not two; an earlier answer kept there moves to the requests store
 * when a later one takes its place. Answers kept with a state are not swept by the retention: there is one per
 * external ID at most. Answers and states are encoded once, in their topic's wire format, for the store and the
 * topic alike. The other answers are the {@link DecidedRequests}: an answer to a callback that matched no
 * integration costs its full size for the answer retention only, then a few dozen bytes.
 *
 * <p>A failed attempt recorded on a state (a FAILED Create on a PENDING integration, a refused role change on a
 * CONNECTED one) is a version the integration could do without: {@link AttemptRecords} bounds them per RequestId and
 * per hour, and past the bound the attempt is answered but not recorded.
 */
final class Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    private final ProcessorContext<String, Object> context;
    private final KeyValueStore<String, LedgerEntry> entries;
    private final DecidedRequests decided;
    private final ProcessorConfig config;
    private final AttemptRecords attempts;
    private final Topic<String, Integration> statesTopic;
    private final Topic<String, CfnResponse> answersTopic;
    private final String claimsChild;

    /**
     * The ledger of the task {@code context} belongs to.
     *
     * @param claimsChild the child that claims and releases are forwarded to
     */
    Ledger(ProcessorContext<String, Object> context, TopicCatalog catalog, ProcessorConfig config,
            String claimsChild) {
        this.context = context;
        this.entries = context.getStateStore(INTEGRATIONS_BY_EXTERNAL_ID_STORE);
        this.decided = new DecidedRequests(context);
        this.config = config;
        this.attempts = new AttemptRecords(config.maxRecordedAttemptsPerHour());
        this.statesTopic = catalog.integrations();
        this.answersTopic = catalog.cfnResponses();
        this.claimsChild = claimsChild;
    }

    /** The ledger entry of an external ID, or null. */
    LedgerEntry entry(String externalId) {
        return entries.get(externalId);
    }

    /** The integration an external ID names, if any. */
    Optional<Integration> integrationOf(String externalId) {
        return stateOf(entry(externalId));
    }

    /** The own integration of member account {@code accountId} under an organization's external ID, if any. */
    Optional<Integration> memberOf(String externalId, String accountId) {
        return accountId == null ? Optional.empty() : stateOf(entries.get(memberKey(externalId, accountId)));
    }

    /**
     * Where a member account's own state is kept: beside its organization's, in the same task (one external ID).
     * External IDs never hold {@code |}.
     */
    static String memberKey(String externalId, String accountId) {
        return externalId + "|" + accountId;
    }

    private static String keyOf(Integration integration) {
        return OrganizationMembers.isMember(integration)
                ? memberKey(integration.getExternalId(), integration.getExpectedAccountId())
                : integration.getExternalId();
    }

    /** Lists a member's entry on its organization (a Create being verified) and publishes the organization. */
    void list(String externalId, dev.onboarding.contract.OrganizationMember member, java.time.Instant now) {
        integrationOf(externalId).flatMap(org -> OrganizationMembers.withMember(org, member, now)).ifPresent(this::save);
    }

    /** The integration an entry holds, if any. */
    Optional<Integration> stateOf(LedgerEntry entry) {
        return entry == null ? Optional.empty()
                : Optional.of(statesTopic.valueSerde().deserializer().deserialize(statesTopic.name(),
                        bytesOf(entry.getState())));
    }

    /**
     * The answer decided before for {@code callback}'s RequestId and kept by RequestId, or null: the whole answer, or
     * the one rebuilt from the callback and what is remembered of its first copy (null also when the callback cannot
     * be a redelivery of it: another request type under the same RequestId).
     */
    DecidedAnswer decided(CfnCallback callback) {
        String requestId = callback.getRequestId();
        DecidedAnswer whole = decided.answer(requestId);
        if (whole != null) {
            return whole;
        }
        RememberedDecision remembered = decided.remembered(requestId);
        if (remembered == null) {
            return null;
        }
        return RememberedAnswers.rebuild(callback, remembered)
                .map(response -> new DecidedAnswer(response.getDecidedAt(), ByteBuffer.wrap(
                        answersTopic.valueSerde().serializer().serialize(answersTopic.name(), response))))
                .orElse(null);
    }

    /** Whether {@code requestId} was decided and is remembered (by its answer or its digest). */
    boolean isDecided(String requestId) {
        return decided.isDecided(requestId);
    }

    /** The answer kept with {@code entry} for {@code requestId}, if it is the one the entry holds, or null. */
    static DecidedAnswer keptWith(LedgerEntry entry, String requestId) {
        AnsweredRequest answered = entry == null ? null : entry.getAnswered();
        return answered != null && answered.getRequestId().equals(requestId) ? answered.getDecided() : null;
    }

    /** Sends an answer decided before again, byte for byte (a redelivered callback). */
    void answerAgain(String requestId, DecidedAnswer answer) {
        forward(requestId, bytesOf(answer.getAnswer()), ANSWERS);
    }

    /**
     * Carries out an answer to {@code callback}: stores it (with the state it changes, or by RequestId), publishes
     * the new state, gives back a claim the integration no longer needs, and sends the answer.
     *
     * @param checked the verifier's result on the callback's role, or null when none was asked for
     */
    void answer(CfnCallback callback, CallbackDecision.Answer answer, RoleVerification checked) {
        CfnResponse response = answer.response();
        byte[] encoded = answersTopic.valueSerde().serializer().serialize(answersTopic.name(), response);
        DecidedAnswer decision = new DecidedAnswer(response.getDecidedAt(), ByteBuffer.wrap(encoded));
        Optional<Integration> newState = answer.newState();
        List<RecordedStep> recorded = null;
        if (newState.isPresent() && AttemptRecords.recordsAnAttempt(response, newState.get())) {
            // The entry the new state is saved to (a member's own, in an organization): its attempts are counted.
            LedgerEntry entry = entry(keyOf(newState.get()));
            Optional<List<RecordedStep>> admitted = attempts.admit(entry == null ? null : entry.getAttempts(),
                    response.getRequestId(), HandlingStep.DECIDED, Instant.ofEpochMilli(context.currentSystemTimeMs()));
            if (admitted.isEmpty()) {
                // Whoever holds a leaked external ID can make these at will: DEBUG, so they cannot fill the logs.
                LOG.debug("not recording the failed {} {} on its integration: {} attempts recorded this hour already",
                        callback.getRequestType(), callback.getRequestId(), config.maxRecordedAttemptsPerHour());
            }
            newState = admitted.isPresent() ? newState : Optional.empty();
            recorded = admitted.orElse(null);
        }
        // An answer that changes its own external ID's state is kept with the state: one write, not two.
        boolean keptWithState = newState
                .filter(next -> keyOf(next).equals(callback.getExternalId())).isPresent();
        // The callback's own integration also shows its progress (arrival, role verification).
        Optional<Integration> before = keptWithState ? integrationOf(callback.getExternalId()) : Optional.empty();
        List<RecordedStep> attemptsNow = recorded;
        newState
                .map(next -> before.map(b -> CallbackProgress.stamp(next, callback, b, checked, response))
                        .orElse(next))
                .ifPresent(next -> save(next,
                        keptWithState ? new AnsweredRequest(response.getRequestId(), decision) : null, attemptsNow));
        answer.release().ifPresent(this::release);
        if (!keptWithState) {
            Optional<RememberedDecision> remembered = newState.isEmpty() && answer.release().isEmpty()
                    ? RememberedAnswers.remember(callback, response) : Optional.empty();
            if (remembered.isPresent()) {
                // A callback that matched no integration: its ResponseURL stays for the answer retention only.
                decided.keepBriefly(response.getRequestId(), decision, remembered.get(),
                        config.decidedAnswerRetention());
            } else {
                decided.keep(response.getRequestId(), decision);
            }
        }
        // A decision that touched no integration is what a forged flood makes: a line each would let an attacker
        // fill the logs, so those go to DEBUG (the decision metrics count them); the others stay at INFO.
        Level level = !keptWithState && newState.isEmpty() && answer.release().isEmpty()
                ? Level.DEBUG : Level.INFO;
        LOG.atLevel(level).log("decided {} {} for external ID {}: {}{}", callback.getRequestType(),
                callback.getRequestId(), ExternalIds.redact(callback.getExternalId()), response.getStatus(),
                response.getReason() == null ? "" : " (" + response.getReason() + ")");
        forward(response.getRequestId(), encoded, ANSWERS);
    }

    /** Stores a new state, keeping the answer stored with the previous one, and publishes it in full. */
    void save(Integration next) {
        save(next, null, null);
    }

    /**
     * Stores a version that only shows a step of a callback's handling (its role being verified), as
     * {@link AttemptRecords} admits it: once per RequestId and step, and within the integration's hourly bound, so
     * that whoever holds an external ID cannot write a version per callback. Returns whether it was written.
     */
    boolean saveStep(Integration next, String requestId, HandlingStep step, Instant now) {
        LedgerEntry entry = entry(keyOf(next));
        Optional<List<RecordedStep>> admitted = attempts.admit(entry == null ? null : entry.getAttempts(), requestId,
                step, now);
        admitted.ifPresent(recorded -> save(next, null, recorded));
        return admitted.isPresent();
    }

    /**
     * Stores a new state and publishes it in full: encoded once, for the store and the topic.
     *
     * @param answered the answer decided with this change, kept with the state; null keeps the one kept before
     * @param recorded the attempts recorded with this change; null keeps those recorded before
     */
    private void save(Integration next, AnsweredRequest answered, List<RecordedStep> recorded) {
        byte[] encoded = statesTopic.valueSerde().serializer().serialize(statesTopic.name(), next);
        String externalId = keyOf(next);
        LedgerEntry prior = entry(externalId);
        AnsweredRequest kept = prior == null ? null : prior.getAnswered();
        if (answered != null) {
            if (kept != null && !kept.getRequestId().equals(answered.getRequestId())) {
                // Still answerable after it leaves the entry, for as long as any decided RequestId.
                decided.keep(kept.getRequestId(), kept.getDecided());
            }
            kept = answered;
        }
        List<RecordedStep> attemptsNow = recorded != null ? recorded : prior == null ? List.of() : prior.getAttempts();
        entries.put(externalId, new LedgerEntry(ByteBuffer.wrap(encoded), kept, attemptsNow));
        forward(next.getIntegrationId(), encoded, STATES);
        if (OrganizationMembers.isMember(next)) {
            // The organization's list follows each member's own state.
            list(next.getExternalId(), OrganizationMembers.entryOf(next), next.getUpdatedAt());
        }
    }

    /** Sends a claim for a Create to the task of its (tenant, account), the Create travelling with it. */
    void claim(ClaimCommand claim, ByteBuffer waitingCreate) {
        forward(claim.claimKey(), claim.inTransit(waitingCreate), claimsChild);
    }

    /** Gives a claim back. */
    void release(ClaimCommand release) {
        claim(release, null);
    }

    /**
     * Forgets what the retentions let go at {@code nowMillis} (reading only that), at most {@code slice} entries of
     * each kind.
     */
    DecidedRequests.Forgotten forgetDecided(long nowMillis, int slice) {
        return decided.forget(nowMillis, config.decidedAnswerRetention(), config.decidedRetention(), slice);
    }

    /** Indexes up to {@code slice} more answers an earlier version kept without an index (once per task). */
    int indexEarlierAnswers(int slice) {
        return decided.indexEarlierAnswers(slice);
    }

    private void forward(String key, Object value, String child) {
        context.forward(new Record<>(key, value, context.currentSystemTimeMs()), child);
    }

    /** The bytes of an Avro {@code bytes} field: its array when it is exactly that (as decoded), else a copy. */
    static byte[] bytesOf(ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
