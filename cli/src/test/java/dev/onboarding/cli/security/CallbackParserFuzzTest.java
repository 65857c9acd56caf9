package dev.onboarding.cli.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.bridge.ingress.CallbackParser;
import dev.onboarding.bridge.ingress.ParseResult;
import dev.onboarding.bridge.ingress.ParsedCallback;
import dev.onboarding.bridge.ingress.QueueMessage;
import dev.onboarding.bridge.ingress.RejectReason;
import dev.onboarding.bridge.ingress.Rejection;
import dev.onboarding.bridge.ingress.SubscriptionNotice;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.schemas.ExternalIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The bridge's envelope parser against 10,000 mutated messages per run: CloudFormation requests (raw and in SNS
 * envelopes) whose fields are removed, retyped or replaced by hostile values and hostile ResponseURLs
 * ({@link HostileUrls}), whose envelopes lie about their type, and whose bytes are cut, flipped, nested or made
 * invalid UTF-8. Whatever arrives, the parser returns, and the result is either a callback that is valid through
 * and through (its ResponseURL reaches only the response bucket of its own region, or the local origin) or a
 * rejection with a known reason code that quotes no secret, or an SNS subscription notice.
 */
class CallbackParserFuzzTest {
    private static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String EXTERNAL_ID = "onb-" + "k3q7".repeat(8);
    private static final Set<String> REASON_CODES = reasonCodes();
    private static final List<String> TOP_FIELDS = List.of("RequestType", "RequestId", "StackId", "ResponseURL",
            "LogicalResourceId", "ResourceType", "PhysicalResourceId", "ResourceProperties", "OldResourceProperties",
            "ServiceToken", "ServiceTimeout");
    private static final List<String> PROPERTY_FIELDS = List.of("ExternalID", "ExternalId", "RoleName",
            "ServiceTimeout", "ServiceToken");

    private final ResponseUrlPolicy policy = ResponseUrlPolicy.withLocalOrigin(HostileUrls.LOCAL_ORIGIN);
    private final CallbackParser parser = new CallbackParser(policy, Duration.ofHours(1));

    /** One message: its bytes, and the region of the queue it arrives on. */
    record Message(byte[] body, String queueRegion) {
        @Override
        public String toString() {
            return queueRegion + ": " + new String(body, 0, Math.min(body.length, 2_000), StandardCharsets.UTF_8);
        }
    }

    @Property(tries = 10_000)
    void everyMessageEndsAsAValidCallbackOrAReasonedRejection(@ForAll("messages") Message m) {
        ParseResult result = parser.parse(new QueueMessage(m.queueRegion(), "https://sqs/queue", "message-1",
                "receipt-1", m.body(), 1, Optional.of(Instant.EPOCH), Instant.EPOCH.plusSeconds(1)));

        Statistics.label("result").collect(result.getClass().getSimpleName());
        if (result instanceof ParsedCallback parsed) {
            assertValid(parsed.callback(), m.queueRegion());
        } else if (result instanceof Rejection rejection) {
            Statistics.label("reason").collect(rejection.reasonCode());
            assertReasoned(rejection);
        } else {
            assertThat(((SubscriptionNotice) result).reasonCode())
                    .isIn("SNS_SUBSCRIPTION_CONFIRMATION", "SNS_UNSUBSCRIBE_CONFIRMATION");
        }
        Statistics.label("result").coverage(checker -> {
            checker.check(ParsedCallback.class.getSimpleName()).percentage(p -> p >= 3.0);
            checker.check(Rejection.class.getSimpleName()).percentage(p -> p >= 30.0);
        });
    }

