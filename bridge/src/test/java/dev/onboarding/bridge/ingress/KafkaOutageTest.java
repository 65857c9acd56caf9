package dev.onboarding.bridge.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.StsStandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** With Kafka gone nothing is deleted from SQS; once it is back, every message arrives. */
class KafkaOutageTest {
    private static final String EU = "eu-west-1";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void deletesNothingWhileKafkaIsDownAndLosesNothingWhenItReturns() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedSqs sqs = EmbeddedSqs.start(EU, "000000000000");
                StsStandIn sts = StsStandIn.start();
                IngressHarness h = new IngressHarness(kafka.bootstrapServers(), Map.of(EU, sqs), sts,
                        kafka::createTopic)) {
            // Short producer timeouts, so the outage also exercises failed produces and SQS redelivery.
            h.with("kafka.request.timeout.ms", "2000")
                    .with("kafka.delivery.timeout.ms", "4000")
                    .with("kafka.max.block.ms", "4000")
                    .with("kafka.reconnect.backoff.max.ms", "500")
                    .with("bridge.sqs.visibility-timeout", "3s");
            h.start();
            List<String> requestIds = new ArrayList<>();
            ObjectNode warmUp = delete();
            requestIds.add(warmUp.get("RequestId").asText());
            h.send(EU, warmUp.toString());
            await().atMost(WAIT).until(() -> h.counter("bridge.ingress.deleted", "region", EU) == 1);

            kafka.stop();
            ObjectNode create = CfnRequests.create(EU, account(), "onb-" + account() + "abcdef", "ProviderReadOnly");
            sts.trust("arn:aws:iam::" + create.get("StackId").asText().split(":")[4] + ":role/ProviderReadOnly",
                    create.get("ResourceProperties").get("ExternalID").asText());
            requestIds.add(create.get("RequestId").asText());
            h.send(EU, CfnRequests.snsEnvelope(create, EU));
            for (int i = 0; i < 5; i++) {
                ObjectNode delete = delete();
                requestIds.add(delete.get("RequestId").asText());
                h.send(EU, delete.toString());
            }

            // Produces time out, the messages come back from SQS and fail again: none is ever deleted.
            await().atMost(WAIT).until(() -> h.counter("bridge.ingress.left-for-redelivery", "region", EU) >= 6
                    && h.counter("bridge.ingress.received", "region", EU) > 7);
            assertThat(h.counter("bridge.ingress.deleted", "region", EU)).isEqualTo(1);
            assertThat(h.messagesInQueue(EU)).isEqualTo(6);
            assertThat(h.ingress().isAlive()).isTrue();

            kafka.restart();

            IngressHarness.TopicTail<CfnCallback> callbacks = h.tail(h.topics.cfnCallbacks());
            await().atMost(WAIT).until(() -> callbacks.values().stream().map(CfnCallback::getRequestId).distinct()
                    .count() == requestIds.size() && h.messagesInQueue(EU) == 0);
            assertThat(callbacks.values()).extracting(CfnCallback::getRequestId)
                    .containsAll(requestIds);
            assertThat(h.counter("bridge.ingress.deleted", "region", EU)).isEqualTo(requestIds.size());
        }
    }

    private static ObjectNode delete() {
        return CfnRequests.delete(CfnRequests.create(EU, account(), "onb-" + account() + "abcdef", "ProviderReadOnly"),
                "integration-1");
    }

    private static String account() {
        return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }
}
