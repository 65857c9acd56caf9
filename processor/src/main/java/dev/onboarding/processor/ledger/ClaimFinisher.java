package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.RELEASES;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.TopologyNames;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimOutcome;
import dev.onboarding.processor.claims.OutcomeInTransit;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task that owns a set of external IDs, fed by the outcomes of account claims: finishes the Create that
 * travelled with each claim (CONNECTED and SUCCESS, or FAILED) in the {@link Ledger} it keeps with the task's
 * {@link ExternalIdLedger}. A node of its own because a topology has no cycles (the ledger's claims come back as
 * outcomes). A redelivered Create that claimed again while the first claim travelled finds the first outcome's
 * decision: its outcome only gives back a claim nobody uses.
 *
 * <p>Forwards to {@link TopologyNames#ANSWERS}, {@link TopologyNames#STATES} and {@link TopologyNames#RELEASES}.
 */
public final class ClaimFinisher implements Processor<String, OutcomeInTransit, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimFinisher.class);

    private final ProcessorConfig config;
    private final TopicCatalog catalog;
    private final Deserializer<CfnCallback> waitingCreates;
    private final String waitingCreatesSubjectTopic;
    private final CallbackDecider decider = new CallbackDecider();
    private Ledger ledger;
    private ProcessorContext<String, Object> context;
    private ProcessorMetrics.Task metrics;

    /**
     * A finisher.
     *
     * @param config the processor's settings (its application id names the travelling Creates' subject)
     * @param catalog the shared topics with their serdes
     * @param waitingCreates reads the Create that travelled with a claim
     */
    public ClaimFinisher(ProcessorConfig config, TopicCatalog catalog, Deserializer<CfnCallback> waitingCreates) {
        this.config = config;
        this.catalog = catalog;
        this.waitingCreates = waitingCreates;
        this.waitingCreatesSubjectTopic = TopologyNames.waitingCreatesSubjectTopic(config.applicationId());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.metrics = ProcessorMetrics.of(context);
        this.ledger = new Ledger(context, catalog, config, RELEASES);
    }

    @Override
    public void process(Record<String, OutcomeInTransit> record) {
        ClaimOutcome outcome = ClaimOutcome.of(record.value());
        ClaimCommand claim = outcome.command();
        try (RequestLogContext ignored = RequestLogContext.of(claim.requestId(), claim.integrationId(),
                ExternalIds.redact(claim.externalId()))) {
            finish(record, outcome, claim);
        }
    }

    private void finish(Record<String, OutcomeInTransit> record, ClaimOutcome outcome, ClaimCommand claim) {
        LedgerEntry entry = ledger.entry(claim.externalId());
        Optional<Integration> current = ledger.stateOf(entry);
        if (ledger.isDecided(claim.requestId()) || Ledger.keptWith(entry, claim.requestId()) != null) {
            // A redelivered Create claimed again while the first claim travelled: the first outcome decided.
            LOG.debug("claim outcome for request {}, already decided; ignored", claim.requestId());
            releaseUnused(outcome, current);
            return;
        }
        ByteBuffer waitingCreate = record.value().getClaim().getWaitingCreate();
        if (waitingCreate == null) {
            // Every claim carries its Create (only a bug sends one without): make sure no claim is orphaned.
            LOG.warn("claim outcome for request {} has no waiting callback", claim.requestId());
            releaseUnused(outcome, current);
            return;
        }
        CfnCallback callback = waitingCreates.deserialize(waitingCreatesSubjectTopic,
                Ledger.bytesOf(waitingCreate));
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        CallbackDecision.Answer answer = OrganizationMembers.isOrganization(current)
                ? OrganizationMembers.finishClaim(callback, current.get(),
                        ledger.memberOf(claim.externalId(), claim.accountId()), outcome, now)
                : decider.finishClaim(callback, current, outcome, now);
        metrics.decided(callback, answer);
        // The ledger sent the Create with the verifier's result on its role (the ingress leaves that field empty).
        ledger.answer(callback, answer, callback.getRoleVerification());
    }

    /** Gives back a granted claim that the integration does not use (connected with that account). */
    private void releaseUnused(ClaimOutcome outcome, Optional<Integration> current) {
        ClaimCommand claim = outcome.command();
        if (OrganizationMembers.isOrganization(current)) {
            // A member's claim: the member's own state says whether it uses the account.
            current = ledger.memberOf(claim.externalId(), claim.accountId());
        }
        boolean inUse = current.map(i -> i.getStatus() == IntegrationStatus.CONNECTED
                && claim.accountId().equals(i.getAccountId())).orElse(false);
        if (outcome.granted() && !inUse) {
            ledger.release(ClaimCommand.release(claim.tenantId(), claim.accountId(), claim.integrationId(),
                    claim.externalId()));
        }
    }
}
