package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.RoleVerification;

/**
 * A request that passed validation.
 *
 * @param callback the callback record, carrying NOT_REQUIRED until a verification replaces it
 * @param needsVerification whether the role must be proven with AssumeRole first (a Create, or an Update
 *                          that changed the role name or external ID)
 */
public record ParsedCallback(CfnCallback callback, boolean needsVerification) implements ParseResult {
    /** The callback with the verification outcome in place. */
    public CfnCallback withVerification(RoleVerification verification) {
        return CfnCallback.newBuilder(callback).setRoleVerification(verification).build();
    }
}
