package dev.onboarding.schemas;

import java.util.regex.Pattern;

/**
 * Versions of the customer template, as its custom resource reports them in the {@code TemplateVersion}
 * property: 1 to 4 numbers separated by dots, each 0 to 999999 without leading zeros ({@code 1.1.0}). The
 * property arrives through the public SNS topic, so only that strict shape is accepted. Versions compare number by
 * number, a missing number counting as 0 ({@code 1.10} is newer than {@code 1.9.3}; {@code 1.1} equals
 * {@code 1.1.0}).
 */
public final class TemplateVersions {
    /** Longest valid version: four six-digit numbers and three dots. */
    public static final int MAX_LENGTH = 27;

    private static final Pattern VERSION = Pattern.compile("(0|[1-9]\\d{0,5})(\\.(0|[1-9]\\d{0,5})){0,3}");

    private TemplateVersions() {
    }

    /** Whether {@code value} is a template version. */
    public static boolean isValid(String value) {
        return value != null && value.length() <= MAX_LENGTH && VERSION.matcher(value).matches();
    }

    /**
     * Compares two valid versions number by number: negative when {@code a} is older than {@code b}, 0 when they
     * are equal, positive when {@code a} is newer.
     *
     * @throws IllegalArgumentException when either is not a valid version
     */
    public static int compare(String a, String b) {
        int[] left = numbers(a);
        int[] right = numbers(b);
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int difference = Integer.compare(i < left.length ? left[i] : 0, i < right.length ? right[i] : 0);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }

    /**
     * Whether a stack reporting {@code candidate} runs a newer template than {@code current}: {@code candidate} is
     * valid and {@code current} is absent (a template before versions), invalid or older.
     */
    public static boolean isNewer(String candidate, String current) {
        return isValid(candidate) && (!isValid(current) || compare(candidate, current) > 0);
    }

    private static int[] numbers(String version) {
        if (!isValid(version)) {
            throw new IllegalArgumentException("not a template version: " + (version == null ? "null"
                    : "'" + version.substring(0, Math.min(version.length(), MAX_LENGTH)) + "'"));
        }
        String[] parts = version.split("\\.");
        int[] numbers = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Integer.parseInt(parts[i]);
        }
        return numbers;
    }
}
