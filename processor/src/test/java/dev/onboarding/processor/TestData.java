package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.schemas.ExternalIds;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Requests and callbacks as upstream services and the bridge produce them. */
public final class TestData {
    public static final String ACCOUNT = "111122223333";
    public static final String OTHER_ACCOUNT = "444455556666";
    public static final String REGION = "eu-west-1";
    public static final String LOGICAL_ID = "ProviderIntegration";
    public static final String ROLE = "ProviderReadOnly";

    private static final ExternalIds MINTER = new ExternalIds();

    private TestData() {
    }

    public static String externalId() {
        return MINTER.mint();
    }

    public static IntegrationRequestEvent requested(String integrationId, String tenant, String externalId, Instant now,
            Duration ttl) {
        return requested(integrationId, tenant, externalId, now, ttl, null);
    }

    public static IntegrationRequestEvent requested(String integrationId, String tenant, String externalId, Instant now,
            Duration ttl, String expectedAccount) {
        return new IntegrationRequestEvent(IntegrationRequested.newBuilder()
                .setIntegrationId(integrationId)
                .setTenantId(tenant)
                .setExternalId(externalId)
                .setRoleName(ROLE)
                .setName("prod account")
                .setTags(Map.of("env", "prod"))
                .setExpectedAccountId(expectedAccount)
                .setRequestedAt(now)
                .setExpiresAt(now.plus(ttl))
                .build());
    }

    public static IntegrationRequestEvent cancelled(String integrationId, String tenant, String externalId,
            Instant now) {
        return new IntegrationRequestEvent(IntegrationCancelled.newBuilder()
                .setIntegrationId(integrationId)
                .setTenantId(tenant)
                .setExternalId(externalId)
                .setReason("customer removed it")
                .setCancelledAt(now)
                .build());
    }

    public static String stackId(String account, String name) {
        return "arn:aws:cloudformation:" + REGION + ":" + account + ":stack/" + name
                + "/0f6e7a80-1111-2222-3333-444455556666";
    }

    public static String roleArn(String account, String role) {
        return "arn:aws:iam::" + account + ":role/" + role;
    }

    public static RoleVerification verified() {
        return RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.VERIFIED).setAttempts(1).build();
    }

    public static RoleVerification denied() {
        return RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.DENIED).setErrorCode("AccessDenied")
                .setErrorMessage("not authorized to perform sts:AssumeRole").setAttempts(5).build();
    }

    /** A Create from a stack named {@code stack} in {@code account}, with a verified role. */
    public static CfnCallback.Builder create(String externalId, String requestId, String account, String stack,
            Instant sentAt) {
        return CfnCallback.newBuilder()
                .setRequestType(RequestType.CREATE)
                .setRequestId(requestId)
                .setStackId(stackId(account, stack))
                .setAccountId(account)
                .setRegion(REGION)
                .setPartition("aws")
                .setLogicalResourceId(LOGICAL_ID)
                .setResourceType("Custom::ProviderAWSIntegrationNotification")
                .setPhysicalResourceId(null)
                .setExternalId(externalId)
                .setRoleName(ROLE)
                .setRoleArn(roleArn(account, ROLE))
                .setResponseUrl("https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/"
                        + requestId + "?X-Amz-Signature=secret")
                .setSourceQueueRegion(REGION)
                .setSentAt(sentAt)
                .setReceivedAt(sentAt.plusMillis(20))
                .setServiceTimeoutSeconds(3600)
                .setRoleVerification(verified());
    }

    /** A Delete of the resource {@code physicalId} of stack {@code stack}. */
    public static CfnCallback.Builder delete(String externalId, String requestId, String account, String stack,
            String physicalId, Instant sentAt) {
        return create(externalId, requestId, account, stack, sentAt)
                .setRequestType(RequestType.DELETE)
                .setPhysicalResourceId(physicalId)
                .setRoleVerification(RoleVerification.newBuilder()
                        .setOutcome(RoleVerificationOutcome.NOT_REQUIRED).build());
    }

    /** An Update of the resource {@code physicalId} keeping the external ID and role. */
    public static CfnCallback.Builder update(String externalId, String requestId, String account, String stack,
            String physicalId, Instant sentAt) {
        return create(externalId, requestId, account, stack, sentAt)
                .setRequestType(RequestType.UPDATE)
                .setPhysicalResourceId(physicalId)
                .setOldExternalId(externalId)
                .setOldRoleName(ROLE);
    }
}
