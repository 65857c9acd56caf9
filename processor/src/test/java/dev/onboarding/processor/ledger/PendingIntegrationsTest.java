package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.TestData;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request-side rules without Kafka. */
class PendingIntegrationsTest {
    private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
    private final PendingIntegrations rules = new PendingIntegrations();
    private final String ext = TestData.externalId();

    private static IntegrationRequested requested(IntegrationRequestEvent event) {
        return (IntegrationRequested) event.getEvent();
    }

    @Test
    void aNewExternalIdRegistersAPendingIntegration() {
        var result = rules.request(requested(TestData.requested("int-1", "t", ext, NOW, Duration.ofHours(24))),
                Optional.empty(), NOW);
        Integration state = ((PendingIntegrations.Changed) result).newState();
        assertThat(state.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(state.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThat(state.getVersion()).isEqualTo(1);
        assertThat(state.getTags()).containsEntry("env", "prod");
    }

    @Test
    void aKnownExternalIdIsRefusedUnlessItIsTheSameIntegration() {
        Integration owner = ((PendingIntegrations.Changed) rules.request(requested(TestData.requested("int-1", "t",
                ext, NOW, Duration.ofHours(1))), Optional.empty(), NOW)).newState();
        assertThat(rules.request(requested(TestData.requested("int-1", "t", ext, NOW, Duration.ofHours(1))),
                Optional.of(owner), NOW)).isInstanceOf(PendingIntegrations.Unchanged.class);
        var refused = (PendingIntegrations.Refused) rules.request(requested(TestData.requested("int-2", "other", ext,
                NOW, Duration.ofHours(1))), Optional.of(owner), NOW);
        assertThat(refused.reasonCode()).isEqualTo(PendingIntegrations.EXTERNAL_ID_IN_USE);
        assertThat(refused.reason()).doesNotContain(ext);
        // Once an external ID is known it stays owned, whatever became of its integration.
        Integration ended = Integration.newBuilder(owner).setStatus(IntegrationStatus.EXPIRED).build();
        assertThat(rules.request(requested(TestData.requested("int-3", "t", ext, NOW, Duration.ofHours(1))),
                Optional.of(ended), NOW)).isInstanceOf(PendingIntegrations.Refused.class);
    }

    @Test
    void expiryOnlyEndsPendingIntegrationsPastTheirTime() {
        Integration owner = ((PendingIntegrations.Changed) rules.request(requested(TestData.requested("int-1", "t",
                ext, NOW, Duration.ofHours(1))), Optional.empty(), NOW)).newState();
        assertThat(rules.expire(owner, NOW.plus(Duration.ofMinutes(59)))).isEmpty();
        assertThat(rules.expire(owner, NOW.plus(Duration.ofHours(1)))).get().extracting(Integration::getStatus)
                .isEqualTo(IntegrationStatus.EXPIRED);
        Integration connected = Integration.newBuilder(owner).setStatus(IntegrationStatus.CONNECTED).build();
        assertThat(rules.expire(connected, NOW.plus(Duration.ofDays(9)))).isEmpty();
    }

    @Test
    void aSecondCancelChangesNothing() {
        Integration owner = ((PendingIntegrations.Changed) rules.request(requested(TestData.requested("int-1", "t",
                ext, NOW, Duration.ofHours(1))), Optional.empty(), NOW)).newState();
        IntegrationCancelled cancel = (IntegrationCancelled) TestData.cancelled("int-1", "t", ext, NOW).getEvent();
        Integration cancelled = ((PendingIntegrations.Changed) rules.cancel(cancel, Optional.of(owner), NOW))
                .newState();
        assertThat(cancelled.getStatus()).isEqualTo(IntegrationStatus.CANCELLED);
        assertThat(rules.cancel(cancel, Optional.of(cancelled), NOW)).isInstanceOf(PendingIntegrations.Unchanged.class);
        IntegrationCancelled foreign = (IntegrationCancelled) TestData.cancelled("int-1", "other", ext, NOW)
                .getEvent();
        assertThat(rules.cancel(foreign, Optional.of(owner), NOW)).isInstanceOf(PendingIntegrations.Refused.class);
    }

    @Test
    void malformedEventsAreNamed() {
        assertThat(PendingIntegrations.malformed("int-1", null)).contains("empty value");
        assertThat(PendingIntegrations.malformed("other-key", TestData.requested("int-1", "t", ext, NOW,
                Duration.ofHours(1)))).get().asString().contains("record key");
        assertThat(PendingIntegrations.malformed("int-1", TestData.requested("int-1", " ", ext, NOW,
                Duration.ofHours(1)))).get().asString().contains("tenantId");
        assertThat(PendingIntegrations.malformed("int-1", TestData.requested("int-1", "t", ext, NOW,
                Duration.ofHours(1), "123"))).get().asString().contains("expectedAccountId");
        IntegrationRequestEvent backwards = TestData.requested("int-1", "t", ext, NOW, Duration.ofHours(1));
        requested(backwards).setExpiresAt(NOW.minusSeconds(1));
        assertThat(PendingIntegrations.malformed("int-1", backwards)).get().asString().contains("expiresAt");
        IntegrationRequestEvent badRole = TestData.requested("int-1", "t", ext, NOW, Duration.ofHours(1));
        requested(badRole).setRoleName("has space");
        assertThat(PendingIntegrations.malformed("int-1", badRole)).get().asString().contains("roleName");
        assertThat(PendingIntegrations.malformed("int-1", TestData.requested("int-1", "t", ext, NOW,
                Duration.ofHours(1)))).isEmpty();
        assertThat(PendingIntegrations.malformed("int-1", TestData.cancelled("int-1", "t", ext, NOW))).isEmpty();
    }
}
