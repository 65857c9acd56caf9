package dev.onboarding.processor;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.processor.claims.ClaimInTransit;
import dev.onboarding.processor.claims.OutcomeInTransit;

/**
 * Something a processor wants written: the topology routes each kind to its topic. Effects only pass
 * between nodes of one task, so they need no serde. {@link #key()} is the record key on that topic.
 * Answers and states arrive already in their topic's wire format: the processor encodes each once, for its
 * store and its topic alike.
 */
sealed interface Effect {
    /** The record key the effect is written with. */
    String key();

    /** An answer for CloudFormation (a {@code CfnResponse} in the responses topic's format), keyed by RequestId. */
    record Respond(String key, byte[] answer) implements Effect {
    }

    /** The full new state of an integration (in the integrations topic's format), keyed by integration id. */
    record Publish(String key, byte[] state) implements Effect {
    }

    /** A refused integration request, keyed by its original key. */
    record RefuseRequest(String key, DeadLetter deadLetter) implements Effect {
    }

    /** A callback that cannot be decided at all (no value), keyed by its original key. */
    record RejectCallback(String key, DeadLetter deadLetter) implements Effect {
    }

    /** An account claim (with its waiting Create) or release, keyed by tenant and account. */
    record Claim(ClaimInTransit claim) implements Effect {
        @Override
        public String key() {
            return ClaimCommand.claimKey(claim.getTenantId(), claim.getAccountId());
        }
    }

    /** A valid request event on its way to the task of its external ID. */
    record Route(String key, IntegrationRequestEvent event) implements Effect {
    }

    /** A claim's answer on its way back to the task of the claimant's external ID. */
    record Outcome(OutcomeInTransit outcome) implements Effect {
        @Override
        public String key() {
            return outcome.getClaim().getExternalId();
        }
    }
}
