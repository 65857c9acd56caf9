package dev.onboarding.processor;

/**
 * The names in the processor's topology: state stores, repartitions and nodes. Store and repartition names
 * are part of every deployment (they name the changelog and repartition topics {@code <application.id>-<name>-changelog}
 * and {@code <application.id>-<name>-repartition}, and the stores the query server reads): never rename one. The
 * topology and the processors it builds both read them here, so no processor needs the class that builds it.
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
    /** (tenant, account) -> the integration holding it. */
    public static final String ACCOUNT_CLAIMS_STORE = "account-claims";
    /** Integration id -> state as the integrations topic holds it (wire-format bytes; interactive queries). */
    public static final String INTEGRATIONS_BY_ID_STORE = "integrations-by-id";
    /** Tenant index key -> integration id, beside {@link #INTEGRATIONS_BY_ID_STORE} (interactive queries). */
    public static final String TENANT_INDEX_STORE = "tenant-index";

    /** Repartition of request events by external ID. */
    public static final String REQUESTS_BY_EXTERNAL_ID = "requests-by-external-id";
    /** Repartition of claims (each with its waiting Create) and releases by (tenant, account). */
    public static final String CLAIMS_BY_ACCOUNT = "claims-by-account";
    /** Repartition of claim outcomes (each with its waiting Create) back by external ID. */
    public static final String CLAIM_OUTCOMES_BY_EXTERNAL_ID = "claim-outcomes-by-external-id";
    /** Repartition of releases decided when finishing a Create. */
    public static final String RELEASES_BY_ACCOUNT = "releases-by-account";

    /** The node that reads the integrations topic back into {@link #INTEGRATIONS_BY_ID_STORE} and the tenant index. */
    public static final String INTEGRATION_READ_BACK = "integration-read-back";

    private TopologyNames() {
    }

    /**
     * The "topic" whose registry subject ({@code <it>-value}) a Create is encoded under when it travels with its
     * claim but was not read from the callbacks topic just now (a held callback): this application's own.
     */
    public static String waitingCreatesSubjectTopic(String applicationId) {
        return applicationId + "-" + CLAIMS_BY_ACCOUNT + "-waiting-create";
    }
}
