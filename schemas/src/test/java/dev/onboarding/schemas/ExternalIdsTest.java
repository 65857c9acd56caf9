package dev.onboarding.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalIdsTest {
    private final ExternalIds ids = new ExternalIds();

    /** A SecureRandom that always yields {@code bytes} (repeated), to pin the encoding. */
    static SecureRandom fixed(byte[] bytes) {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] out) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = bytes[i % bytes.length];
                }
            }
        };
    }

    @Test
    void encodesTwentyRandomBytesAsLowerCaseBase32BehindThePrefix() {
        // RFC 4648 base32 of "12345678901234567890" is GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
        byte[] rfcVector = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

        assertThat(new ExternalIds(fixed(rfcVector)).mint()).isEqualTo("onb-gezdgnbvgy3tqojqgezdgnbvgy3tqojq");
        assertThat(new ExternalIds(fixed(new byte[] {0})).mint()).isEqualTo("onb-" + "a".repeat(32));
        assertThat(new ExternalIds(fixed(new byte[] {(byte) 0xff})).mint()).isEqualTo("onb-" + "7".repeat(32));
    }

    @Test
    void carriesAtLeast128RandomBits() {
        String id = ids.mint();

        String random = id.substring(ExternalIds.PREFIX.length());
        assertThat(random).hasSize(32).matches("[a-z2-7]+");
        // 32 base32 characters, 5 bits each.
        assertThat(random.length() * 5).isGreaterThanOrEqualTo(128);
    }

    @Test
    void isReadableStsValidAndUrlSafe() {
        String id = ids.mint();

        assertThat(id).startsWith("onb-");
        assertThat(ExternalIds.isStsValid(id)).isTrue();
        assertThat(ExternalIds.isMintedFormat(id)).isTrue();
        assertThat(URLEncoder.encode(id, StandardCharsets.UTF_8)).isEqualTo(id);
    }

    @Test
    void hundredThousandMintsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(ids.mint());
        }
        assertThat(seen).hasSize(100_000);
    }

    @Test
    void everyPositionTakesEverySymbol() {
        // Randomness reaches every character: over 20k mints each position shows all 32 symbols.
        @SuppressWarnings("unchecked")
        Set<Character>[] symbols = new Set[32];
        Arrays.setAll(symbols, i -> new HashSet<>());
        for (int i = 0; i < 20_000; i++) {
            String random = ids.mint().substring(4);
            for (int p = 0; p < 32; p++) {
                symbols[p].add(random.charAt(p));
            }
        }
        assertThat(symbols).allSatisfy(set -> assertThat(set).hasSize(32));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "onb-", "onb-gezdgnbvgy3tqojqgezdgnbvgy3tqoj", "onb-gezdgnbvgy3tqojqgezdgnbvgy3tqojqq",
        "ONB-gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "onb-GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "onb-gezdgnbvgy3tqojqgezdgnbvgy3tqoj1", "onb-gezdgnbvgy3tqojqgezdgnbvgy3tqoj8",
        "xyz-gezdgnbvgy3tqojqgezdgnbvgy3tqojq", " onb-gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
        "onb-gezdgnbvgy3tqojqgezdgnbvgy3tqojq\n", "customer-chosen-external-id"})
    void recognisesOnlyItsOwnFormat(String candidate) {
        assertThat(ExternalIds.isMintedFormat(candidate)).isFalse();
    }

    @Test
    void nullIsNeitherMintedNorStsValid() {
        assertThat(ExternalIds.isMintedFormat(null)).isFalse();
        assertThat(ExternalIds.isStsValid(null)).isFalse();
    }

    @Test
    void stsLengthBoundaries() {
        assertThat(ExternalIds.isStsValid("")).isFalse();
        assertThat(ExternalIds.isStsValid("a")).isFalse();
        assertThat(ExternalIds.isStsValid("ab")).isTrue();
        assertThat(ExternalIds.isStsValid("a".repeat(1224))).isTrue();
        assertThat(ExternalIds.isStsValid("a".repeat(1225))).isFalse();
    }

    @Test
    void stsAcceptsEveryAllowedPunctuation() {
        assertThat(ExternalIds.isStsValid("Aa0_+=,.@:/-")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab cd", "ab!", "ab#", "ab$", "ab%", "ab&", "ab*", "ab?", "ab~", "ab;", "ab\"", "ab'",
        "ab\n", "ab\t", "ab\\", "ab<>", "ab|", "abé", "ab\u0000"})
    void stsRefusesForbiddenCharacters(String value) {
        assertThat(ExternalIds.isStsValid(value)).isFalse();
    }

    @Test
    void redactsMintedIdsToPrefixAndLastFour() {
        String id = new ExternalIds(fixed("12345678901234567890".getBytes(StandardCharsets.US_ASCII))).mint();

        assertThat(ExternalIds.redact(id)).isEqualTo("onb-…qojq");
        assertThat(ExternalIds.redact(id)).doesNotContain(id.substring(4, 32));
    }

    @Test
    void redactsOtherValuesWithoutRevealingThem() {
        assertThat(ExternalIds.redact("customer-chosen-secret")).isEqualTo("…cret");
        assertThat(ExternalIds.redact("short-one")).isEqualTo("…(9 chars)");
        assertThat(ExternalIds.redact("")).isEqualTo("…(0 chars)");
        assertThat(ExternalIds.redact(null)).isEqualTo("null");
    }
}
