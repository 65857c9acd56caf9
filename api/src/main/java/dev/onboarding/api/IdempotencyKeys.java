package dev.onboarding.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * {@code Idempotency-Key} support without a store of its own: the integration id of a keyed create is derived
 * from (tenant, key), so every retry on every instance, before or after a restart, names the same integration, and
 * the processor keeps only the first request of an integration id (a later one with another external ID is
 * refused). Whoever asks then answers with the state that landed. Another tenant's key can never name the same id.
 */
public final class IdempotencyKeys {
    /** The longest key accepted. */
    public static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {
    }

    /** Whether {@code key} is usable: 1 to 255 visible ASCII characters. */
    public static boolean isValid(String key) {
        return key != null && !key.isEmpty() && key.length() <= MAX_LENGTH
                && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    /** The integration id of the create that {@code tenantId} keyed with {@code key}: {@code int-} and a UUID. */
    public static String integrationId(String tenantId, String key) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(tenant.length).array());
        sha256.update(tenant);
        sha256.update(keyBytes);
        ByteBuffer hash = ByteBuffer.wrap(sha256.digest());
        long high = (hash.getLong() & ~0xF000L) | 0x8000L; // RFC 9562 version 8: custom, name-derived
        long low = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // the RFC variant
        return "int-" + new UUID(high, low);
    }
}