    private void assertValid(CfnCallback callback, String queueRegion) {
        assertThat(callback.getRequestType()).isIn(RequestType.CREATE, RequestType.UPDATE, RequestType.DELETE);
        assertThat(callback.getRegion()).isEqualTo(queueRegion);
        assertThat(callback.getStackId()).startsWith("arn:aws:cloudformation:" + queueRegion + ":"
                + callback.getAccountId() + ":stack/");
        assertThat(callback.getAccountId()).matches("\\d{12}");
        assertThat(ExternalIds.isStsValid(callback.getExternalId())).isTrue();
        assertThat(callback.getRoleName()).matches("[\\w+=,.@-]{1,64}");
        assertThat(callback.getRoleArn()).isEqualTo("arn:aws:iam::" + callback.getAccountId() + ":role/"
                + callback.getRoleName());
        assertThat(callback.getRequestId()).matches("[\\x20-\\x7e]{1,128}");
        assertThat(callback.getLogicalResourceId()).matches("[\\x20-\\x7e]{1,255}");
        if (callback.getRequestType() != RequestType.CREATE) {
            assertThat(callback.getPhysicalResourceId()).isNotBlank();
        }
        assertThat(policy.check(callback.getResponseUrl(), callback.getRegion()).allowed()).isTrue();
        assertThat(ResponseTargets.isLegitimate(callback.getResponseUrl(), callback.getRegion(),
                Optional.of(HostileUrls.LOCAL_ORIGIN))).as(callback.getResponseUrl()).isTrue();
        assertThat(callback.getServiceTimeoutSeconds()).isBetween(1, 3600);
    }

    private void assertReasoned(Rejection rejection) {
        assertThat(rejection.reasonCode()).isIn(REASON_CODES);
        assertThat(rejection.reason()).isNotBlank().doesNotContain(EXTERNAL_ID).doesNotContain("X-Amz-Signature");
        rejection.answer(Instant.EPOCH.plusSeconds(2)).ifPresent(answer -> assertAnswerable(rejection, answer));
    }

    private void assertAnswerable(Rejection rejection, CfnResponse answer) {
        String stackRegion = answer.getStackId().split(":")[3];
        assertThat(policy.check(answer.getResponseUrl(), stackRegion).allowed()).isTrue();
        assertThat(ResponseTargets.isLegitimate(answer.getResponseUrl(), stackRegion,
                Optional.of(HostileUrls.LOCAL_ORIGIN))).as(answer.getResponseUrl()).isTrue();
        assertThat(answer.getStatus()).isEqualTo(rejection.answerable().orElseThrow().requestType()
                == RequestType.DELETE ? ResponseStatus.SUCCESS : ResponseStatus.FAILED);
        assertThat(answer.getPhysicalResourceId()).isNotBlank();
        assertThat(answer.getReason()).hasSizeLessThanOrEqualTo(256).doesNotContain(EXTERNAL_ID);
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<String> urls = Arbitraries.frequencyOf(Tuple.of(60, legitimateUrls()),
                Tuple.of(40, HostileUrls.urls(REGION)));
        Arbitrary<ObjectNode> requests = Combinators.combine(Arbitraries.of("Create", "Update", "Delete"), urls,
                stackIds()).as(CallbackParserFuzzTest::request);
        Arbitrary<List<UnaryOperator<ObjectNode>>> changes = change().list().ofMaxSize(4);
        Arbitrary<UnaryOperator<String>> wrapping = envelope();
        Arbitrary<List<UnaryOperator<byte[]>>> byteChanges = Arbitraries.frequencyOf(
                Tuple.of(80, Arbitraries.just(List.<UnaryOperator<byte[]>>of())),
                Tuple.of(20, byteChange().list().ofMinSize(1).ofMaxSize(3)));
        Arbitrary<String> queueRegion = Arbitraries.frequencyOf(Tuple.of(95, Arbitraries.just(REGION)),
                Tuple.of(5, Arbitraries.just("eu-west-1")));
        return Combinators.combine(requests, changes, wrapping, byteChanges, queueRegion)
                .as((generated, list, wrap, bytes, region) -> {
                    ObjectNode request = generated.deepCopy(); // the changes below work in place
                    for (UnaryOperator<ObjectNode> c : list) {
                        c.apply(request);
                    }
                    byte[] body = wrap.apply(request.toString()).getBytes(StandardCharsets.UTF_8);
                    for (UnaryOperator<byte[]> b : bytes) {
                        body = b.apply(body);
                    }
                    return new Message(body, region);
                });
    }

