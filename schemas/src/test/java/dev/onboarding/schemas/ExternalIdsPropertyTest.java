package dev.onboarding.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of external IDs over generated inputs. */
class ExternalIdsPropertyTest {
    private static final String STS_PUNCTUATION = "_+=,.@:/-";
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    @Provide
    Arbitrary<String> stsValid() {
        return Arbitraries.strings().alpha().numeric().withChars(STS_PUNCTUATION).ofMinLength(2).ofMaxLength(1224);
    }

    @Provide
    Arbitrary<String> withAForbiddenCharacter() {
        Arbitrary<Character> forbidden = Arbitraries.chars().all().filter(c -> !isStsChar(c));
        return Combinators.combine(stsValid(), forbidden, Arbitraries.integers().between(0, 1224))
                .as((valid, bad, at) -> {
                    int position = Math.min(at, valid.length());
                    return valid.substring(0, position) + bad + valid.substring(position);
                });
    }

    @Provide
    Arbitrary<String> wrongLength() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMaxLength(1),
                Arbitraries.strings().alpha().ofMinLength(1225).ofMaxLength(2000));
    }

    @Property(tries = 300)
    void acceptsEveryStringOfTheStsAlphabetAndLength(@ForAll("stsValid") String value) {
        assertThat(ExternalIds.isStsValid(value)).isTrue();
    }

    @Property(tries = 300)
    void refusesAnyForbiddenCharacter(@ForAll("withAForbiddenCharacter") String value) {
        assertThat(ExternalIds.isStsValid(value)).isFalse();
    }

    @Property(tries = 300)
    void refusesAnyWrongLength(@ForAll("wrongLength") String value) {
        assertThat(ExternalIds.isStsValid(value)).isFalse();
    }

    @Property
    void mintingKeepsEveryRandomBit(@ForAll @Size(20) byte[] random) {
        String id = new ExternalIds(ExternalIdsTest.fixed(random)).mint();

        assertThat(ExternalIds.isMintedFormat(id)).isTrue();
        assertThat(ExternalIds.isStsValid(id)).isTrue();
        assertThat(base32Decode(id.substring(ExternalIds.PREFIX.length()))).isEqualTo(random);
    }

    @Property(tries = 300)
    void redactingALongValueRevealsAtMostItsLastFourCharacters(@ForAll("stsValid") String value) {
        String redacted = ExternalIds.redact(value);

        if (value.length() < 12) {
            assertThat(redacted).isEqualTo("…(" + value.length() + " chars)");
        } else {
            String head = value.startsWith(ExternalIds.PREFIX) ? ExternalIds.PREFIX : "";
            assertThat(redacted).isEqualTo(head + "…" + value.substring(value.length() - 4));
            assertThat(redacted).doesNotContain(value);
        }
    }

    private static boolean isStsChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || STS_PUNCTUATION.indexOf(c) >= 0;
    }

    private static byte[] base32Decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | BASE32.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
