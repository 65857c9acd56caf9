package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.ResponseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bound on state versions that only record a failed attempt. */
class AttemptRecordsTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final AttemptRecords rules = new AttemptRecords(3);

    @Test
    void aRequestIdRecordsEachStepOfItsHandlingOnce() {
        List<RecordedStep> received = rules.admit(null, "req-1", HandlingStep.RECEIVED, NOW).orElseThrow();
        List<RecordedStep> verified = rules.admit(received, "req-1", HandlingStep.VERIFIED, NOW).orElseThrow();

        assertThat(rules.admit(verified, "req-1", HandlingStep.RECEIVED, NOW.plusSeconds(1))).isEmpty();
        assertThat(rules.admit(verified, "req-1", HandlingStep.VERIFIED, NOW.plusSeconds(1))).isEmpty();
        assertThat(rules.admit(verified, "req-1", HandlingStep.DECIDED, NOW.plusSeconds(1))).isPresent();
    }

    @Test
    void anIntegrationRecordsAtMostTheBoundInAnyHourAndKeepsNoMoreThanThatInMemory() {
        List<RecordedStep> recorded = List.of();
        for (int n = 0; n < 3; n++) {
            recorded = rules.admit(recorded, "req-" + n, HandlingStep.DECIDED, NOW.plus(Duration.ofMinutes(n)))
                    .orElseThrow();
        }
        assertThat(rules.admit(recorded, "req-3", HandlingStep.DECIDED, NOW.plus(Duration.ofMinutes(59)))).isEmpty();

        // An hour after the first, one more fits; the list stays at the bound.
        Optional<List<RecordedStep>> later = rules.admit(recorded, "req-4", HandlingStep.DECIDED,
                NOW.plus(Duration.ofMinutes(60)));
        assertThat(later).get().asList().hasSize(3);
        assertThat(later.get()).extracting(RecordedStep::getRequestDigest).containsExactly(RequestDigests.of("req-1"),
                RequestDigests.of("req-2"), RequestDigests.of("req-4"));
    }

    @Test
    void onlyAFailedAnswerThatLeavesTheStatusRecordsAnAttempt() {
        CfnResponse failed = CfnResponse.newBuilder().setRequestId("r").setResponseUrl("u")
                .setStatus(ResponseStatus.FAILED).setPhysicalResourceId("p").setStackId("s").setLogicalResourceId("l")
                .setDeadline(NOW).build();
        CfnResponse success = CfnResponse.newBuilder(failed).setStatus(ResponseStatus.SUCCESS).build();

        assertThat(AttemptRecords.recordsAnAttempt(failed, state(IntegrationStatus.PENDING))).isTrue();
        assertThat(AttemptRecords.recordsAnAttempt(failed, state(IntegrationStatus.CONNECTED))).isTrue();
        assertThat(AttemptRecords.recordsAnAttempt(failed, state(IntegrationStatus.EXPIRED))).isFalse();
        assertThat(AttemptRecords.recordsAnAttempt(success, state(IntegrationStatus.CONNECTED))).isFalse();
        assertThatThrownBy(() -> new AttemptRecords(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Integration state(IntegrationStatus status) {
        return Integration.newBuilder().setIntegrationId("int-1").setTenantId("t").setExternalId("onb-x")
                .setStatus(status).setRoleName("r").setRequestedAt(NOW).setExpiresAt(NOW).setUpdatedAt(NOW)
                .setVersion(2).build();
    }
}
