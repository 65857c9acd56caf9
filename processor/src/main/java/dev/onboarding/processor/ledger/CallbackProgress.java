package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationProgress;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationProgress;
import dev.onboarding.contract.RoleVerificationState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The progress a callback writes into its integration's state, for whoever waits on it: when the latest callback
 * arrived and of which type, and its role verification. Today the bridge verifies the role before it publishes the
 * callback, so the processor learns the outcome (VERIFIED, or FAILED with the reason) with the arrival, and the
 * progress rides on the state version the decision writes anyway (no version of its own). Pure: no Kafka, no clock.
 */
final class CallbackProgress {
    private CallbackProgress() {
    }

    /**
     * The progress of {@code callback} on {@code integration}.
     *
     * @param integration the integration's state before the callback
     * @param now when the processor decided it
     */
    static IntegrationProgress of(CfnCallback callback, Integration integration, Instant now) {
        return IntegrationProgress.newBuilder()
                .setLatestCallbackType(callback.getRequestType())
                .setLatestCallbackRequestId(callback.getRequestId())
                .setLatestCallbackAt(callback.getReceivedAt())
                .setRoleVerification(verification(callback, integration, now).orElse(null))
                .build();
    }

    /** {@code next} carrying the progress of {@code callback}, which led from {@code before} to it. */
    static Integration stamp(Integration next, CfnCallback callback, Integration before, Instant now) {
        return Integration.newBuilder(next).setProgress(of(callback, before, now)).build();
    }

    /** The role verification a callback needs: a Create's role, an Update's changed role; none otherwise. */
    private static Optional<RoleVerificationProgress> verification(CfnCallback callback, Integration integration,
            Instant now) {
        boolean roleChanges = callback.getRequestType() == RequestType.UPDATE
                && !Objects.equals(callback.getRoleArn(), integration.getRoleArn());
        if (callback.getRequestType() != RequestType.CREATE && !roleChanges) {
            return Optional.empty();
        }
        RoleVerification checked = callback.getRoleVerification();
        Optional<String> problem = CallbackDecider.roleProblem(callback, checked, roleChanges ? "new role" : "role");
        Instant at = checked != null && checked.getVerifiedAt() != null ? checked.getVerifiedAt() : now;
        return Optional.of(RoleVerificationProgress.newBuilder()
                .setState(problem.isPresent() ? RoleVerificationState.FAILED : RoleVerificationState.VERIFIED)
                .setReason(problem.orElse(null))
                .setUpdatedAt(at)
                .build());
    }
}
