package dev.onboarding.api.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.contract.IntegrationStatus;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantIndexKeyTest {
    @Test
    void newerRequestsSortFirstWithinATenantAndScope() {
        byte[] older = TenantIndexKey.of("t", Optional.empty(), 1_000, "int-a");
        byte[] newer = TenantIndexKey.of("t", Optional.empty(), 2_000, "int-b");

        assertThat(Arrays.compareUnsigned(newer, older)).isNegative();
    }

    @Test
    void aTenantsPrefixNeverCoversAnotherTenantOrScope() {
        byte[] prefix = TenantIndexKey.prefix("ab", Optional.empty());

        assertThat(startsWith(TenantIndexKey.of("ab", Optional.empty(), 1, "x"), prefix)).isTrue();
        assertThat(startsWith(TenantIndexKey.of("abc", Optional.empty(), 1, "x"), prefix)).isFalse();
        assertThat(startsWith(TenantIndexKey.of("ab", Optional.of(IntegrationStatus.PENDING), 1, "x"), prefix))
                .isFalse();
    }

    @Test
    void aCursorLeadsBackToItsKeyAndTheIdIsRecovered() {
        byte[] prefix = TenantIndexKey.prefix("t", Optional.of(IntegrationStatus.CONNECTED));
        byte[] key = TenantIndexKey.of("t", Optional.of(IntegrationStatus.CONNECTED), 42, "int-é");

        String cursor = TenantIndexKey.cursorAfter(key, prefix.length);

        assertThat(TenantIndexKey.keyOfCursor(prefix, cursor)).isEqualTo(key);
        assertThat(TenantIndexKey.integrationId(key, prefix.length)).isEqualTo("int-é");
        assertThatThrownBy(() -> TenantIndexKey.keyOfCursor(prefix, "!!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TenantIndexKey.keyOfCursor(prefix, "AAAA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEntryRoundTripsAndNamesItsTwoKeys() {
        TenantIndexKey.Entry entry = new TenantIndexKey.Entry("tenant-ü", IntegrationStatus.CONNECTED, 1_234);

        TenantIndexKey.Entry back = TenantIndexKey.Entry.decode(entry.encode());

        assertThat(back).isEqualTo(entry);
        assertThat(back.keys("int-1")).containsExactly(
                TenantIndexKey.of("tenant-ü", Optional.empty(), 1_234, "int-1"),
                TenantIndexKey.of("tenant-ü", Optional.of(IntegrationStatus.CONNECTED), 1_234, "int-1"));
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
