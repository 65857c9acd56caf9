package dev.onboarding.schemas.topics;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of the pipeline: its default name, what its key means, its value type and how long it
 * keeps data. Topics that carry ResponseURLs or external IDs keep data for a bounded time; the
 * integration state compacts.
 */
public enum TopicDefinition {
    /** Integration requested / cancelled events from upstream services. */
    INTEGRATION_REQUESTS("integration-requests", "onboarding.integration-requests", "integration id",
            IntegrationRequestEvent.class, Retention.deleteAfter(Duration.ofDays(7))),
    /** Validated CloudFormation requests from the bridge. */
    CFN_CALLBACKS("cfn-callbacks", "onboarding.cfn-callbacks", "external id", CfnCallback.class,
            Retention.deleteAfter(Duration.ofDays(7))),
    /** Decided answers for CloudFormation. */
    CFN_RESPONSES("cfn-responses", "onboarding.cfn-responses", "request id", CfnResponse.class,
            Retention.deleteAfter(Duration.ofDays(7))),
    /** Answers whose first delivery failed, waiting for their next attempt. */
    CFN_RESPONSES_RETRY("cfn-responses-retry", "onboarding.cfn-responses.retry", "request id", CfnResponse.class,
            Retention.deleteAfter(Duration.ofDays(7))),
    /** Full state of every integration (compacted). */
    INTEGRATIONS("integrations", "onboarding.integrations", "integration id", Integration.class,
            Retention.compacted()),
    /** Collection jobs for downstream collectors. */
    COLLECTION_JOBS("collection-jobs", "onboarding.collection-jobs", "integration id", CollectionJob.class,
            Retention.deleteAfter(Duration.ofDays(7))),
    /** What collectors report about each job they ran: the processor turns them into integration health. */
    COLLECTION_RESULTS("collection-results", "onboarding.collection-results", "integration id",
            CollectionResult.class, Retention.deleteAfter(Duration.ofDays(7))),
    /** Collection results the processor could not use (unreadable, or naming no integration it knows). */
    COLLECTION_RESULTS_DLQ("collection-results-dlq", "onboarding.collection-results.dlq", "integration id",
            DeadLetter.class, Retention.deleteAfter(Duration.ofDays(14))),
    /** Callbacks the bridge could not accept. */
    CFN_CALLBACKS_DLQ("cfn-callbacks-dlq", "onboarding.cfn-callbacks.dlq", "source message id", DeadLetter.class,
            Retention.deleteAfter(Duration.ofDays(14))),
    /** Integration requests the processor refused. */
    INTEGRATION_REQUESTS_DLQ("integration-requests-dlq", "onboarding.integration-requests.dlq", "source key",
            DeadLetter.class, Retention.deleteAfter(Duration.ofDays(14))),
    /** Answers that could not be delivered. */
    CFN_RESPONSES_DLQ("cfn-responses-dlq", "onboarding.cfn-responses.dlq", "request id", DeadLetter.class,
            Retention.deleteAfter(Duration.ofDays(14))),
    /** Integration records the scheduler could not use. */
    INTEGRATIONS_DLQ("integrations-dlq", "onboarding.integrations.dlq", "integration id", DeadLetter.class,
            Retention.deleteAfter(Duration.ofDays(14))),
    /**
     * Role verifications the processor asks for once it knows the external ID is the integration's. A day: an
     * answer is worth nothing once CloudFormation stopped waiting (an hour at most), and the records hold external
     * IDs. Its partition count follows {@code onboarding.cfn-callbacks} unless set.
     */
    ROLE_VERIFICATIONS("role-verifications", "onboarding.role-verifications", "external id",
            RoleVerificationRequest.class, Retention.deleteAfter(Duration.ofDays(1))),
    /**
     * The verifier's results, read back by the processor task that owns the external ID: its partition count must
     * be that of {@code onboarding.cfn-callbacks} (the default, unless set).
     */
    ROLE_VERIFICATION_RESULTS("role-verification-results", "onboarding.role-verification-results", "external id",
            RoleVerificationResult.class, Retention.deleteAfter(Duration.ofDays(1)));

    private final String id;
    private final String defaultName;
    private final String keyMeaning;
    private final Class<? extends SpecificRecord> valueType;
    private final Retention defaultRetention;

    TopicDefinition(String id, String defaultName, String keyMeaning, Class<? extends SpecificRecord> valueType,
            Retention defaultRetention) {
        this.id = id;
        this.defaultName = defaultName;
        this.keyMeaning = keyMeaning;
        this.valueType = valueType;
        this.defaultRetention = defaultRetention;
    }

    /** Short id used in config keys: {@code topics.<id>.name}, {@code topics.<id>.retention}. */
    public String id() {
        return id;
    }

    /** The name used when config does not override it. */
    public String defaultName() {
        return defaultName;
    }

    /** What the record key holds. */
    public String keyMeaning() {
        return keyMeaning;
    }

    /** The Avro record class of the values. */
    public Class<? extends SpecificRecord> valueType() {
        return valueType;
    }

    /** Whether the topic must have the partition count of {@link #CFN_CALLBACKS} (keyed alike, read by its tasks). */
    public boolean followsCallbackPartitions() {
        return this == ROLE_VERIFICATIONS || this == ROLE_VERIFICATION_RESULTS;
    }

    /** Retention when config does not override it. */
    public Retention defaultRetention() {
        return defaultRetention;
    }

    /** How a topic keeps data: compacted, or deleted after a time. */
    public record Retention(boolean compact, Duration retention) {
        /** Delete segments older than {@code retention}. */
        public static Retention deleteAfter(Duration retention) {
            return new Retention(false, retention);
        }

        /** Keep the latest value per key forever. */
        public static Retention compacted() {
            return new Retention(true, Duration.ZERO);
        }
    }
}
