package dev.onboarding.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TemplateVersionsTest {

    @Test
    void acceptsOnlyOneToFourDotSeparatedNumbers() {
        assertThat(TemplateVersions.isValid("1")).isTrue();
        assertThat(TemplateVersions.isValid("1.1.0")).isTrue();
        assertThat(TemplateVersions.isValid("0.0.0.1")).isTrue();
        assertThat(TemplateVersions.isValid("999999.999999.999999.999999")).isTrue();

        for (String bad : new String[] {null, "", "v1", "1.", ".1", "1..2", "1.0.0.0.0", "01.0", "1.00",
                "1000000.0", "1.0-beta", "1,0", " 1.0", "1.0\n", "1.0.0;DROP", "١.٢", "1".repeat(40)}) {
            assertThat(TemplateVersions.isValid(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void comparesNumberByNumberWithMissingNumbersAsZero() {
        assertThat(TemplateVersions.compare("1.10.0", "1.9.3")).isPositive();
        assertThat(TemplateVersions.compare("1.1", "1.1.0")).isZero();
        assertThat(TemplateVersions.compare("1.1.0", "1.1.0.1")).isNegative();
        assertThat(TemplateVersions.compare("2", "1.999999")).isPositive();
        assertThatThrownBy(() -> TemplateVersions.compare("1.0", "latest"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'latest'");
    }

    @Test
    void aVersionIsNewerThanNoneAndThanOlderOnesOnly() {
        assertThat(TemplateVersions.isNewer("1.1.0", null)).isTrue();
        assertThat(TemplateVersions.isNewer("1.1.0", "1.0.9")).isTrue();
        assertThat(TemplateVersions.isNewer("1.1.0", "1.1")).isFalse();
        assertThat(TemplateVersions.isNewer("1.0.0", "1.1.0")).isFalse();
        assertThat(TemplateVersions.isNewer(null, "1.1.0")).isFalse();
        assertThat(TemplateVersions.isNewer("not-a-version", null)).isFalse();
    }
}
