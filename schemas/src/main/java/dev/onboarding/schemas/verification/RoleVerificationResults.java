package dev.onboarding.schemas.verification;

import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;

/** Results on {@code onboarding.role-verification-results}, as the bridge's verifier writes them. */
public final class RoleVerificationResults {
    private RoleVerificationResults() {
    }

    /**
     * The result answering {@code request} with {@code verification}: it repeats what identifies the request (its
     * verification id, checks, integration, external ID, role and RequestId), which the processor matches against
     * the callback waiting for it.
     */
    public static RoleVerificationResult answering(RoleVerificationRequest request, RoleVerification verification) {
        return RoleVerificationResult.newBuilder()
                .setVerificationId(request.getVerificationId())
                .setChecks(request.getChecks())
                .setIntegrationId(request.getIntegrationId())
                .setExternalId(request.getExternalId())
                .setRoleArn(request.getRoleArn())
                .setRequestId(request.getRequestId())
                .setVerification(verification)
                .build();
    }
}
