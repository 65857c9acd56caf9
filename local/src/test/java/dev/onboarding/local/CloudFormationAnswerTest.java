package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading what the bridge PUT to the ResponseURL, as CloudFormation would. */
class CloudFormationAnswerTest {
    @Test
    void readsEveryFieldCloudFormationShows() {
        CloudFormationAnswer answer = CloudFormationAnswer.parse("{\"Status\":\"FAILED\",\"Reason\":\"account taken\","
                + "\"PhysicalResourceId\":\"p-1\",\"RequestId\":\"r-1\",\"Data\":{\"IntegrationId\":\"int-1\"}}",
                Instant.EPOCH);

        assertThat(answer.isAnswer()).isTrue();
        assertThat(answer.requestId()).isEqualTo("r-1");
        assertThat(answer.describe())
                .isEqualTo("FAILED \"account taken\", physical id p-1, data {\"IntegrationId\":\"int-1\"}");
    }

    @Test
    void aBodyCloudFormationWouldRejectIsNotAnAnswer() {
        assertThat(CloudFormationAnswer.parse("not json", Instant.EPOCH).status()).isEqualTo("INVALID");
        assertThat(CloudFormationAnswer.parse("[1]", Instant.EPOCH).isAnswer()).isFalse();
        assertThat(CloudFormationAnswer.parse("{\"Status\":\"MAYBE\"}", Instant.EPOCH).isAnswer()).isFalse();
        assertThat(CloudFormationAnswer.parse("{\"Status\":\"SUCCESS\"}", Instant.EPOCH).data().isObject()).isTrue();
    }
}
