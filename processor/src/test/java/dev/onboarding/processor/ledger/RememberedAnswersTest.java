package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.processor.TestData;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What is remembered of an answer to a callback that matched no integration, and the answer rebuilt from it. */
class RememberedAnswersTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final CallbackDecider decider = new CallbackDecider();
    private final String ext = TestData.externalId();

    private CfnResponse decided(CfnCallback callback) {
        return ((CallbackDecision.Answer) decider.decide(callback, Optional.empty(), false, NOW)).response();
    }

    @Test
    void everyAnswerToACallbackForAnUnknownExternalIdIsRebuiltExactlyFromItsRedelivery() {
        CfnCallback create = TestData.create(ext, "req-c", ACCOUNT, "s", NOW).build();
        CfnCallback delete = TestData.delete(ext, "req-d", ACCOUNT, "s", "int-9", NOW).build();
        CfnCallback update = TestData.update(ext, "req-u", ACCOUNT, "s", "int-9", NOW).build();
        CfnCallback changedId = TestData.update(ext, "req-x", ACCOUNT, "s", "int-9", NOW)
                .setOldExternalId(TestData.externalId()).build();

        for (CfnCallback callback : new CfnCallback[] {create, delete, update, changedId}) {
            CfnResponse first = decided(callback);
            RememberedDecision remembered = RememberedAnswers.remember(callback, first).orElseThrow();

            assertThat(RememberedAnswers.rebuild(CfnCallback.newBuilder(callback).build(), remembered))
                    .as("%s", callback.getRequestType()).contains(first);
        }
        assertThat(RememberedAnswers.remember(delete, decided(delete))).get()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(RememberedReason.NONE));
        assertThat(RememberedAnswers.remember(create, decided(create))).get()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(RememberedReason.UNKNOWN_EXTERNAL_ID));
        assertThat(RememberedAnswers.remember(update, decided(update))).get()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(RememberedReason.NOT_THE_CONNECTED_STACK));
        assertThat(RememberedAnswers.remember(changedId, decided(changedId))).get()
                .satisfies(r -> assertThat(r.getReason()).isEqualTo(RememberedReason.EXTERNAL_ID_CHANGED));
    }

    @Test
    void anAnswerThatNamesAnIntegrationOrCarriesDataIsNotRemembered() {
        CfnCallback create = TestData.create(ext, "req-c", ACCOUNT, "s", NOW).build();
        CfnResponse named = CallbackAnswers.failed(create, CallbackDecider.UNKNOWN_EXTERNAL_ID, "int-1", NOW);
        CfnResponse withData = CallbackAnswers.success(TestData.delete(ext, "req-d", ACCOUNT, "s", "int-1", NOW)
                .build(), "int-1", Map.of("IntegrationId", "int-1"), null, NOW);
        CfnResponse otherReason = CallbackAnswers.failed(create, "this integration is still pending; retry", null,
                NOW);

        assertThat(RememberedAnswers.remember(create, named)).isEmpty();
        assertThat(RememberedAnswers.remember(create, withData)).isEmpty();
        assertThat(RememberedAnswers.remember(create, otherReason)).isEmpty();
    }

    @Test
    void aRememberedDecisionAnswersNoCallbackOfAnotherType() {
        CfnCallback delete = TestData.delete(ext, "req-d", ACCOUNT, "s", "int-9", NOW).build();
        RememberedDecision success = RememberedAnswers.remember(delete, decided(delete)).orElseThrow();
        CfnCallback create = TestData.create(ext, "req-c", ACCOUNT, "s", NOW).build();
        RememberedDecision unknown = RememberedAnswers.remember(create, decided(create)).orElseThrow();

        assertThat(RememberedAnswers.rebuild(TestData.create(ext, "req-d", ACCOUNT, "s", NOW).build(), success))
                .isEmpty();
        assertThat(RememberedAnswers.rebuild(TestData.delete(ext, "req-c", ACCOUNT, "s", "p", NOW).build(), unknown))
                .isEmpty();
        assertThat(RememberedAnswers.rebuild(create, new RememberedDecision(NOW, RememberedStatus.FAILED,
                RememberedReason.OTHER))).isEmpty();
    }

    @Test
    void aDecisionRemembersAFewDozenBytesWhateverTheResponseUrl() throws java.io.IOException {
        String url = "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/" + "x".repeat(4000);
        CfnCallback delete = TestData.delete(ext, "req-d", ACCOUNT, "s", "int-9", NOW).setResponseUrl(url).build();
        RememberedDecision remembered = RememberedAnswers.remember(delete, decided(delete)).orElseThrow();

        assertThat(remembered.toByteBuffer().remaining()).isLessThan(32);
        assertThat(RequestDigests.of("req-d")).hasSize(22).isEqualTo(RequestDigests.of("req-d"))
                .isNotEqualTo(RequestDigests.of("req-e"));
    }
}
