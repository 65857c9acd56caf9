package dev.onboarding.bridge.verification;

import dev.onboarding.schemas.ExternalIds;
import java.security.SecureRandom;

/**
 * External IDs no integration has, shaped like the one being checked: the same prefix ({@link ExternalIds#PREFIX})
 * and length, from a strong random source. A role that accepts one of them accepts some ID other than its own, so
 * it does not require this one. Fresh for every verification: a role cannot be written to refuse a known decoy.
 */
final class DecoyExternalIds {
    private static final char[] MINTED = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private final SecureRandom random = new SecureRandom();

    /** A random ID of the same prefix and length as {@code externalId}, never equal to it. */
    String like(String externalId) {
        String prefix = externalId.startsWith(ExternalIds.PREFIX) ? ExternalIds.PREFIX : "";
        int length = Math.max(ExternalIds.MIN_LENGTH, externalId.length());
        while (true) {
            StringBuilder decoy = new StringBuilder(length).append(prefix);
            while (decoy.length() < length) {
                decoy.append(MINTED[random.nextInt(MINTED.length)]);
            }
            String candidate = decoy.toString();
            if (!candidate.equals(externalId)) {
                return candidate;
            }
        }
    }
}
