package dev.onboarding.processor.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The digest a RequestId is remembered by where its text is not needed: the first 128 bits of its SHA-256,
 * base64url without padding (22 characters, whatever the RequestId's length). 128 bits leave no practical chance of
 * two RequestIds sharing a digest, and an attacker choosing RequestIds gains nothing from a collision it cannot find.
 */
final class RequestDigests {
    private static final int BYTES = 16;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private RequestDigests() {
    }

    /** The digest of {@code requestId}. */
    static String of(String requestId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
            return BASE64URL.encodeToString(Arrays.copyOf(hash, BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
