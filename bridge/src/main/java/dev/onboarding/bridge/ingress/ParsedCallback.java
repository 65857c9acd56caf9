package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.CfnCallback;

/**
 * A request that passed validation.
 *
 * @param callback the callback record; its role verification is NOT_REQUIRED (the processor asks the verifier)
 */
public record ParsedCallback(CfnCallback callback) implements ParseResult {
}