    /** What CloudFormation really sends for a stack in {@link #REGION}, and the local origin's equivalent. */
    private static Arbitrary<String> legitimateUrls() {
        String key = "/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/onboarding/1%7CIntegration"
                + "Notification%7C5f2c1f4e?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200"
                + "&X-Amz-Signature=0123456789abcdef";
        String bucket = HostileUrls.bucket(REGION);
        return Arbitraries.of(
                "https://" + bucket + ".s3.amazonaws.com" + key,
                "https://" + bucket + ".s3." + REGION + ".amazonaws.com" + key,
                "https://s3.amazonaws.com/" + bucket + key,
                "https://s3-" + REGION + ".amazonaws.com/" + bucket + key,
                HostileUrls.LOCAL_ORIGIN + "/" + bucket + key);
    }

    private static ObjectNode request(String type, String responseUrl, String stackId) {
        ObjectNode node = JSON.createObjectNode();
        String serviceToken = "arn:aws:sns:" + REGION + ":111122223333:onboarding-callbacks";
        node.put("RequestType", type);
        node.put("ServiceToken", serviceToken);
        node.put("ResponseURL", responseUrl);
        node.put("StackId", stackId);
        node.put("RequestId", "5f2c1f4e-9a36-4e5f-8f3c-2d7f0b1a9c11");
        node.put("LogicalResourceId", "IntegrationNotification");
        node.put("ResourceType", "Custom::OnboardingAWSIntegrationNotification");
        if (!type.equals("Create")) {
            node.put("PhysicalResourceId", "int-3b4b8f4e");
        }
        ObjectNode properties = node.putObject("ResourceProperties");
        properties.put("ServiceToken", serviceToken);
        properties.put("ExternalID", EXTERNAL_ID);
        properties.put("RoleName", "OnboardingIntegrationRole");
        if (type.equals("Update")) {
            node.set("OldResourceProperties", properties.deepCopy());
        }
        return node;
    }

    private static Arbitrary<String> stackIds() {
        String good = "arn:aws:cloudformation:us-east-1:123456789012:stack/onboarding/"
                + "4f1c2e9a-0b7d-11ef-9f3c-0a1b2c3d4e5f";
        return Arbitraries.frequencyOf(
                Tuple.of(85, Arbitraries.just(good)),
                Tuple.of(15, Arbitraries.of(
                        good.replace("us-east-1", "eu-west-1"),
                        good.replace("arn:aws:", "arn:aws-cn:"),
                        good.replace("arn:aws:", "arn:aws-us-gov:"),
                        good.replace("123456789012", "12345678901"),
                        good.replace("123456789012", "1234567890123"),
                        good.replace(":stack/", ":stackset/"),
                        good.replace("us-east-1", "us-east-1\u0000"),
                        good + "/extra",
                        good.replace("onboarding", "1onboarding"),
                        "arn:aws:cloudformation:mars-north-1:123456789012:stack/x/1",
                        "arn:aws:iam::123456789012:role/x",
                        good.replace("arn:aws", "ARN:AWS"))));
    }

