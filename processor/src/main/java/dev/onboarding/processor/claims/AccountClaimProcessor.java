package dev.onboarding.processor.claims;

import static dev.onboarding.processor.TopologyNames.OUTCOMES;

import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.TopologyNames;
import dev.onboarding.runtime.RequestLogContext;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task that owns a set of (tenant, AWS account) pairs: grants or denies claims and applies releases
 * against the account-claims store, atomically with the outcome it sends back (exactly-once). A claim's
 * waiting Create is passed back with the outcome without being decoded. Forwards outcomes to
 * {@link TopologyNames#OUTCOMES}; a release has no outcome (the node that applies the finisher's releases has no
 * child).
 */
public final class AccountClaimProcessor implements Processor<String, ClaimInTransit, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(AccountClaimProcessor.class);

    private final AccountClaims rules = new AccountClaims();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, AccountHolder> claims;
    private ProcessorMetrics.Task metrics;

    /** A claims processor. */
    public AccountClaimProcessor() {
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.claims = context.getStateStore(TopologyNames.ACCOUNT_CLAIMS_STORE);
        this.metrics = ProcessorMetrics.of(context);
    }

    @Override
    public void process(Record<String, ClaimInTransit> record) {
        if (record.value() == null) {
            return;
        }
        ClaimCommand command = ClaimCommand.of(record.value());
        try (RequestLogContext ignored = RequestLogContext.of(command.requestId(), command.integrationId(), null)) {
            decide(record, command);
        }
    }

    private void decide(Record<String, ClaimInTransit> record, ClaimCommand command) {
        String key = command.claimKey();
        Optional<AccountClaim> current = Optional.ofNullable(claims.get(key)).map(AccountClaim::of);
        long now = context.currentSystemTimeMs();
        if (command.kind() == ClaimCommand.Kind.CLAIM) {
            AccountClaims.ClaimResult result = rules.claim(command, current, now);
            result.newHolder().ifPresent(holder -> claims.put(key, holder.toHolder()));
            metrics.claimed(result.outcome().granted());
            if (!result.outcome().granted()) {
                LOG.info("account {} of tenant {} denied to integration {}: held by {}", command.accountId(),
                        command.tenantId(), command.integrationId(), result.outcome().holderIntegrationId());
            }
            // The claim goes back with the outcome, its waiting Create untouched.
            OutcomeInTransit outcome = new OutcomeInTransit(result.outcome().granted(),
                    result.outcome().holderIntegrationId(), record.value());
            context.forward(new Record<>(command.externalId(), outcome, now), OUTCOMES);
        } else if (rules.releases(command, current)) {
            LOG.info("account {} of tenant {} released by integration {}", command.accountId(), command.tenantId(),
                    command.integrationId());
            claims.delete(key);
            metrics.released();
        }
    }
}
