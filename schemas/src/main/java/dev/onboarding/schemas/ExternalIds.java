package dev.onboarding.schemas;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * External IDs the provider mints for STS AssumeRole. The provider always generates them (customers
 * never choose one): 160 random bits from {@link SecureRandom}, lower-case base32 behind a readable
 * prefix, e.g. {@code onb-6n2vhq...}. They guard the confused-deputy check, so logs only ever show
 * {@link #redact redacted} forms.
 */
public final class ExternalIds {
    /** Prefix of every minted external ID. */
    public static final String PREFIX = "onb-";
    /** STS limits: 2 to 1224 characters of {@code [\w+=,.@:/-]}. */
    public static final int MIN_LENGTH = 2;
    /** STS limits: 2 to 1224 characters of {@code [\w+=,.@:/-]}. */
    public static final int MAX_LENGTH = 1224;

    private static final int RANDOM_BYTES = 20;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final Pattern STS_CHARS = Pattern.compile("[\\w+=,.@:/-]+");
    private static final Pattern MINTED = Pattern.compile(Pattern.quote(PREFIX) + "[a-z2-7]{32}");

    private final SecureRandom random;

    /** A minter using a strong {@link SecureRandom}. */
    public ExternalIds() {
        this(new SecureRandom());
    }

    /** A minter using the given randomness source (tests). */
    public ExternalIds(SecureRandom random) {
        this.random = random;
    }

    /** A new external ID. */
    public String mint() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return PREFIX + base32(bytes);
    }

    /** Whether STS would accept {@code value} as an ExternalId (length and characters). */
    public static boolean isStsValid(String value) {
        return value != null && value.length() >= MIN_LENGTH && value.length() <= MAX_LENGTH
                && STS_CHARS.matcher(value).matches();
    }

    /** Whether {@code value} has the shape of an ID this provider mints. */
    public static boolean isMintedFormat(String value) {
        return value != null && MINTED.matcher(value).matches();
    }

    /** A form safe for logs: the prefix and the last four characters, e.g. {@code onb-…k3q7}. */
    public static String redact(String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() < 12) {
            return "…(" + value.length() + " chars)";
        }
        String head = value.startsWith(PREFIX) ? PREFIX : "";
        return head + "…" + value.substring(value.length() - 4);
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
