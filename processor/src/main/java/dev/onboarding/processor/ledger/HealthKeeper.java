package dev.onboarding.processor.ledger;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.health.HealthRules;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the health of the CONNECTED integrations of one external-ID task: applies each check to the integration's
 * state with the {@link HealthRules}, remembers the run of consecutive role denials (only while there is one), and
 * saves a new state version when the health changes, nothing otherwise. Checks of an integration that is not
 * CONNECTED are ignored (its health begins when it connects).
 */
final class HealthKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(HealthKeeper.class);

    private final Ledger ledger;
    private final KeyValueStore<String, Integer> denials;
    private final HealthRules rules;

    HealthKeeper(Ledger ledger, KeyValueStore<String, Integer> denials, HealthRules rules) {
        this.ledger = ledger;
        this.denials = denials;
        this.rules = rules;
    }

    /**
     * Applies {@code check} to the integration of {@code externalId}.
     *
     * @param integrationId the integration the check names: a check of an earlier integration is ignored
     * @return the new state, when the health changed
     */
    Optional<Integration> check(String externalId, String integrationId, HealthRules.Check check, Instant now) {
        Optional<Integration> current = ledger.integrationOf(externalId);
        Integer run = denials.get(externalId);
        if (current.isEmpty() || current.get().getStatus() != IntegrationStatus.CONNECTED
                || !current.get().getIntegrationId().equals(integrationId)) {
            if (run != null) {
                // A run of an integration no longer connected: a changelog write only when there is one.
                denials.delete(externalId);
            }
            return Optional.empty();
        }
        Integration state = current.get();
        HealthRules.Verdict verdict = rules.apply(state.getHealth(), run == null ? 0 : run, check);
        if (verdict.consecutiveDenials() == 0) {
            if (run != null) {
                denials.delete(externalId);
            }
        } else if (run == null || run != verdict.consecutiveDenials()) {
            denials.put(externalId, verdict.consecutiveDenials());
        }
        if (verdict.changed().isEmpty()) {
            return Optional.empty();
        }
        Integration next = Integration.newBuilder(state).setHealth(verdict.changed().get())
                .setVersion(state.getVersion() + 1).setUpdatedAt(now).build();
        LOG.info("integration {} is {}{}", integrationId, next.getHealth().getStatus(),
                next.getHealth().getReason() == null ? "" : ": " + next.getHealth().getReason());
        ledger.save(next);
        return Optional.of(next);
    }
}
