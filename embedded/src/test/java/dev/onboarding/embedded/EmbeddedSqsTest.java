package dev.onboarding.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EmbeddedSqsTest {

    private static final String ACCOUNT = "123456789012";
    private static EmbeddedSqs euWest1;
    private static EmbeddedSqs usEast1;

    @BeforeAll
    static void startRegions() {
        euWest1 = EmbeddedSqs.start("eu-west-1", ACCOUNT);
        usEast1 = EmbeddedSqs.start("us-east-1", ACCOUNT);
    }

    @AfterAll
    static void stopRegions() {
        if (euWest1 != null) {
            euWest1.close();
        }
        if (usEast1 != null) {
            usEast1.close();
        }
    }

    @Test
    void sendReceiveDeleteInTwoRegionsAtOnce() {
        String name = "events-" + UUID.randomUUID();
        String euUrl = euWest1.createQueue(name);
        String usUrl = usEast1.createQueue(name);
        assertThat(euWest1.endpoint()).isNotEqualTo(usEast1.endpoint());
        assertThat(euWest1.endpoint().getHost()).isEqualTo("127.0.0.1");

        try (SqsClient eu = client(euWest1); SqsClient us = client(usEast1)) {
            eu.sendMessage(b -> b.queueUrl(euUrl).messageBody("from-eu"));
            us.sendMessage(b -> b.queueUrl(usUrl).messageBody("from-us"));

            Message euMessage = receiveOne(eu, euUrl);
            Message usMessage = receiveOne(us, usUrl);
            assertThat(euMessage.body()).isEqualTo("from-eu");
            assertThat(usMessage.body()).isEqualTo("from-us");

            eu.deleteMessage(b -> b.queueUrl(euUrl).receiptHandle(euMessage.receiptHandle()));
            us.deleteMessage(b -> b.queueUrl(usUrl).receiptHandle(usMessage.receiptHandle()));
            assertThat(approximateMessages(eu, euUrl)).isZero();
            assertThat(approximateMessages(us, usUrl)).isZero();

            String arn = eu.getQueueAttributes(b -> b.queueUrl(euUrl).attributeNamesWithStrings("QueueArn"))
                    .attributesAsStrings().get("QueueArn");
            assertThat(arn).isEqualTo("arn:aws:sqs:eu-west-1:" + ACCOUNT + ":" + name);
        }
    }

    @Test
    void messageMovesToDeadLetterQueueAfterMaxReceiveCount() {
        EmbeddedSqs.QueuePair pair = euWest1.createQueueWithDeadLetterQueue("jobs-" + UUID.randomUUID(), 2);
        try (SqsClient sqs = client(euWest1)) {
            sqs.sendMessage(b -> b.queueUrl(pair.queueUrl()).messageBody("poison"));

            AtomicReference<Message> deadLettered = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                // Receive without deleting and with visibility 0: each receive counts, the message returns at once.
                sqs.receiveMessage(b -> b.queueUrl(pair.queueUrl()).visibilityTimeout(0).waitTimeSeconds(0));
                List<Message> dlq = sqs.receiveMessage(b -> b.queueUrl(pair.deadLetterQueueUrl())
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                        .waitTimeSeconds(0)).messages();
                if (!dlq.isEmpty()) {
                    deadLettered.set(dlq.get(0));
                }
                return deadLettered.get() != null;
            });
            assertThat(deadLettered.get().body()).isEqualTo("poison");
            assertThat(approximateMessages(sqs, pair.queueUrl())).isZero();
        }
    }

    @Test
    void newClientTalksToItsRegion() {
        String url = usEast1.createQueue("via-new-client-" + UUID.randomUUID());
        try (SqsClient sqs = usEast1.newClient()) {
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"));
            assertThat(receiveOne(sqs, url).body()).isEqualTo("x");
        }
    }

    private static Message receiveOne(SqsClient sqs, String url) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).maxNumberOfMessages(1))
                .messages();
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static int approximateMessages(SqsClient sqs, String url) {
        // visible + in flight: zero only when the message is really gone
        return sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static SqsClient client(EmbeddedSqs sqs) {
        return SqsClient.builder()
                .endpointOverride(sqs.endpoint())
                .region(Region.of(sqs.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
    }
}
