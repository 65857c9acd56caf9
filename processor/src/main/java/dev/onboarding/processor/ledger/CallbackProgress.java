package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationProgress;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationProgress;
import dev.onboarding.contract.RoleVerificationState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The progress a callback writes into its integration's state, for whoever waits on it: when the latest callback
 * arrived and of which type, and its role verification. The verification is PENDING on a version of its own, written
 * when the processor asks the verifier; VERIFIED or FAILED (with the reason) rides on the version the decision
 * writes anyway, from the verifier's result, never from the callback's own {@code roleVerification} (the ingress
 * leaves it empty and an attacker's callback must not speak for its role). Pure: no Kafka, no clock.
 */
final class CallbackProgress {
    private CallbackProgress() {
    }

    /** The next version of {@code integration}, showing that the verifier is checking {@code callback}'s role. */
    static Integration verifying(Integration integration, CfnCallback callback, Instant now) {
        RoleVerificationProgress pending = RoleVerificationProgress.newBuilder()
                .setState(RoleVerificationState.PENDING)
                .setReason(null)
                .setUpdatedAt(now)
                .build();
        return IntegrationChange.next(integration, now).setProgress(progress(callback, pending)).build();
    }

    /**
     * {@code next} carrying the progress of {@code callback}, which led from {@code before} to it with
     * {@code answer}.
     *
     * @param checked the verifier's result on the callback's role, or null when none was asked for
     */
    static Integration stamp(Integration next, CfnCallback callback, Integration before, RoleVerification checked,
            CfnResponse answer) {
        return Integration.newBuilder(next)
                .setProgress(progress(callback, verification(callback, before, checked, answer).orElse(null)))
                .build();
    }

    private static IntegrationProgress progress(CfnCallback callback, RoleVerificationProgress verification) {
        return IntegrationProgress.newBuilder()
                .setLatestCallbackType(callback.getRequestType())
                .setLatestCallbackRequestId(callback.getRequestId())
                .setLatestCallbackAt(callback.getReceivedAt())
                .setRoleVerification(verification)
                .build();
    }

    /**
     * The role verification a callback needs (a Create's role, an Update's changed role; none otherwise): the
     * verifier's result, or FAILED with the answer's reason for a callback refused before its role was checked (the
     * account, the role name, an expired integration).
     */
    private static Optional<RoleVerificationProgress> verification(CfnCallback callback, Integration before,
            RoleVerification checked, CfnResponse answer) {
        boolean roleChanges = callback.getRequestType() == RequestType.UPDATE
                && !Objects.equals(callback.getRoleArn(), before.getRoleArn());
        if (callback.getRequestType() != RequestType.CREATE && !roleChanges) {
            return Optional.empty();
        }
        Instant at = answer.getDecidedAt();
        Optional<String> problem;
        if (checked != null) {
            problem = CallbackDecider.roleProblem(callback, checked, roleChanges ? "new role" : "role");
            at = checked.getVerifiedAt() != null ? checked.getVerifiedAt() : at;
        } else if (answer.getStatus() == ResponseStatus.FAILED) {
            problem = Optional.of(answer.getReason());
        } else {
            // Cannot happen: a Create connects and a role changes only after the verifier's VERIFIED.
            return Optional.empty();
        }
        return Optional.of(RoleVerificationProgress.newBuilder()
                .setState(problem.isPresent() ? RoleVerificationState.FAILED : RoleVerificationState.VERIFIED)
                .setReason(problem.orElse(null))
                .setUpdatedAt(at)
                .build());
    }
}
