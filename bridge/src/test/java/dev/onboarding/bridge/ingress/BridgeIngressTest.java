package dev.onboarding.bridge.ingress;

import static dev.onboarding.bridge.ingress.CfnRequests.create;
import static dev.onboarding.bridge.ingress.CfnRequests.snsEnvelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.SqsSource;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.StsStandIn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The ingress end to end on the real parts: ElasticMQ per region, the embedded broker, the STS stand-in. */
class BridgeIngressTest {
    private static final String EU = "eu-west-1";
    private static final String US = "us-east-1";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static EmbeddedKafka kafka;
    private static Map<String, EmbeddedSqs> sqs;
    private static StsStandIn sts;
    private IngressHarness harness;
    private static Level levelBeforeCapture;

    @BeforeAll
    static void startStack() {
        kafka = EmbeddedKafka.shared();
        sqs = new LinkedHashMap<>();
        sqs.put(EU, EmbeddedSqs.start(EU, "000000000000"));
        sqs.put(US, EmbeddedSqs.start(US, "000000000000"));
        sts = StsStandIn.start();
    }

    @AfterAll
    static void stopStack() {
        sqs.values().forEach(EmbeddedSqs::close);
        sts.close();
    }

    @AfterEach
    void closeHarness() {
        if (harness != null) {
            harness.close();
        }
        if (levelBeforeCapture != null) { // a capture that an earlier failed assertion left on
            ((Logger) LoggerFactory.getLogger("dev.onboarding")).setLevel(levelBeforeCapture);
        }
    }

    private IngressHarness harness() {
        harness = new IngressHarness(kafka.bootstrapServers(), sqs, sts, kafka::createTopic);
        return harness;
    }