    private static Arbitrary<UnaryOperator<ObjectNode>> change() {
        Arbitrary<String> top = Arbitraries.of(TOP_FIELDS);
        Arbitrary<String> property = Arbitraries.of(PROPERTY_FIELDS);
        Arbitrary<JsonNode> values = values();
        Arbitrary<UnaryOperator<ObjectNode>> removeTop = top.map(f -> r -> {
            r.remove(f);
            return r;
        });
        // Values are copied in: a generated node may be shared between tries, and later changes work in place.
        Arbitrary<UnaryOperator<ObjectNode>> setTop = Combinators.combine(top, values).as((f, v) -> r -> {
            r.set(f, v.deepCopy());
            return r;
        });
        Arbitrary<UnaryOperator<ObjectNode>> removeProperty = property.map(f -> r -> {
            if (r.get("ResourceProperties") instanceof ObjectNode p) {
                p.remove(f);
            }
            return r;
        });
        Arbitrary<UnaryOperator<ObjectNode>> setProperty = Combinators.combine(property, values).as((f, v) -> r -> {
            if (r.get("ResourceProperties") instanceof ObjectNode p) {
                p.set(f, v.deepCopy());
            }
            return r;
        });
        Arbitrary<UnaryOperator<ObjectNode>> manyProperties = Arbitraries.integers().between(1, 2_000).map(n -> r -> {
            if (r.get("ResourceProperties") instanceof ObjectNode p) {
                for (int i = 0; i < n; i++) {
                    p.put("Extra" + i, "v" + i);
                }
            }
            return r;
        });
        Arbitrary<UnaryOperator<ObjectNode>> hostileUrl = HostileUrls.urls(REGION).map(url -> r -> {
            r.put("ResponseURL", url);
            return r;
        });
        return Arbitraries.frequencyOf(
                Tuple.of(3, removeTop),
                Tuple.of(5, setTop),
                Tuple.of(2, removeProperty),
                Tuple.of(4, setProperty),
                Tuple.of(1, manyProperties),
                Tuple.of(2, hostileUrl));
    }

