package dev.onboarding.api.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Who a verified token speaks for.
 *
 * @param tenantId the tenant whose integrations it may see (the tenant claim)
 * @param subject the token's {@code sub}, if any (for logs)
 * @param scopes the granted scopes
 * @param expiresAt when the token expires (a stream it opened closes then)
 */
public record Caller(String tenantId, String subject, Set<String> scopes, Instant expiresAt) {
    /** Scope to read integrations. */
    public static final String READ = "integrations:read";
    /** Scope to create and cancel integrations. */
    public static final String WRITE = "integrations:write";

    /** Copies the scopes. */
    public Caller {
        scopes = Set.copyOf(scopes);
    }

    /** Whether the token grants {@code scope}. */
    public boolean has(String scope) {
        return scopes.contains(scope);
    }
}
