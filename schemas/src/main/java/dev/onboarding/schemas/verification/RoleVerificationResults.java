package dev.onboarding.schemas.verification;

import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;

/** Results on {@code onboarding.role-verification-results}, as the bridge's verifier writes them. */
public final class RoleVerificationResults {
    /**
     * The error code of an ERROR result the verifier gave without any STS call, for the provider's own budget (its
     * AssumeRole rate, or its verifications per integration): no check was made, so asking again later may verify.
     */
    public static final String RATE_LIMITED = "VerificationRateLimited";

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
