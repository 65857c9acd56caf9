package dev.onboarding.processor;

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
 * waiting Create is passed back with the outcome without being decoded.
 */
final class AccountClaimProcessor implements Processor<String, ClaimInTransit, String, Effect> {
    private static final Logger LOG = LoggerFactory.getLogger(AccountClaimProcessor.class);

    private final AccountClaims rules = new AccountClaims();
    private ProcessorContext<String, Effect> context;
    private KeyValueStore<String, AccountClaim> claims;
    private ProcessorMetrics.Task metrics;

    @Override
    public void init(ProcessorContext<String, Effect> context) {
        this.context = context;
        this.claims = context.getStateStore(OnboardingTopology.ACCOUNT_CLAIMS_STORE);
        this.metrics = ProcessorMetrics.of(context);
    }

    @Override
    public void process(Record<String, ClaimInTransit> record) {
        if (record.value() == null) {
            return;
        }
        ClaimCommand command = record.value().command();
        String key = command.claimKey();
        Optional<AccountClaim> current = Optional.ofNullable(claims.get(key));
        long now = context.currentSystemTimeMs();
        if (command.kind() == ClaimCommand.Kind.CLAIM) {
            AccountClaims.ClaimResult result = rules.claim(command, current, now);
            result.newHolder().ifPresent(holder -> claims.put(key, holder));
            metrics.claimed(result.outcome().granted());
            if (!result.outcome().granted()) {
                LOG.info("account {} of tenant {} denied to integration {}: held by {}", command.accountId(),
                        command.tenantId(), command.integrationId(), result.outcome().holderIntegrationId());
            }
            // The waiting Create goes back with the outcome, untouched.
            Effect.Outcome outcome = new Effect.Outcome(new OutcomeInTransit(result.outcome(),
                    record.value().waitingCreate()));
            context.forward(new Record<>(outcome.key(), outcome, now));
        } else if (rules.releases(command, current)) {
            LOG.info("account {} of tenant {} released by integration {}", command.accountId(), command.tenantId(),
                    command.integrationId());
            claims.delete(key);
            metrics.released();
        }
    }
}
