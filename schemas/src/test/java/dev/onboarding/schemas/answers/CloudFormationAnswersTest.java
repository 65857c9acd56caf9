package dev.onboarding.schemas.answers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.schemas.ContractSamples;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudFormationAnswersTest {
    private static final Instant SENT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant DECIDED = Instant.parse("2026-01-01T00:00:02Z");
    private static final RequestToAnswer REQUEST = new RequestToAnswer("req-1",
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x", "arn:stack", "Notify",
            SENT.plusSeconds(600));

    @Test
    void aRejectedIdNamesTheRequestAndACarriedIdIsKept() {
        assertThat(CloudFormationAnswers.rejectedId("req-1")).isEqualTo("rejected-req-1");
        assertThat(CloudFormationAnswers.carriedOrRejectedId("integration-7", "req-1")).isEqualTo("integration-7");
        assertThat(CloudFormationAnswers.carriedOrRejectedId(null, "req-1")).isEqualTo("rejected-req-1");
        assertThat(CloudFormationAnswers.carriedOrRejectedId("  ", "req-1")).isEqualTo("rejected-req-1");
    }

    @Test
    void reasonsAreCutTo256CharactersEndingInAnEllipsis() {
        String exact = "r".repeat(256);
        String cut = CloudFormationAnswers.cutReason("r".repeat(257));

        assertThat(CloudFormationAnswers.cutReason(exact)).isSameAs(exact);
        assertThat(cut).hasSize(256).startsWith("r".repeat(255)).endsWith("…");
        assertThat(CloudFormationAnswers.cutReason(null)).isNull();
    }

    @Test
    void theDeadlineIsTheServiceTimeoutAfterSendingOrAnHourWhenNoneIsStated() {
        assertThat(CloudFormationAnswers.deadline(SENT, 300)).isEqualTo(SENT.plusSeconds(300));
        assertThat(CloudFormationAnswers.deadline(SENT, 0)).isEqualTo(SENT.plusSeconds(3600));
        assertThat(CloudFormationAnswers.deadline(SENT, -5)).isEqualTo(SENT.plusSeconds(3600));
    }

    @Test
    void anAnswerEchoesTheRequestAndIsAFirstAttempt() {
        CfnResponse answer = CloudFormationAnswers.answer(REQUEST, ResponseStatus.FAILED, "x".repeat(300),
                CloudFormationAnswers.rejectedId("req-1"), Map.of(), "int-1", DECIDED);

        assertThat(answer.getRequestId()).isEqualTo("req-1");
        assertThat(answer.getResponseUrl()).isEqualTo(REQUEST.responseUrl());
        assertThat(answer.getStackId()).isEqualTo("arn:stack");
        assertThat(answer.getLogicalResourceId()).isEqualTo("Notify");
        assertThat(answer.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.getReason()).hasSize(256);
        assertThat(answer.getPhysicalResourceId()).isEqualTo("rejected-req-1");
        assertThat(answer.getData()).isEmpty();
        assertThat(answer.getNoEcho()).isFalse();
        assertThat(answer.getDeadline()).isEqualTo(SENT.plusSeconds(600));
        assertThat(answer.getAttempt()).isZero();
        assertThat(answer.getNextAttemptAt()).isNull();
        assertThat(answer.getDecidedAt()).isEqualTo(DECIDED);
        assertThat(answer.getIntegrationId()).isEqualTo("int-1");
        assertThat(answer.getLastError()).isNull();
    }

    @Test
    void aCallbacksRequestListensForItsServiceTimeout() {
        CfnCallback callback = ContractSamples.cfnCallback();

        assertThat(RequestToAnswer.of(callback)).isEqualTo(new RequestToAnswer(callback.getRequestId(),
                callback.getResponseUrl(), callback.getStackId(), callback.getLogicalResourceId(),
                ContractSamples.T0.plusSeconds(900)));
        assertThat(RequestToAnswer.of(ContractSamples.cfnCallbackMinimal()).deadline())
                .isEqualTo(ContractSamples.T0.plusSeconds(3600));
    }
}
