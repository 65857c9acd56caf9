package dev.onboarding.scheduler;

import static dev.onboarding.scheduler.IntegrationRecords.connected;
import static dev.onboarding.scheduler.IntegrationRecords.inState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.scheduler.ConnectionDecider.Connect;
import dev.onboarding.scheduler.ConnectionDecider.Decision;
import dev.onboarding.scheduler.ConnectionDecider.Disconnect;
import dev.onboarding.scheduler.ConnectionDecider.Ignore;
import dev.onboarding.scheduler.ConnectionDecider.Refresh;
import dev.onboarding.scheduler.ConnectionDecider.Reject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConnectionDeciderTest {
    private static final Instant NOW = Instant.parse("2025-06-02T08:00:00Z");
    private final ConnectionDecider decider = new ConnectionDecider(Duration.ofHours(1));

    @Test
    void aFirstConnectedRecordConnectsWithAnInitialBurst() {
        Decision decision = decide(connected("i-1", 3, NOW.minusSeconds(5)), null);

        assertThat(decision).isInstanceOfSatisfying(Connect.class, c -> {
            assertThat(c.initialBurst()).isTrue();
            assertThat(c.replacesPrevious()).isFalse();
            assertThat(c.account().epoch()).isEqualTo(3);
            assertThat(c.account().version()).isEqualTo(3);
            assertThat(c.account().connectedAt()).isEqualTo(NOW.minusSeconds(5).toEpochMilli());
            assertThat(c.account().accountId()).isEqualTo(IntegrationRecords.accountOf("i-1"));
            assertThat(c.account().roleArn()).startsWith("arn:aws:iam::");
        });
    }

    @Test
    void aConnectionProcessedLaterThanTheMaxAgeGetsNoBurst() {
        assertThat(decide(connected("i-1", 3, NOW.minus(Duration.ofMinutes(61))), null))
                .isInstanceOfSatisfying(Connect.class, c -> assertThat(c.initialBurst()).isFalse());
        assertThat(decide(connected("i-1", 3, NOW.minus(Duration.ofMinutes(59))), null))
                .isInstanceOfSatisfying(Connect.class, c -> assertThat(c.initialBurst()).isTrue());
    }

    @Test
    void aNewerConnectedRecordForTheSameAccountRefreshesWithoutABurst() {
        ConnectedAccount current = account("i-1", 3);
        Integration update = Integration.newBuilder(connected("i-1", 4, NOW))
                .setRoleArn("arn:aws:iam::" + current.accountId() + ":role/Renamed").build();

        assertThat(decide(update, current)).isInstanceOfSatisfying(Refresh.class, r -> {
            assertThat(r.account().roleArn()).endsWith("role/Renamed");
            assertThat(r.account().epoch()).isEqualTo(3);
            assertThat(r.account().version()).isEqualTo(4);
            assertThat(r.account().connectedAt()).isEqualTo(current.connectedAt());
        });
    }

    @Test
    void anotherAccountOnTheSameIntegrationIsANewConnection() {
        ConnectedAccount current = account("i-1", 3);
        Integration moved = Integration.newBuilder(connected("i-1", 5, NOW)).setAccountId("999999999999")
                .setRoleArn("arn:aws:iam::999999999999:role/OnboardingReadOnly").build();

        assertThat(decide(moved, current)).isInstanceOfSatisfying(Connect.class, c -> {
            assertThat(c.replacesPrevious()).isTrue();
            assertThat(c.account().epoch()).isEqualTo(5);
        });
    }

    @Test
    void duplicatesAndStaleVersionsAreIgnored() {
        ConnectedAccount current = account("i-1", 3);

        assertThat(decide(connected("i-1", 3, NOW), current)).isInstanceOf(Ignore.class);
        assertThat(decide(connected("i-1", 2, NOW), current)).isInstanceOf(Ignore.class);
        assertThat(decide(inState("i-1", IntegrationStatus.DISCONNECTED, 2, NOW), current))
                .isInstanceOf(Ignore.class);
    }

    @ParameterizedTest
    @EnumSource(value = IntegrationStatus.class, names = "CONNECTED", mode = EnumSource.Mode.EXCLUDE)
    void leavingConnectedDisconnectsAndIsIgnoredWhenNotScheduled(IntegrationStatus status) {
        Integration record = inState("i-1", status, 4, NOW);

        assertThat(decide(record, account("i-1", 3))).isInstanceOf(Disconnect.class);
        assertThat(decide(record, null)).isInstanceOf(Ignore.class);
    }

    @Test
    void aTombstoneDisconnects() {
        assertThat(decider.decide("i-1", null, account("i-1", 3), NOW.toEpochMilli())).isInstanceOf(Disconnect.class);
        assertThat(decider.decide("i-1", null, null, NOW.toEpochMilli())).isInstanceOf(Ignore.class);
    }

    @Test
    void aConnectedRecordACollectorCannotUseIsRejected() {
        Integration noAccount = Integration.newBuilder(connected("i-1", 3, NOW)).setAccountId(null).build();
        Integration noRole = Integration.newBuilder(connected("i-1", 3, NOW)).setRoleArn(null).build();
        Integration blankExternalId = Integration.newBuilder(connected("i-1", 3, NOW)).setExternalId(" ").build();

        assertThat(decide(noAccount, null)).isInstanceOfSatisfying(Reject.class,
                r -> assertThat(r.reasonCode()).isEqualTo("CONNECTED_INCOMPLETE"));
        assertThat(decide(noRole, null)).isInstanceOf(Reject.class);
        assertThat(decide(blankExternalId, null)).isInstanceOf(Reject.class);
        Integration badExternalId = Integration.newBuilder(connected("i-1", 3, NOW)).setExternalId("has spaces")
                .build();
        Integration hugeTenant = Integration.newBuilder(connected("i-1", 3, NOW)).setTenantId("t".repeat(70_000))
                .build();
        assertThat(decide(badExternalId, null)).isInstanceOf(Reject.class);
        // Too long to be an id, and too long for the state store's format: rejected, never a crash loop.
        assertThat(decide(hugeTenant, null)).isInstanceOf(Reject.class);
        assertThat(decider.decide("other-key", connected("i-1", 3, NOW), null, NOW.toEpochMilli()))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reasonCode()).isEqualTo("KEY_MISMATCH"));
    }

    private Decision decide(Integration integration, ConnectedAccount current) {
        return decider.decide(integration.getIntegrationId(), integration, current, NOW.toEpochMilli());
    }

    private static ConnectedAccount account(String id, long version) {
        Integration record = connected(id, version, NOW.minusSeconds(600));
        return new ConnectedAccount(id, record.getTenantId(), record.getAccountId(), record.getRoleArn(),
                record.getExternalId(), record.getConnectedAt().toEpochMilli(), version, version);
    }
}
