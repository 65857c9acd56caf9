package dev.onboarding.scheduler;

import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.schemas.ExternalIds;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Decides what an integration record means for scheduling, given what the scheduler already holds for it:
 * a new connection (with or without an INITIAL burst), a refresh of the role details or of whether its jobs are
 * paused (health UNREACHABLE), a disconnection, nothing
 * (a duplicate or stale record), or a rejection (a CONNECTED record a collector could not use).
 */
public final class ConnectionDecider {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    // IAM caps role ARNs at 2048 characters; ids beyond a few hundred are garbage, not identifiers.
    private static final int MAX_ROLE_ARN_LENGTH = 2048;
    private static final int MAX_ID_LENGTH = 512;

    private final Duration initialBurstMaxAge;

    /** A CONNECTED record processed more than {@code initialBurstMaxAge} after its connection gets no burst. */
    public ConnectionDecider(Duration initialBurstMaxAge) {
        this.initialBurstMaxAge = initialBurstMaxAge;
    }

    /** What to do. */
    public sealed interface Decision {
    }

    /**
     * Start scheduling {@code account}; emit its INITIAL burst when {@code initialBurst}.
     *
     * @param account the account to store
     * @param initialBurst whether to emit the INITIAL jobs
     * @param replacesPrevious whether a previous connection of this integration must be unscheduled first
     */
    public record Connect(ConnectedAccount account, boolean initialBurst, boolean replacesPrevious)
            implements Decision {
    }

    /** Keep the schedule, store newer role details. */
    public record Refresh(ConnectedAccount account) implements Decision {
    }

    /** Stop scheduling this integration. */
    public record Disconnect(String why) implements Decision {
    }

    /** Nothing to do. */
    public record Ignore(String why) implements Decision {
    }

    /** The record cannot be used: dead-letter it. */
    public record Reject(String reasonCode, String reason) implements Decision {
    }

    /**
     * Decides for the record {@code integration} (null for a tombstone) under {@code key}, where {@code current} is
     * what the scheduler holds (null when not connected) and {@code nowMillis} the wall clock.
     */
    public Decision decide(String key, Integration integration, ConnectedAccount current, long nowMillis) {
        if (integration == null) {
            return current == null ? new Ignore("tombstone for an unscheduled integration")
                    : new Disconnect("tombstone");
        }
        if (!key.equals(integration.getIntegrationId())) {
            return new Reject("KEY_MISMATCH", "record key does not match integrationId " + integration
                    .getIntegrationId());
        }
        long version = integration.getVersion();
        if (current != null && version < current.version()) {
            return new Ignore("stale version " + version + " < " + current.version());
        }
        if (integration.getStatus() != IntegrationStatus.CONNECTED) {
            return current == null ? new Ignore("not connected (" + integration.getStatus() + ")")
                    : new Disconnect(String.valueOf(integration.getStatus()));
        }
        String problem = unusable(integration);
        if (problem != null) {
            return new Reject("CONNECTED_INCOMPLETE", "CONNECTED integration " + key + " " + problem);
        }
        if (current != null && version == current.version()) {
            return new Ignore("duplicate version " + version);
        }
        boolean sameAccount = current != null && current.accountId().equals(integration.getAccountId());
        long epoch = sameAccount ? current.epoch() : version;
        long connectedAt = connectedAt(integration);
        // An UNREACHABLE role pauses the jobs (the slots move on without them); any other health collects.
        boolean paused = integration.getHealth() != null
                && integration.getHealth().getStatus() == HealthStatus.UNREACHABLE;
        ConnectedAccount account = new ConnectedAccount(key, integration.getTenantId(), integration.getAccountId(),
                integration.getRoleArn(), integration.getExternalId(),
                sameAccount ? current.connectedAt() : connectedAt, epoch, version, paused,
                integration.getExpectedOrganizationId());
        if (sameAccount) {
            // Resuming is a refresh too: the next slots emit PERIODIC jobs, the INITIAL burst is not repeated.
            return new Refresh(account);
        }
        boolean fresh = nowMillis - connectedAt <= initialBurstMaxAge.toMillis();
        return new Connect(account, fresh && !paused, current != null);
    }

    private static long connectedAt(Integration integration) {
        Instant at = integration.getConnectedAt() != null ? integration.getConnectedAt() : integration.getUpdatedAt();
        return at.toEpochMilli();
    }

    private static String unusable(Integration integration) {
        if (integration.getIntegrationId().length() > MAX_ID_LENGTH) {
            return "has an integrationId longer than " + MAX_ID_LENGTH + " characters";
        }
        if (integration.getAccountId() == null || !ACCOUNT_ID.matcher(integration.getAccountId()).matches()) {
            return "has no 12-digit accountId";
        }
        if (integration.getRoleArn() == null || !integration.getRoleArn().startsWith("arn:")
                || integration.getRoleArn().length() > MAX_ROLE_ARN_LENGTH) {
            return "has no usable roleArn";
        }
        if (!ExternalIds.isStsValid(integration.getExternalId())) {
            return "has no externalId STS would accept";
        }
        if (integration.getTenantId() == null || integration.getTenantId().isBlank()
                || integration.getTenantId().length() > MAX_ID_LENGTH) {
            return "has no usable tenantId";
        }
        if (integration.getConnectedAt() == null && integration.getUpdatedAt() == null) {
            return "has neither connectedAt nor updatedAt";
        }
        return null;
    }
}