    private static Arbitrary<JsonNode> values() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().ofMaxLength(40).map(NODES::textNode)),
                Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1_000).ofMaxLength(6_000)
                        .map(NODES::textNode)),
                Tuple.of(1, Arbitraries.integers().map(NODES::numberNode)),
                Tuple.of(1, Arbitraries.just(NODES.numberNode(1e308))),
                Tuple.of(1, Arbitraries.just(NODES.nullNode())),
                Tuple.of(1, Arbitraries.of(true, false).map(NODES::booleanNode)),
                Tuple.of(1, Arbitraries.just(NODES.objectNode())),
                Tuple.of(1, Arbitraries.integers().between(1, 60).map(CallbackParserFuzzTest::nested)),
                Tuple.of(4, Arbitraries.of("Create", "Update", "Delete", "create", "CREATE", "", " ", "\u0000",
                        "onb-" + "x".repeat(1_300), "onb-ok_but;semicolon", "a", "ab", EXTERNAL_ID + "\n",
                        "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1",
                        "arn:aws:cloudformation:eu-west-1:123456789012:stack/x/1",
                        "Role\u0000Name", "x".repeat(65), "\u00e9".repeat(600), "3600", "0", "99999", "-1",
                        "int-3b4b8f4e", "rejected-x").map(NODES::textNode)));
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.textNode("leaf");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("k", node);
        }
        return node;
    }

    /** Raw delivery, or an SNS envelope of some type around the request text (or around something else). */
    private static Arbitrary<UnaryOperator<String>> envelope() {
        Arbitrary<String> types = Arbitraries.frequencyOf(Tuple.of(85, Arbitraries.just("\"Notification\"")),
                Tuple.of(15, Arbitraries.of("\"SubscriptionConfirmation\"", "\"UnsubscribeConfirmation\"", "\"Other\"",
                        "7", "null", "[\"Notification\"]", "\"notification\"")));
        Arbitrary<UnaryOperator<String>> sns = Combinators.combine(types, Arbitraries.integers().between(0, 9))
                .as((type, messageForm) -> text -> {
                    String message = switch (messageForm) {
                        case 0 -> "{}";
                        case 1 -> "42";
                        case 2 -> JSON.getNodeFactory().textNode(text.substring(0, text.length() / 2)).toString();
                        case 3 -> JSON.getNodeFactory().textNode("{\"Type\":\"Notification\",\"Message\":"
                                + JSON.getNodeFactory().textNode(text) + "}").toString();
                        default -> JSON.getNodeFactory().textNode(text).toString();
                    };
                    return "{\"Type\":" + type + ",\"MessageId\":\"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\","
                            + "\"TopicArn\":\"arn:aws:sns:us-east-1:111122223333:onboarding-callbacks\","
                            + "\"Message\":" + message + ",\"Timestamp\":\"2026-01-01T00:00:00.000Z\","
                            + "\"SignatureVersion\":\"1\",\"Signature\":\"c2ln\"}";
                });
        return Arbitraries.frequencyOf(Tuple.of(50, Arbitraries.just(UnaryOperator.identity())), Tuple.of(50, sns));
    }

    private static Arbitrary<UnaryOperator<byte[]>> byteChange() {
        Arbitrary<UnaryOperator<byte[]>> truncate = Arbitraries.doubles().between(0, 1)
                .map(f -> b -> Arrays.copyOf(b, (int) (b.length * f)));
        Arbitrary<UnaryOperator<byte[]>> flip = Combinators.combine(Arbitraries.doubles().between(0, 0.99),
                Arbitraries.bytes()).as((at, value) -> b -> {
                    byte[] copy = b.clone();
                    if (copy.length > 0) {
                        copy[(int) (copy.length * at)] = value;
                    }
                    return copy;
                });
        Arbitrary<UnaryOperator<byte[]>> invalidUtf8 = Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0,
                        (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4,
                        (byte) 0x90, (byte) 0x80, (byte) 0x80})).as((at, bad) -> b -> splice(b, at, bad));
        Arbitrary<UnaryOperator<byte[]>> nest = Arbitraries.integers().between(20, 3_000).map(depth -> b -> {
            byte[] open = "[".repeat(depth).getBytes(StandardCharsets.UTF_8);
            byte[] close = "]".repeat(depth).getBytes(StandardCharsets.UTF_8);
            return splice(splice(b, 1, close), 0, open);
        });
        Arbitrary<UnaryOperator<byte[]>> duplicateKey = Arbitraries.of("\"RequestType\":\"Delete\",",
                "\"ResponseURL\":\"https://evil.com/\",", "\"Type\":\"Notification\",")
                .map(dup -> b -> b.length > 0 && b[0] == '{' ? splice(b, 1.0 / Math.max(1, b.length),
                        dup.getBytes(StandardCharsets.UTF_8)) : b);
        Arbitrary<UnaryOperator<byte[]>> bom = Arbitraries.just(b -> splice(b, 0, new byte[] {(byte) 0xEF,
                (byte) 0xBB, (byte) 0xBF}));
        Arbitrary<UnaryOperator<byte[]>> trailing = Arbitraries.of("x", "}", " {}", "\u0000")
                .map(t -> b -> splice(b, 1, t.getBytes(StandardCharsets.UTF_8)));
        return Arbitraries.oneOf(truncate, flip, invalidUtf8, nest, duplicateKey, bom, trailing);
    }

    private static byte[] splice(byte[] body, double at, byte[] insert) {
        int index = (int) Math.min(body.length, Math.round(body.length * at));
        byte[] out = new byte[body.length + insert.length];
        System.arraycopy(body, 0, out, 0, index);
        System.arraycopy(insert, 0, out, index, insert.length);
        System.arraycopy(body, index, out, index + insert.length, body.length - index);
        return out;
    }

    private static Set<String> reasonCodes() {
        Set<String> codes = new HashSet<>(ResponseUrlPolicyFuzzTest.REASON_CODES);
        Arrays.stream(RejectReason.values()).filter(r -> r != RejectReason.INTERNAL_ERROR
                && r != RejectReason.SQS_MAX_RECEIVES).forEach(r -> codes.add(r.name()));
        return Set.copyOf(codes);
    }
}
