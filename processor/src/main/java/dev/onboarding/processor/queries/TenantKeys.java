package dev.onboarding.processor.queries;

/**
 * Keys of the tenant index: {@code <length>:<tenant>|<integration id>}. The length prefix makes the
 * tenant part unambiguous whatever characters tenant ids use, so a prefix scan returns one tenant's
 * integrations and nobody else's.
 */
public final class TenantKeys {
    private TenantKeys() {
    }

    /** The index key of one integration. */
    public static String key(String tenantId, String integrationId) {
        return prefix(tenantId) + integrationId;
    }

    /** The prefix shared by every key of a tenant. */
    public static String prefix(String tenantId) {
        return tenantId.length() + ":" + tenantId + "|";
    }

    /** The tenant of a key (or of a {@link #prefix}). */
    public static String tenantOf(String key) {
        int colon = key.indexOf(':');
        int length = Integer.parseInt(key.substring(0, colon));
        return key.substring(colon + 1, colon + 1 + length);
    }
}
