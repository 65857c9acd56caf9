package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;

/**
 * Everything that reaches the task owning an external ID: a request event re-keyed from the requests
 * topic, a callback, or the outcome of an account claim. Lives only between nodes of one task, so it
 * needs no serde.
 */
sealed interface ExternalIdInput {
    /** A request event, re-keyed by external ID. */
    record Request(IntegrationRequestEvent event) implements ExternalIdInput {
    }

    /** A CloudFormation callback. */
    record Callback(CfnCallback callback) implements ExternalIdInput {
    }

    /** The answer to an account claim made for a waiting Create, with the Create. */
    record Outcome(OutcomeInTransit outcome) implements ExternalIdInput {
    }
}
