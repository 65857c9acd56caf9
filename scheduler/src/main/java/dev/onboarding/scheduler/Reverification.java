package dev.onboarding.scheduler;

import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerificationRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * The periodic re-verification of a CONNECTED integration's role: once per {@code interval}, at a phase drawn from
 * the integration id so that the integrations of a deployment spread evenly over the interval (and so over the
 * verifier's STS bounds), a {@code POSITIVE_ONLY} request to the bridge's verifier: AssumeRole with the external ID
 * only, so the customer's CloudTrail does not fill with the denials the connect-time checks provoke (and, for a
 * member of an organization integration, its organization again: an account may leave it). It has a due
 * index of its own, and goes on while the integration's jobs are paused (that is how an UNREACHABLE integration
 * comes back).
 */
public final class Reverification {
    /** The "interval class" of the entries in the re-verification due index (one per integration). */
    public static final long INDEX_KEY = 0L;

    private final long intervalMillis;

    /** Re-verification every {@code interval}. */
    public Reverification(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /** The interval. */
    public Duration interval() {
        return Duration.ofMillis(intervalMillis);
    }

    /** The integration's first re-verification strictly after {@code epochMillis}. */
    public long firstDueAfter(String integrationId, long epochMillis) {
        long phase = JobSlots.phase(integrationId, intervalMillis);
        return phase + (Math.floorDiv(epochMillis - phase, intervalMillis) + 1) * intervalMillis;
    }

    /**
     * The request for the slot due at {@code dueMillis}: its id names the integration and the slot, so a request
     * written again (a retried transaction) is the same request to the verifier, which dedupes by id. Its deadline
     * is the next slot: a backlog the verifier could not answer in time is answered ERROR without an STS call.
     */
    public RoleVerificationRequest request(ConnectedAccount account, long dueMillis, long nowMillis) {
        return RoleVerificationRequest.newBuilder()
                .setVerificationId("reverify/" + account.integrationId() + "/" + Instant.ofEpochMilli(dueMillis))
                .setChecks(RoleCheckKind.POSITIVE_ONLY)
                .setIntegrationId(account.integrationId())
                .setTenantId(account.tenantId())
                .setExternalId(account.externalId())
                .setAccountId(account.accountId())
                .setPartition(partitionOf(account.roleArn()))
                .setRoleArn(account.roleArn())
                .setExpectedOrganizationId(account.expectedOrganizationId())
                .setRequestId(null)
                .setRequestedAt(Instant.ofEpochMilli(nowMillis))
                .setDeadline(Instant.ofEpochMilli(Math.max(nowMillis, dueMillis) + intervalMillis))
                .build();
    }

    /** The partition of a role ARN ({@code arn:<partition>:iam::...}); {@code aws} when it cannot be read. */
    static String partitionOf(String roleArn) {
        String[] parts = roleArn.split(":", 3);
        return parts.length == 3 && !parts[1].isEmpty() ? parts[1] : "aws";
    }
}
