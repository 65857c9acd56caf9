package dev.onboarding.api.replica;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Keys of the tenant index: a tenant's integrations, newest request first, once among all of them and once among
 * those of their current status. A key is {@code [tenant length (2 bytes)][tenant][scope][Long.MAX_VALUE -
 * requestedAt (8 bytes, big-endian)][integration id]}, where scope is 0 for "any status" and 1 + the status's
 * ordinal otherwise; the length prefix keeps one tenant's keys from ever being a prefix of another's.
 */
final class TenantIndexKey {
    private static final byte ANY_STATUS = 0;
    private static final Base64.Encoder CURSOR_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder CURSOR_DECODER = Base64.getUrlDecoder();
    private static final int MAX_TENANT_BYTES = 0xffff;

    private TenantIndexKey() {
    }

    /**
     * Where one integration stands in the index: its tenant, status and request time.
     *
     * @param tenantId the tenant
     * @param status the status
     * @param requestedAtMillis when it was requested
     */
    record Entry(String tenantId, IntegrationStatus status, long requestedAtMillis) {
        static Entry of(Integration state) {
            return new Entry(state.getTenantId(), state.getStatus(), state.getRequestedAt().toEpochMilli());
        }

        /** Its two keys: among all the tenant's integrations, and among those of its status. */
        List<byte[]> keys(String integrationId) {
            return List.of(TenantIndexKey.of(tenantId, Optional.empty(), requestedAtMillis, integrationId),
                    TenantIndexKey.of(tenantId, Optional.of(status), requestedAtMillis, integrationId));
        }

        byte[] encode() {
            byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + Long.BYTES + tenant.length).put((byte) status.ordinal())
                    .putLong(requestedAtMillis).put(tenant).array();
        }

        static Entry decode(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            IntegrationStatus status = IntegrationStatus.values()[buffer.get()];
            long requestedAt = buffer.getLong();
            return new Entry(new String(bytes, buffer.position(), buffer.remaining(), StandardCharsets.UTF_8), status,
                    requestedAt);
        }
    }

    /** The key of one integration in one scope ({@code status} empty: among all statuses). */
    static byte[] of(String tenantId, Optional<IntegrationStatus> status, long requestedAtMillis,
            String integrationId) {
        byte[] prefix = prefix(tenantId, status);
        byte[] id = integrationId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(prefix.length + Long.BYTES + id.length).put(prefix)
                .putLong(Long.MAX_VALUE - requestedAtMillis).put(id).array();
    }

    /** What every key of the tenant in that scope starts with. */
    static byte[] prefix(String tenantId, Optional<IntegrationStatus> status) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        if (tenant.length > MAX_TENANT_BYTES) {
            throw new IllegalArgumentException("tenant id longer than " + MAX_TENANT_BYTES + " bytes");
        }
        return ByteBuffer.allocate(2 + tenant.length + 1).putShort((short) tenant.length).put(tenant)
                .put(status.map(s -> (byte) (1 + s.ordinal())).orElse(ANY_STATUS)).array();
    }

    /** The integration id at the end of a key that starts with {@code prefix}. */
    static String integrationId(byte[] key, int prefixLength) {
        int start = prefixLength + Long.BYTES;
        return new String(key, start, key.length - start, StandardCharsets.UTF_8);
    }

    /** A cursor for "after this key": the key's part after the prefix, URL-safe. */
    static String cursorAfter(byte[] key, int prefixLength) {
        return CURSOR_ENCODER.encodeToString(Arrays.copyOfRange(key, prefixLength, key.length));
    }

    /**
     * The key a cursor points after, under {@code prefix}.
     *
     * @throws IllegalArgumentException when the cursor was not made by {@link #cursorAfter}
     */
    static byte[] keyOfCursor(byte[] prefix, String cursor) {
        byte[] position;
        try {
            position = CURSOR_DECODER.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor this API returned");
        }
        if (position.length <= Long.BYTES || position.length > Long.BYTES + 1024) {
            throw new IllegalArgumentException("not a cursor this API returned");
        }
        return ByteBuffer.allocate(prefix.length + position.length).put(prefix).put(position).array();
    }
}
