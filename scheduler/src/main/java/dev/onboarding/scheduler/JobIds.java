package dev.onboarding.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Deterministic job ids: a UUID (version 8, RFC 9562 "custom") whose 122 free bits are MurmurHash3 x64 128 of
 * {@code integrationId 0x1F resourceType 0x1F region 0x1F slot} (the slot as 8 big-endian bytes). The same
 * (integration, resource type, region, scheduled slot) always gives the same id, across restarts, replays and
 * instances, so collectors can dedupe on it; different ones collide with negligible probability (ids are not
 * secrets and their inputs are not attacker-chosen, so a fast non-cryptographic hash is enough).
 */
public final class JobIds {
    /** Length of an id in characters (and in bytes: it is ASCII). */
    public static final int LENGTH = 36;

    private static final byte SEPARATOR = 0x1f;
    private static final byte[] HEX_PAIRS = hexPairs();
    private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private JobIds() {
    }

    private static byte[] hexPairs() {
        byte[] digits = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] pairs = new byte[512];
        for (int b = 0; b < 256; b++) {
            pairs[2 * b] = digits[b >>> 4];
            pairs[2 * b + 1] = digits[b & 0xf];
        }
        return pairs;
    }

    /** The id of one job. */
    public static String of(String integrationId, String resourceType, String region, long slotMillis) {
        byte[] out = new byte[LENGTH];
        Name name = new Name(integrationId);
        name.target(resourceType, region);
        name.writeId(slotMillis, out, 0);
        return new String(out, StandardCharsets.US_ASCII);
    }

    /**
     * A reusable hash input for one integration: set the target, then write ids for any number of slots without
     * building strings (the scheduler's hot path).
     */
    static final class Name {
        private final byte[] integration;
        private final long[] hash = new long[2];
        private byte[] buffer;
        private int length;

        Name(String integrationId) {
            this.integration = integrationId.getBytes(StandardCharsets.UTF_8);
            this.buffer = new byte[integration.length + 64];
            System.arraycopy(integration, 0, buffer, 0, integration.length);
            buffer[integration.length] = SEPARATOR;
        }

        /** Switches to another target of the same integration. */
        void target(String resourceType, String region) {
            target(targetBytes(resourceType, region));
        }

        /** Switches to a target given as {@link #targetBytes} (cached by the caller). */
        void target(byte[] target) {
            int needed = integration.length + 1 + target.length + Long.BYTES;
            if (buffer.length < needed) {
                buffer = Arrays.copyOf(buffer, needed);
            }
            System.arraycopy(target, 0, buffer, integration.length + 1, target.length);
            length = integration.length + 1 + target.length;
        }

        /** Writes the 36 ASCII characters of the id of {@code slotMillis} into {@code out} at {@code offset}. */
        void writeId(long slotMillis, byte[] out, int offset) {
            BIG_ENDIAN_LONG.set(buffer, length, slotMillis);
            murmur3(buffer, length + Long.BYTES, hash);
            long msb = (hash[0] & ~0xf000L) | 0x8000L;
            long lsb = (hash[1] & 0x3fffffffffffffffL) | 0x8000000000000000L;
            // 8-4-4-4-12 hex digits: bytes 0-3, 4-5, 6-7 of msb; 0-1, 2-7 of lsb.
            hexBytes(msb, 7, 4, out, offset);
            out[offset + 8] = '-';
            hexBytes(msb, 3, 2, out, offset + 9);
            out[offset + 13] = '-';
            hexBytes(msb, 1, 2, out, offset + 14);
            out[offset + 18] = '-';
            hexBytes(lsb, 7, 2, out, offset + 19);
            out[offset + 23] = '-';
            hexBytes(lsb, 5, 6, out, offset + 24);
        }
    }

    // Writes `count` bytes of `value`, most significant first starting at byte index `from` (7 = top byte).
    private static void hexBytes(long value, int from, int count, byte[] out, int offset) {
        for (int i = 0; i < count; i++) {
            int b = (int) (value >>> ((from - i) * 8)) & 0xff;
            out[offset + 2 * i] = HEX_PAIRS[2 * b];
            out[offset + 2 * i + 1] = HEX_PAIRS[2 * b + 1];
        }
    }

    /** The target part of the hash input: {@code resourceType 0x1F region 0x1F}. */
    static byte[] targetBytes(String resourceType, String region) {
        byte[] type = resourceType.getBytes(StandardCharsets.UTF_8);
        byte[] regionBytes = region.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[type.length + regionBytes.length + 2];
        System.arraycopy(type, 0, out, 0, type.length);
        out[type.length] = SEPARATOR;
        System.arraycopy(regionBytes, 0, out, type.length + 1, regionBytes.length);
        out[out.length - 1] = SEPARATOR;
        return out;
    }

    /** MurmurHash3 x64 128 of {@code data[0..length)}, seed 0, as {h1, h2}. */
    static long[] murmur3(byte[] data, int length) {
        long[] out = new long[2];
        murmur3(data, length, out);
        return out;
    }

    // MurmurHash3_x64_128 (Austin Appleby, public domain), seed 0, little-endian blocks; no allocation.
    private static void murmur3(byte[] data, int length, long[] out) {
        long h1 = 0;
        long h2 = 0;
        int blocks = length / 16;
        for (int i = 0; i < blocks; i++) {
            long k1 = littleEndian(data, i * 16);
            long k2 = littleEndian(data, i * 16 + 8);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = blocks * 16;
        long k1 = 0;
        long k2 = 0;
        int rest = length & 15;
        for (int i = rest - 1; i >= 8; i--) {
            k2 ^= (data[tail + i] & 0xffL) << ((i - 8) * 8);
        }
        if (rest > 8) {
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        for (int i = Math.min(rest, 8) - 1; i >= 0; i--) {
            k1 ^= (data[tail + i] & 0xffL) << (i * 8);
        }
        if (rest > 0) {
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        out[0] = h1;
        out[1] = h2;
    }

    private static long littleEndian(byte[] data, int offset) {
        return (long) LITTLE_ENDIAN_LONG.get(data, offset);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
