package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
    @Test
    void oneTenantAndKeyAlwaysNameTheSameIntegration() {
        String id = IdempotencyKeys.integrationId("acme", "order-1");

        assertThat(IdempotencyKeys.integrationId("acme", "order-1")).isEqualTo(id);
        assertThat(id).startsWith("int-");
        UUID uuid = UUID.fromString(id.substring(4));
        assertThat(uuid.version()).isEqualTo(8);
        assertThat(uuid.variant()).isEqualTo(2);
    }

    @Test
    void anotherTenantOrKeyNamesAnotherIntegration() {
        String id = IdempotencyKeys.integrationId("acme", "order-1");

        assertThat(IdempotencyKeys.integrationId("acme2", "order-1")).isNotEqualTo(id);
        assertThat(IdempotencyKeys.integrationId("acme", "order-2")).isNotEqualTo(id);
        // The tenant is length-prefixed: moving characters between tenant and key changes the id.
        assertThat(IdempotencyKeys.integrationId("ab", "c")).isNotEqualTo(IdempotencyKeys.integrationId("a", "bc"));
    }

    @Test
    void keysAreVisibleAsciiUpTo255Characters() {
        assertThat(IdempotencyKeys.isValid("7f1c2e0a-signup-42")).isTrue();
        assertThat(IdempotencyKeys.isValid("x".repeat(255))).isTrue();
        assertThat(IdempotencyKeys.isValid("x".repeat(256))).isFalse();
        assertThat(IdempotencyKeys.isValid("")).isFalse();
        assertThat(IdempotencyKeys.isValid("has space")).isFalse();
        assertThat(IdempotencyKeys.isValid("ünïcode")).isFalse();
    }
}
