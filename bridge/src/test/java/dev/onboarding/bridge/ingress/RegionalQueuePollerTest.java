package dev.onboarding.bridge.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A poller outlives any failure of a single message, wherever in its handling it happens. */
class RegionalQueuePollerTest {
    private static final String EU = "eu-west-1";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static EmbeddedSqs sqs;
    private static StsStandIn sts;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start(EU, "000000000000");
        sts = StsStandIn.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        sts.close();
    }

    @Test
    void survivesMessagesThatThrowAnywhereAndLeavesThemForRedelivery() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        try (IngressHarness h = new IngressHarness(kafka.bootstrapServers(), Map.of(EU, sqs), sts, kafka::createTopic);
                SqsClient client = sqs.newClient()) {
            IngressMetrics metrics = new IngressMetrics(h.meters);
            try (CallbackPublisher publisher = CallbackPublisher.create(KafkaSettings.of(kafka.bootstrapServers()),
                    h.topics, metrics)) {
                CallbackIntake intake = new CallbackIntake(new CallbackParser(ResponseUrlPolicy.awsOnly(),
                        Duration.ofHours(1)), publisher, new DeadLetters(Clock.systemUTC(), DeadLetterBuilder.DEFAULT_MAX_ORIGINAL_BYTES), metrics,
                        Clock.systemUTC());
                MessageHandler faulty = message -> {
                    String body = new String(message.body(), StandardCharsets.UTF_8);
                    if (body.contains("poison-throws")) {
                        throw new IllegalStateException("handler bug");
                    }
                    if (body.contains("poison-error")) {
                        throw new StackOverflowError("deep bug");
                    }
                    if (body.contains("poison-null")) {
                        return null;
                    }
                    if (body.contains("poison-fails")) {
                        return CompletableFuture.failedFuture(new IllegalStateException("async bug"));
                    }
                    if (body.contains("poison-late")) {
                        return intake.handle(message).thenRun(() -> {
                            throw new IllegalStateException("bug after publishing");
                        });
                    }
                    return intake.handle(message);
                };
                RegionalQueuePoller poller = new RegionalQueuePoller(EU, h.queueUrls.get(EU), client, client, faulty,
                        new RegionalQueuePoller.PollSettings(Duration.ofSeconds(1), 10, Duration.ofSeconds(300), 100,
                                Duration.ofSeconds(5)), metrics, Clock.systemUTC());
                Thread thread = new Thread(poller, "test-poller");
                thread.start();

                List<String> good = new ArrayList<>();
                for (String marker : List.of("poison-throws", "poison-error", "poison-null", "poison-fails",
                        "poison-late", "fine", "fine", "fine")) {
                    ObjectNode delete = CfnRequests.delete(CfnRequests.create(EU, account(), "onb-" + account(),
                            "ProviderReadOnly"), "integration-1");
                    delete.put("TestMarker", marker);
                    if (marker.equals("fine")) {
                        good.add(delete.get("RequestId").asText());
                    }
                    h.send(EU, delete.toString());
                }

                IngressHarness.TopicTail<CfnCallback> callbacks = h.tail(h.topics.cfnCallbacks());
                await().atMost(WAIT).until(() -> callbacks.values().stream().map(CfnCallback::getRequestId)
                        .toList().containsAll(good) && poller.inFlight() == 0);
                // The five poisoned messages are invisible (being redelivered later), never deleted.
                await().atMost(WAIT).until(() -> h.counter("bridge.ingress.deleted", "region", EU) == 3);
                assertThat(h.counter("bridge.ingress.left-for-redelivery", "region", EU)).isEqualTo(5);
                assertThat(h.messagesInQueue(EU)).isEqualTo(5);
                assertThat(poller.isPolling()).isTrue();

                // And it keeps working.
                ObjectNode later = CfnRequests.delete(CfnRequests.create(EU, account(), "onb-" + account(),
                        "ProviderReadOnly"), "integration-2");
                h.send(EU, later.toString());
                await().atMost(WAIT).until(() -> callbacks.values().stream()
                        .anyMatch(c -> c.getRequestId().equals(later.get("RequestId").asText())));
                await().atMost(WAIT).until(() -> h.messagesInQueue(EU) == 5);

                poller.stop();
                assertThat(poller.awaitStopped(Duration.ofSeconds(10))).isTrue();
                thread.join(5_000);
            }
        }
    }

    @Test
    void extendsVisibilityWhileAMessageIsInFlight() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        try (IngressHarness h = new IngressHarness(kafka.bootstrapServers(), Map.of(EU, sqs), sts, kafka::createTopic);
                SqsClient client = sqs.newClient()) {
            IngressMetrics metrics = new IngressMetrics(h.meters);
            java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
            // About 6 s in flight (e.g. Kafka slow to acknowledge): longer than the 4 s visibility timeout.
            MessageHandler slow = message -> {
                handled.incrementAndGet();
                return CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(6, java.util.concurrent.TimeUnit.SECONDS));
            };
            RegionalQueuePoller poller = new RegionalQueuePoller(EU, h.queueUrls.get(EU), client, client, slow,
                    new RegionalQueuePoller.PollSettings(Duration.ofSeconds(1), 10, Duration.ofSeconds(4), 100,
                            Duration.ofSeconds(5)), metrics, Clock.systemUTC());
            java.util.concurrent.ScheduledExecutorService extender =
                    java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            extender.scheduleWithFixedDelay(poller::extendVisibility, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            Thread thread = new Thread(poller, "test-poller-slow");
            thread.start();
            try {
                h.send(EU, CfnRequests.delete(CfnRequests.create(EU, account(), "onb-" + account(),
                        "ProviderReadOnly"), "integration-1").toString());

                await().atMost(WAIT).until(() -> h.counter("bridge.ingress.deleted", "region", EU) == 1);
                // Had the message become visible again, it would have been handled twice.
                assertThat(handled.get()).isEqualTo(1);
                assertThat(h.counter("bridge.ingress.visibility.extended", "region", EU)).isPositive();
                assertThat(h.messagesInQueue(EU)).isZero();
            } finally {
                extender.shutdownNow();
                poller.stop();
                assertThat(poller.awaitStopped(Duration.ofSeconds(10))).isTrue();
                thread.join(5_000);
            }
        }
    }

    private static String account() {
        return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }
}
