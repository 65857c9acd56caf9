package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.processor.ProcessorSerdes;

/**
 * What reaches the {@link ExternalIdLedger}: a request event re-keyed from the requests topic, or a callback.
 * Lives only between nodes of one task, so it needs no serde of its own; callbacks are read straight into it
 * ({@link ProcessorSerdes#receivedCallbacks}).
 */
public sealed interface ExternalIdInput {
    /** A request event, re-keyed by external ID. */
    record Request(IntegrationRequestEvent event) implements ExternalIdInput {
    }

    /**
     * A CloudFormation callback.
     *
     * @param callback the callback
     * @param received its bytes as read from the callbacks topic (a Create that claims its account travels in
     *     them, not encoded again), or null when it was not read from there (held callbacks, tests)
     */
    record Callback(CfnCallback callback, byte[] received) implements ExternalIdInput {
        @Override
        public boolean equals(Object other) {
            return other instanceof Callback c && java.util.Objects.equals(callback, c.callback)
                    && java.util.Arrays.equals(received, c.received);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Objects.hashCode(callback) + java.util.Arrays.hashCode(received);
        }

        @Override
        public String toString() {
            return "Callback[" + (callback == null ? "none" : callback.getRequestId()) + "]";
        }
    }
}
