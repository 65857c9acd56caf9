package dev.onboarding.scheduler;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import java.time.Instant;
import java.util.Map;

/** Integration records as the processor writes them to {@code onboarding.integrations}. */
final class IntegrationRecords {
    private IntegrationRecords() {
    }

    /** The AWS account test integration {@code id} connects (12 digits derived from the id). */
    static String accountOf(String id) {
        return String.format("%012d", Math.floorMod(id.hashCode(), 1_000_000_000_000L));
    }

    /** A CONNECTED integration, connected at {@code connectedAt}. */
    static Integration connected(String id, long version, Instant connectedAt) {
        return base(id, IntegrationStatus.CONNECTED, version, connectedAt, connectedAt)
                .setAccountId(accountOf(id))
                .setRoleArn("arn:aws:iam::" + accountOf(id) + ":role/OnboardingReadOnly")
                .setConnectedAt(connectedAt)
                .build();
    }

    /** The same integration in another state (DISCONNECTED, EXPIRED, CANCELLED, PENDING). */
    static Integration inState(String id, IntegrationStatus status, long version, Instant at) {
        return base(id, status, version, at, at).build();
    }

    private static Integration.Builder base(String id, IntegrationStatus status, long version, Instant requestedAt,
            Instant updatedAt) {
        return Integration.newBuilder()
                .setIntegrationId(id)
                .setTenantId("tenant-" + id)
                .setExternalId("onb-" + "abcdefghijklmnopqrstuvwxyz234567".substring(0, 28) + String.format("%04d",
                        Math.floorMod(id.hashCode(), 10_000)))
                .setName("test " + id)
                .setStatus(status)
                .setRoleName("OnboardingReadOnly")
                .setTags(Map.of())
                .setRequestedAt(requestedAt)
                .setExpiresAt(requestedAt.plusSeconds(86_400))
                .setUpdatedAt(updatedAt)
                .setVersion(version);
    }
}
