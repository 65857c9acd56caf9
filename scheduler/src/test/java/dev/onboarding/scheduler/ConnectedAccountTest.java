package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConnectedAccountTest {
    private static final ConnectedAccount ACCOUNT = new ConnectedAccount("int-1", "tenant-1", "123456789012",
            "arn:aws:iam::123456789012:role/OnboardingReadOnly", "onb-abcdefghijklmnopqrstuvwxyz234567",
            1_700_000_000_000L, 3, 5);

    @Test
    void survivesTheStoreFormat() {
        byte[] bytes = ConnectedAccount.serde().serializer().serialize("store", ACCOUNT);

        assertThat(ConnectedAccount.serde().deserializer().deserialize("store", bytes)).isEqualTo(ACCOUNT);
        assertThat(ConnectedAccount.serde().deserializer().deserialize("store", null)).isNull();
    }

    @Test
    void refusesAnUnknownFormat() {
        byte[] bytes = ACCOUNT.toBytes();
        bytes[0] = 9;

        assertThatThrownBy(() -> ConnectedAccount.fromBytes(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("format 9");
    }

    @Test
    void neverPrintsTheExternalId() {
        assertThat(ACCOUNT.toString()).doesNotContain(ACCOUNT.externalId()).contains("onb-…4567");
    }
}
