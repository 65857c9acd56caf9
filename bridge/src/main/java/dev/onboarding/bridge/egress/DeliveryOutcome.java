package dev.onboarding.bridge.egress;

/** What became of one attempt to deliver a response, or why no attempt was made. */
public sealed interface DeliveryOutcome {

    /** CloudFormation's bucket accepted the body. */
    record Delivered(int httpStatus) implements DeliveryOutcome {
    }

    /** A failure worth another try (network error, timeout, 5xx, 429); {@code detail} never holds the URL. */
    record Retryable(String detail) implements DeliveryOutcome {
    }

    /**
     * No attempt will ever succeed: the response is dead-lettered.
     *
     * @param reasonCode machine-readable, bounded set (a metric tag): see the constants
     * @param reason human-readable, never the URL
     */
    record GiveUp(String reasonCode, String reason) implements DeliveryOutcome {
        /** CloudFormation no longer listens (or no attempt fits before it stops). */
        public static final String DEADLINE_PASSED = "DEADLINE_PASSED";
        /** The endpoint answered with a redirect; redirects are never followed. */
        public static final String REDIRECT_REFUSED = "REDIRECT_REFUSED";
        /** The record could not be read as a CfnResponse. */
        public static final String MALFORMED_RECORD = "MALFORMED_RECORD";
        /** The response cannot make a valid body (blank PhysicalResourceId, oversized ids). */
        public static final String INVALID_RESPONSE = "INVALID_RESPONSE";

        /** A 4xx other than 429: the URL expired or was tampered with. */
        public static GiveUp rejected(int httpStatus) {
            return new GiveUp("HTTP_" + httpStatus, "the response endpoint answered HTTP " + httpStatus);
        }
    }
}
