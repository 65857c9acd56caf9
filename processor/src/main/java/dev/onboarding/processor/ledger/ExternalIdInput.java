package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.IntegrationRequestEvent;

/**
 * What reaches the {@link ExternalIdLedger}: a request event re-keyed from the requests topic, or a callback.
 * Lives only between nodes of one task, so it needs no serde of its own.
 */
public sealed interface ExternalIdInput {
    /** A callback as read from its topic; null for a record without a value (the ledger dead-letters it). */
    static ExternalIdInput ofCallback(CfnCallback callback) {
        return callback == null ? null : new Callback(callback);
    }

    /** A request event, re-keyed by external ID. */
    record Request(IntegrationRequestEvent event) implements ExternalIdInput {
    }

    /** A CloudFormation callback. */
    record Callback(CfnCallback callback) implements ExternalIdInput {
    }

    /** A collector's result for a job of the external ID's integration. */
    record Collection(CollectionResult result) implements ExternalIdInput {
    }
}