    @Test
    void movesRequestsFromTwoRegionsInBothFormatsAndDeletesThem() {
        IngressHarness h = harness();
        ObjectNode euCreate = trustedCreate(EU);
        ObjectNode usCreate = trustedCreate(US);
        ObjectNode euDelete = CfnRequests.delete(trustedCreate(EU), "integration-eu");
        ObjectNode usUpdate = CfnRequests.update(usCreate, "integration-us", externalId(usCreate), "ProviderReadOnly");
        h.start();

        h.send(EU, snsEnvelope(euCreate, EU));
        h.send(US, usCreate.toString());
        h.send(EU, snsEnvelope(euDelete, EU));
        h.send(US, usUpdate.toString());

        IngressHarness.TopicTail<CfnCallback> callbacks = h.tail(h.topics.cfnCallbacks());
        await().atMost(WAIT).until(() -> callbacks.records().size() >= 4);
        Map<String, ConsumerRecord<String, CfnCallback>> byRequest = callbacks.records().stream()
                .collect(Collectors.toMap(r -> r.value().getRequestId(), r -> r));
        assertThat(byRequest).hasSize(4);

        CfnCallback eu = byRequest.get(requestId(euCreate)).value();
        assertThat(byRequest.get(requestId(euCreate)).key()).isEqualTo(externalId(euCreate));
        assertThat(eu.getRegion()).isEqualTo(EU);
        assertThat(eu.getSourceQueueRegion()).isEqualTo(EU);
        assertThat(eu.getSnsTopicArn()).isEqualTo(CfnRequests.topicArn(EU));
        assertThat(eu.getRoleVerification().getOutcome()).isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);
        CfnCallback us = byRequest.get(requestId(usCreate)).value();
        assertThat(us.getRegion()).isEqualTo(US);
        assertThat(us.getSnsTopicArn()).isNull();
        assertThat(us.getRoleVerification().getOutcome()).isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);
        // Creates no longer pay for STS at the ingress (the processor asks the verifier after its ownership checks).
        assertThat(sts.assumeRoleCalls(roleArn(euCreate)) + sts.assumeRoleCalls(roleArn(usCreate))).isZero();
        assertThat(byRequest.get(requestId(euDelete)).value().getRoleVerification().getOutcome())
                .isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);
        CfnCallback update = byRequest.get(requestId(usUpdate)).value();
        assertThat(update.getRequestType()).isEqualTo(RequestType.UPDATE);
        assertThat(update.getRoleVerification().getOutcome()).isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);

        await().atMost(WAIT).until(() -> h.messagesInQueue(EU) == 0 && h.messagesInQueue(US) == 0);
        assertThat(h.counter("bridge.ingress.received", "region", EU)).isEqualTo(2);
        assertThat(h.counter("bridge.ingress.produced", "kind", "callback")).isEqualTo(4);
        assertThat(h.tail(h.topics.cfnCallbacksDlq()).records()).isEmpty();
        assertThat(h.ingress().isReady()).isTrue();
    }

    @Test
    void everyRejectionLandsInTheDeadLetterTopicAndAnswerableOnesAreAnswered() {
        IngressHarness h = harness();
        ListAppender<ILoggingEvent> logs = captureLogs();
        List<Case> cases = new ArrayList<>();
        // answerable: ids present and the ResponseURL passes the policy
        cases.add(mutated("INVALID_EXTERNAL_ID", true, r -> props(r).put("ExternalID", "no spaces allowed")));
        cases.add(mutated("MISSING_EXTERNAL_ID", true, r -> props(r).remove("ExternalID")));
        cases.add(mutated("AMBIGUOUS_EXTERNAL_ID", true, r -> props(r).put("ExternalId", "onb-other")));
        cases.add(mutated("MISSING_ROLE_NAME", true, r -> props(r).remove("RoleName")));
        cases.add(mutated("INVALID_ROLE_NAME", true, r -> props(r).put("RoleName", "a/b")));
        cases.add(mutated("INVALID_REQUEST_TYPE", true, r -> r.put("RequestType", "Replace")));
        cases.add(mutated("MISSING_PHYSICAL_RESOURCE_ID", true, r -> r.put("RequestType", "Update")));
        cases.add(mutated("MISSING_FIELD", true, r -> r.remove("ResourceType")));
        cases.add(mutated("INVALID_EXTERNAL_ID", true, r -> {
            r.put("RequestType", "Delete");
            r.put("PhysicalResourceId", "rejected-earlier");
            props(r).put("ExternalID", "x");
        }));
        Case mismatch = new Case("REGION_MISMATCH", true, create(US, account(), "onb-" + random(), "R"));
        cases.add(mismatch);
        // not answerable
        cases.add(mutated("RESPONSE_URL_HOST", false, r -> r.put("ResponseURL", "https://attacker.example/x")));
        cases.add(mutated("RESPONSE_URL_NOT_HTTPS", false, r -> r.put("ResponseURL",
                "http://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x")));
        cases.add(mutated("RESPONSE_URL_IP_LITERAL", false, r -> r.put("ResponseURL", "https://169.254.169.254/x")));
        cases.add(mutated("INVALID_STACK_ID", false, r -> r.put("StackId", "arn:aws:cloudformation:eu-west-1:1:x")));
        cases.add(mutated("FIELD_TOO_LONG", false, r -> r.put("RequestId", "r".repeat(200))));
        cases.add(mutated("INVALID_FIELD", false, r -> r.put("LogicalResourceId", 12)));
        cases.add(raw("MALFORMED_JSON", "{\"RequestType\": \"Create\","));
        cases.add(raw("UNRECOGNIZED_FORMAT", "{\"hello\":\"world\"}"));
        cases.add(raw("UNSUPPORTED_SNS_TYPE", "{\"Type\":\"Weather\",\"Message\":\"sunny\"}"));
        cases.add(raw("SNS_SUBSCRIPTION_CONFIRMATION", "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"1\","
                + "\"TopicArn\":\"" + CfnRequests.topicArn(EU) + "\",\"SubscribeURL\":\"https://sns.eu-west-1."
                + "amazonaws.com/?Action=ConfirmSubscription&Token=abc\"}"));
        h.start();

        Map<String, Case> byMessageId = new LinkedHashMap<>();
        boolean sns = false;
        for (Case c : cases) {
            String body = c.request == null ? c.body : sns ? snsEnvelope(c.request, EU) : c.request.toString();
            sns = !sns;
            byMessageId.put(h.send(EU, body), c.withBody(body));
        }

        IngressHarness.TopicTail<DeadLetter> dlq = h.tail(h.topics.cfnCallbacksDlq());
        IngressHarness.TopicTail<CfnResponse> responses = h.tail(h.topics.cfnResponses());
        long answerable = cases.stream().filter(c -> c.answerable).count();
        await().atMost(WAIT).until(() -> dlq.records().size() >= cases.size()
                && responses.records().size() >= answerable);

        for (ConsumerRecord<String, DeadLetter> record : dlq.records()) {
            Case c = byMessageId.get(record.key());
            assertThat(c).as("dead letter keyed by an SQS MessageId we sent").isNotNull();
            DeadLetter letter = record.value();
            assertThat(letter.getReasonCode()).isEqualTo(c.code);
            assertThat(letter.getReason()).isNotBlank();
            assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString()).isEqualTo(c.body);
            SqsSource source = (SqsSource) letter.getSource();
            assertThat(source.getQueueRegion()).isEqualTo(EU);
            assertThat(source.getQueueUrl()).isEqualTo(h.queueUrls.get(EU));
            assertThat(source.getMessageId()).isEqualTo(record.key());
            assertThat(source.getReceiveCount()).isGreaterThanOrEqualTo(1);
            assertThat(letter.getApplication()).isEqualTo("bridge");
        }
        assertThat(dlq.records()).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(
                byMessageId.keySet());

        Map<String, CfnResponse> answers = responses.records().stream().collect(Collectors.toMap(
                ConsumerRecord::key, ConsumerRecord::value));
        assertThat(answers).hasSize((int) answerable);
        for (Case c : cases) {
            if (!c.answerable) {
                continue;
            }
            CfnResponse answer = answers.get(requestId(c.request));
            assertThat(answer).as(c.code).isNotNull();
            boolean delete = "Delete".equals(c.request.get("RequestType").asText());
            assertThat(answer.getStatus()).isEqualTo(delete ? ResponseStatus.SUCCESS : ResponseStatus.FAILED);
            assertThat(answer.getPhysicalResourceId()).isEqualTo(delete ? "rejected-earlier"
                    : "rejected-" + requestId(c.request));
            assertThat(answer.getReason()).contains(c.code);
        }
        await().atMost(WAIT).until(() -> h.messagesInQueue(EU) == 0);
        assertThat(h.tail(h.topics.cfnCallbacks()).records()).isEmpty();
        assertThat(h.counter("bridge.ingress.dead-lettered", "region", EU, "reason", "REGION_MISMATCH")).isEqualTo(1);
        assertThat(h.counter("bridge.ingress.sns.notices", "region", EU, "type", "SubscriptionConfirmation"))
                .isEqualTo(1);
        assertNoSecretsLogged(logs, cases);
        assertThat(logs.list).as("every rejection is said, at DEBUG only: a flood of junk cannot fill the logs")
                .filteredOn(e -> e.getFormattedMessage().startsWith("rejected message")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.DEBUG));
    }

    @Test
    void redeliveredAndDuplicatedMessagesAreTolerated() {
        IngressHarness h = harness();
        ObjectNode create = trustedCreate(EU);
        String body = snsEnvelope(create, EU);
        // A delivery an earlier consumer gave up on (receive count 2 on arrival), and SNS delivering twice.
        h.send(EU, body);
        h.clients.get(EU).receiveMessage(b -> b.queueUrl(h.queueUrls.get(EU)).visibilityTimeout(0)
                .maxNumberOfMessages(1));
        h.send(EU, body);
        h.start();

        IngressHarness.TopicTail<CfnCallback> callbacks = h.tail(h.topics.cfnCallbacks());
        await().atMost(WAIT).until(() -> callbacks.records().size() >= 2 && h.messagesInQueue(EU) == 0);
        assertThat(callbacks.values()).extracting(CfnCallback::getRequestId).containsOnly(requestId(create));
        assertThat(h.tail(h.topics.cfnCallbacksDlq()).records()).isEmpty();
    }

    @Test
    void theIngressCallsNoStsWhateverTheStackClaims() {
        IngressHarness h = harness();
        ObjectNode create = create(EU, account(), "onb-" + random(), "NeverTrusted");
        h.start();

        h.send(EU, snsEnvelope(create, EU));

        IngressHarness.TopicTail<CfnCallback> callbacks = h.tail(h.topics.cfnCallbacks());
        await().atMost(WAIT).until(() -> callbacks.records().size() >= 1 && h.messagesInQueue(EU) == 0);
        // The processor decides ownership first and asks the verifier only for an integration's external ID.
        assertThat(callbacks.values().get(0).getRoleVerification().getOutcome())
                .isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);
        assertThat(sts.assumeRoleCalls(roleArn(create))).isZero();
    }

    @Test
    void drainsTheRegionalSqsDeadLetterQueue() {
        IngressHarness h = harness();
        EmbeddedSqs.QueuePair pair = sqs.get(EU).createQueueWithDeadLetterQueue(h.prefix + "-redriven", 3);
        h.with("bridge.dead-letter-queues", EU + "=" + pair.deadLetterQueueUrl());
        String body = snsEnvelope(trustedCreate(EU), EU);
        String messageId = h.clients.get(EU).sendMessage(b -> b.queueUrl(pair.deadLetterQueueUrl()).messageBody(body))
                .messageId();
        h.start();

        IngressHarness.TopicTail<DeadLetter> dlq = h.tail(h.topics.cfnCallbacksDlq());
        await().atMost(WAIT).until(() -> dlq.records().size() >= 1
                && h.messagesIn(EU, pair.deadLetterQueueUrl()) == 0);
        DeadLetter letter = dlq.values().get(0);
        assertThat(letter.getReasonCode()).isEqualTo("SQS_MAX_RECEIVES");
        assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString()).isEqualTo(body);
        assertThat(((SqsSource) letter.getSource()).getMessageId()).isEqualTo(messageId);
        assertThat(((SqsSource) letter.getSource()).getQueueUrl()).isEqualTo(pair.deadLetterQueueUrl());
    }

    @Test
    void aJunkBodyOfSqsMaximumSizeCostsTheDeadLetterTopicItsBoundWithItsSizeAndHash() throws Exception {
        IngressHarness h = harness().with("bridge.dead-letter.max-original-bytes", "65536");
        // 256 KB of printable junk: SQS's largest message, over the bridge's body limit
        String junk = "x".repeat(CallbackParser.MAX_BODY_BYTES);
        h.start();
        String messageId = h.send(EU, junk);

        IngressHarness.TopicTail<DeadLetter> dlq = h.tail(h.topics.cfnCallbacksDlq());
        await().atMost(WAIT).until(() -> dlq.records().stream().anyMatch(r -> r.key().equals(messageId)));
        DeadLetter letter = dlq.records().stream().filter(r -> r.key().equals(messageId)).findFirst().orElseThrow()
                .value();
        assertThat(letter.getReasonCode()).isEqualTo("MALFORMED_JSON");
        assertThat(letter.getOriginalValue().remaining()).isEqualTo(65536);
        assertThat(letter.getOriginalValueSize()).isEqualTo(CallbackParser.MAX_BODY_BYTES);
        assertThat(letter.getOriginalValueSha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(junk.getBytes(StandardCharsets.UTF_8))));
        assertThat(letter.getReason()).contains("cut to its first 65536 of " + CallbackParser.MAX_BODY_BYTES);
    }

    @Test
    void closingStopsTheLongPollsAndDeletesWhatWasAcknowledged() throws Exception {
        IngressHarness h = harness().with("bridge.sqs.wait-time", "20s");
        BridgeIngress ingress = h.start();
        for (int i = 0; i < 20; i++) {
            h.send(EU, CfnRequests.delete(trustedCreate(EU), "integration-" + i).toString());
        }
        IngressHarness.TopicTail<CfnCallback> callbacks = h.tail(h.topics.cfnCallbacks());
        await().atMost(WAIT).until(() -> callbacks.records().size() >= 20);

        long start = System.nanoTime();
        ingress.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // Idle pollers sit in a 20 s long poll: closing must not wait it out.
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(h.messagesInQueue(EU)).isZero();
        assertThat(ingress.isReady()).isFalse();
    }

    // ------------------------------------------------------------------ fixtures

    private ObjectNode trustedCreate(String region) {
        ObjectNode create = create(region, account(), "onb-" + random(), "ProviderReadOnly");
        sts.trust(roleArn(create), externalId(create));
        return create;
    }

    private static Case mutated(String code, boolean answerable, Consumer<ObjectNode> mutation) {
        ObjectNode request = create(EU, account(), "onb-" + random(), "ProviderReadOnly");
        mutation.accept(request);
        return new Case(code, answerable, request);
    }

    private static Case raw(String code, String body) {
        return new Case(code, false, null).withBody(body);
    }

    private record Case(String code, boolean answerable, ObjectNode request, String body) {
        Case(String code, boolean answerable, ObjectNode request) {
            this(code, answerable, request, null);
        }

        Case withBody(String body) {
            return new Case(code, answerable, request, body);
        }
    }

    private static ObjectNode props(ObjectNode request) {
        return (ObjectNode) request.get("ResourceProperties");
    }

    private static String requestId(ObjectNode request) {
        return request.get("RequestId").asText();
    }

    private static String externalId(ObjectNode request) {
        return props(request).get("ExternalID").asText();
    }

    private static String roleArn(ObjectNode request) {
        String account = request.get("StackId").asText().split(":")[4];
        return "arn:aws:iam::" + account + ":role/" + props(request).get("RoleName").asText();
    }

    private static String account() {
        return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }

    private static String random() {
        return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 32) + "abcdefghij";
    }

    /** Captures the product's lines at every level down to DEBUG, where rejections are said. */
    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger product = (Logger) LoggerFactory.getLogger("dev.onboarding");
        levelBeforeCapture = product.getLevel();
        product.setLevel(Level.DEBUG);
        product.addAppender(appender);
        return appender;
    }

    private static void assertNoSecretsLogged(ListAppender<ILoggingEvent> logs, List<Case> cases) {
        Logger product = (Logger) LoggerFactory.getLogger("dev.onboarding");
        product.detachAppender(logs);
        product.setLevel(levelBeforeCapture);
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).doesNotContain("X-Amz-Signature").doesNotContain("attacker.example/x");
            for (Case c : cases) {
                if (c.request != null && c.request.get("ResourceProperties") instanceof ObjectNode p
                        && p.get("ExternalID") != null && p.get("ExternalID").asText().length() > 8) {
                    assertThat(line).doesNotContain(p.get("ExternalID").asText());
                }
            }
        }
    }
}
