package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.RoleVerificationResult;

/**
 * What reaches the {@link ExternalIdLedger}: a request event re-keyed from the requests topic, a callback, or the
 * verifier's result on a callback's role.
 * Lives only between nodes of one task, so it needs no serde of its own.
 */
public sealed interface ExternalIdInput {
    /** A callback as read from its topic; null for a record without a value (the ledger dead-letters it). */
    static ExternalIdInput ofCallback(CfnCallback callback) {
        return callback == null ? null : new Callback(callback);
    }

    /** A verification result as read from its topic; null for a record without a value (ignored). */
    static ExternalIdInput ofVerification(RoleVerificationResult result) {
        return result == null ? null : new Verified(result);
    }

    /** A request event, re-keyed by external ID. */
    record Request(IntegrationRequestEvent event) implements ExternalIdInput {
    }

    /** A CloudFormation callback. */
    record Callback(CfnCallback callback) implements ExternalIdInput {
    }

    /** The verifier's result on the role of a callback that waits for it. */
    record Verified(RoleVerificationResult result) implements ExternalIdInput {
    }

    /** A collector's result for a job of the external ID's integration. */
    record Collection(CollectionResult result) implements ExternalIdInput {
    }
}
