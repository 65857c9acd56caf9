package dev.onboarding.processor;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;

/**
 * Something a processor wants written: the topology routes each kind to its topic. Effects only pass
 * between nodes of one task, so they need no serde. {@link #key()} is the record key on that topic.
 */
sealed interface Effect {
    /** The record key the effect is written with. */
    String key();

    /** An answer for CloudFormation, keyed by RequestId. */
    record Respond(CfnResponse response) implements Effect {
        @Override
        public String key() {
            return response.getRequestId();
        }
    }

    /** The full new state of an integration, keyed by integration id. */
    record Publish(Integration integration) implements Effect {
        @Override
        public String key() {
            return integration.getIntegrationId();
        }
    }

    /** A refused integration request, keyed by its original key. */
    record RefuseRequest(String key, DeadLetter deadLetter) implements Effect {
    }

    /** A callback that cannot be decided at all (no value), keyed by its original key. */
    record RejectCallback(String key, DeadLetter deadLetter) implements Effect {
    }

    /** An account claim or release, keyed by tenant and account. */
    record Claim(ClaimCommand command) implements Effect {
        @Override
        public String key() {
            return command.claimKey();
        }
    }

    /** A valid request event on its way to the task of its external ID. */
    record Route(String key, IntegrationRequestEvent event) implements Effect {
    }

    /** A claim's answer on its way back to the task of the claimant's external ID. */
    record Outcome(ClaimOutcome outcome) implements Effect {
        @Override
        public String key() {
            return outcome.command().externalId();
        }
    }
}
