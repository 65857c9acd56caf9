package dev.onboarding.processor;

/**
 * The names in the processor's topology: state stores, repartitions, processors and the children they forward
 * to. Store and repartition names are part of every deployment (they name the changelog and repartition topics
 * {@code <application.id>-<name>-changelog} and {@code <application.id>-<name>-repartition}, and the stores the
 * query server reads): never rename one. The topology and the processors it builds both read them here, so no
 * processor needs the class that builds it.
 */
public final class TopologyNames {
    /** Integration id -> external ID it was requested with (task of the integration id). */
    public static final String INTEGRATION_IDS_STORE = "integration-ids";
    /** External ID -> its ledger entry: integration state and its latest answer (task of the external ID). */
    public static final String INTEGRATIONS_BY_EXTERNAL_ID_STORE = "integrations-by-external-id";
    /** Expiry-ordered index of pending integrations. */
    public static final String PENDING_EXPIRY_STORE = "pending-expiry";
    /** RequestId -> the answer decided for it, in the responses topic's wire format. */
    public static final String REQUESTS_STORE = "requests";
    /** Callbacks waiting for their request, stamped with when they started waiting. */
    public static final String HELD_CALLBACKS_STORE = "held-callbacks";
    /** Callbacks waiting for the verifier's result on their role, keyed {@code <external ID>|<RequestId>}. */
    public static final String VERIFYING_CALLBACKS_STORE = "verifying-callbacks";
    /** (tenant, account) -> the integration holding it. */
    public static final String ACCOUNT_CLAIMS_STORE = "account-claims";
    /** Integration id -> state as the integrations topic holds it (wire-format bytes; interactive queries). */
    public static final String INTEGRATIONS_BY_ID_STORE = "integrations-by-id";
    /** Tenant index key -> integration id, beside {@link #INTEGRATIONS_BY_ID_STORE} (interactive queries). */
    public static final String TENANT_INDEX_STORE = "tenant-index";
    /** External ID -> the run of consecutive denials of its role (absent: none), for the integration's health. */
    public static final String ROLE_DENIALS_STORE = "role-denials";

    /** Repartition of request events by external ID. */
    public static final String REQUESTS_BY_EXTERNAL_ID = "requests-by-external-id";
    /** Repartition of claims (each with its waiting Create) and releases by (tenant, account). */
    public static final String CLAIMS_BY_ACCOUNT = "claims-by-account";
    /** Repartition of claim outcomes (each with its waiting Create) back by external ID. */
    public static final String CLAIM_OUTCOMES_BY_EXTERNAL_ID = "claim-outcomes-by-external-id";
    /** Repartition of releases decided when finishing a Create. */
    public static final String RELEASES_BY_ACCOUNT = "releases-by-account";
    /** Repartition of collection results by integration id, with the requests topic's partition count. */
    public static final String COLLECTION_RESULTS_BY_INTEGRATION_ID = "collection-results-by-integration-id";
    /** Repartition of collection results by the external ID of their integration. */
    public static final String COLLECTION_RESULTS_BY_EXTERNAL_ID = "collection-results-by-external-id";

    /** Processor: requests in the task of their integration id ({@code RequestIntakeProcessor}). */
    public static final String REQUEST_INTAKE = "request-intake";
    /** Processor: requests and callbacks in the task of their external ID ({@code ExternalIdLedger}). */
    public static final String EXTERNAL_ID_LEDGER = "external-id-ledger";
    /** Processor: claims in the task of their (tenant, account) ({@code AccountClaimProcessor}). */
    public static final String ACCOUNT_CLAIMS = "account-claims";
    /** Processor: claim outcomes back in the task of their external ID ({@code ClaimFinisher}). */
    public static final String CLAIM_FINISHER = "claim-finisher";
    /** Processor: releases of unused claims in the task of their (tenant, account) ({@code AccountClaimProcessor}). */
    public static final String ACCOUNT_RELEASES = "account-releases";
    /** Processor: collection results in the task of their integration id ({@code CollectionResultIntake}). */
    public static final String COLLECTION_RESULT_INTAKE = "collection-result-intake";
    /** Processor: reads the integrations topic back into {@link #INTEGRATIONS_BY_ID_STORE} and the tenant index. */
    public static final String INTEGRATION_READ_BACK = "integration-read-back";

    // The children processors forward each record to by name (ProcessorContext.forward(record, child)). Kafka Streams
    // names the first node of a repartition named x "x-repartition-filter" (it drops null keys): forwarding to it
    // writes to that repartition topic.

    /** Child of {@link #REQUEST_INTAKE}: request events, to {@link #REQUESTS_BY_EXTERNAL_ID}. */
    public static final String REKEYED_REQUESTS = REQUESTS_BY_EXTERNAL_ID + "-repartition-filter";
    /** Child of {@link #EXTERNAL_ID_LEDGER}: claims and releases, to {@link #CLAIMS_BY_ACCOUNT}. */
    public static final String CLAIMS = CLAIMS_BY_ACCOUNT + "-repartition-filter";
    /** Child of {@link #ACCOUNT_CLAIMS}: claim outcomes, to {@link #CLAIM_OUTCOMES_BY_EXTERNAL_ID}. */
    public static final String OUTCOMES = CLAIM_OUTCOMES_BY_EXTERNAL_ID + "-repartition-filter";
    /** Child of {@link #CLAIM_FINISHER}: releases, to {@link #RELEASES_BY_ACCOUNT}. */
    public static final String RELEASES = RELEASES_BY_ACCOUNT + "-repartition-filter";
    /** Child of the ledger and the finisher: answers, in the responses topic's wire format, to that topic. */
    public static final String ANSWERS = "answers";
    /** Child of the ledger and the finisher: full integration states, in the integrations topic's wire format. */
    public static final String STATES = "states";
    /** Child of the intake and the ledger: dead letters of refused request events. */
    public static final String REFUSED_REQUESTS = "refused-requests";
    /** Child of the ledger: role verification requests, to {@code onboarding.role-verifications}. */
    public static final String VERIFICATION_REQUESTS = "role-verifications-sink";
    /** Child of the ledger: dead letters of callbacks that cannot be decided at all. */
    public static final String REJECTED_CALLBACKS = "rejected-callbacks";
    /** Child of {@link #COLLECTION_RESULT_INTAKE}: results, to {@link #COLLECTION_RESULTS_BY_EXTERNAL_ID}. */
    public static final String COLLECTION_RESULTS_REKEYED = COLLECTION_RESULTS_BY_EXTERNAL_ID + "-repartition-filter";
    /** Child of {@link #COLLECTION_RESULT_INTAKE}: dead letters of results it cannot use. */
    public static final String UNUSABLE_COLLECTION_RESULTS = "unusable-collection-results";

    private TopologyNames() {
    }

    /** The "topic" whose registry subject ({@code <it>-value}) a Create travelling with its claim is encoded under. */
    public static String waitingCreatesSubjectTopic(String applicationId) {
        return applicationId + "-" + CLAIMS_BY_ACCOUNT + "-waiting-create";
    }
}
