package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.bridge.ingress.CallbackParser;
import dev.onboarding.bridge.ingress.ParseResult;
import dev.onboarding.bridge.ingress.QueueMessage;
import dev.onboarding.bridge.ingress.RejectReason;
import dev.onboarding.bridge.ingress.Rejection;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.ExternalIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Hostile bodies on the provider's queue (anyone can publish to the topic): each one that SQS accepts ends in the
 * dead-letter topic with its reason, and the pollers keep going (a valid Create sent afterwards is answered).
 * Bodies SQS itself refuses (empty, characters outside its allowed set, so also any body that is not valid
 * UTF-8) never reach the bridge; the parser is shown to reject the same bytes on its own.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityHostileInputTest {
    private final ExternalIds externalIds = new ExternalIds();
    private SecurityStack stack;

    @BeforeAll
    void stack(SecurityStack stack) {
        this.stack = stack;
    }

    @Test
    void everyHostileBodySqsAcceptsIsDeadLetteredWithItsReasonAndThePollersLive() {
        Map<String, String> expected = new LinkedHashMap<>();
        // 1 MB: over the bridge's 256 KB limit (ElasticMQ, like SQS today, takes up to 1 MiB).
        expected.put(stack.sendRaw("{\"Type\":\"Notification\",\"Message\":\"" + "A".repeat(1_000_000 - 40) + "\"}"),
                RejectReason.BODY_TOO_LARGE.name());
        // Deep nesting, raw and inside the SNS Message string.
        expected.put(stack.sendRaw("[".repeat(50_000) + "]".repeat(50_000)), RejectReason.MALFORMED_JSON.name());
        expected.put(stack.sendRaw("{\"Type\":\"Notification\",\"Message\":\"" + "{\\\"a\\\":".repeat(5_000) + "1"
                + "}".repeat(5_000) + "\"}"), RejectReason.MALFORMED_JSON.name());
        // Not JSON, or JSON that is not an object.
        expected.put(stack.sendRaw("not json at all"), RejectReason.MALFORMED_JSON.name());
        expected.put(stack.sendRaw("{\"RequestType\":\"Create\",\"RequestType\":\"Delete\"}"),
                RejectReason.MALFORMED_JSON.name());
        expected.put(stack.sendRaw("[1,2,3]"), RejectReason.UNRECOGNIZED_FORMAT.name());
        expected.put(stack.sendRaw("\"a string\""), RejectReason.UNRECOGNIZED_FORMAT.name());
        expected.put(stack.sendRaw("null"), RejectReason.UNRECOGNIZED_FORMAT.name());
        // Wrong JSON types in the envelope and in the request.
        expected.put(stack.sendRaw("{\"Type\":7,\"Message\":\"x\"}"), RejectReason.INVALID_FIELD.name());
        expected.put(stack.sendRaw("{\"Type\":\"Notification\",\"Message\":{\"RequestType\":\"Create\"}}"),
                RejectReason.INVALID_FIELD.name());
        expected.put(stack.sendRaw(withRequestField("RequestType", "5")), RejectReason.INVALID_REQUEST_TYPE.name());
        expected.put(stack.sendRaw(withRequestField("RequestId", "[\"x\"]")), RejectReason.INVALID_FIELD.name());
        expected.put(stack.sendRaw(withRequestField("ResponseURL", "{\"url\":\"x\"}")),
                RejectReason.INVALID_FIELD.name());
        expected.put(stack.sendRaw(withRequestField("ResourceProperties", "\"ExternalID=x\"")),
                RejectReason.INVALID_FIELD.name());
        expected.put(stack.sendRaw(withProperty("ExternalID", "12345678901234567890")),
                RejectReason.INVALID_EXTERNAL_ID.name());
        expected.put(stack.sendRaw(withProperty("RoleName", "true")), RejectReason.INVALID_ROLE_NAME.name());
        // Huge property maps: over the size limit, and within it but built to flood the parser's symbol table.
        expected.put(stack.sendRaw(withProperties(manyProperties(20_000, false))), RejectReason.BODY_TOO_LARGE.name());
        expected.put(stack.sendRaw(withProperties(manyProperties(4_096, true))), RejectReason.MALFORMED_JSON.name());

        Map<String, DeadLetter> letters = stack.deadLetters().awaitAll(stack.catalog().cfnCallbacksDlq().name(),
                List.copyOf(expected.keySet()));

        expected.forEach((messageId, code) -> {
            DeadLetter letter = letters.get(messageId);
            assertThat(letter.getReasonCode()).as(messageId).isEqualTo(code);
            assertThat(letter.getReason()).as(messageId).isNotBlank();
            assertThat(letter.getOriginalValue().remaining()).as("original bytes kept, at most 256 KB")
                    .isBetween(1, CallbackParser.MAX_BODY_BYTES);
        });
        assertPollersAlive();
    }

    @Test
    void bodiesSqsRefusesNeverReachTheBridgeAndTheParserRejectsTheSameBytes() {
        CallbackParser parser = new CallbackParser(ResponseUrlPolicy.withLocalOrigin(stack.s3().origin()),
                Duration.ofHours(1));
        // 0 bytes: SQS requires a body.
        assertThatThrownBy(() -> stack.sendRaw("")).isInstanceOf(SqsException.class);
        assertThat(parse(parser, new byte[0])).isEqualTo(RejectReason.MALFORMED_JSON.name());
        // Characters outside SQS's set (NUL, lone surrogates, U+FFFE): refused with InvalidMessageContents.
        for (String body : List.of("{\"Type\":\"Notification\u0000\"}", "{\"a\":\"\uD800\"}", "\uFFFE{}")) {
            assertThatThrownBy(() -> stack.sendRaw(body)).isInstanceOf(SqsException.class)
                    .hasMessageContaining("InvalidMessageContents");
        }
        // So invalid UTF-8 cannot arrive through SQS; the parser still refuses it byte for byte.
        byte[] valid = withRequestField("RequestType", "\"Create\"").getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF, '{', '}'},
                new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                spliced(valid, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}))) {
            assertThat(parse(parser, bad)).isEqualTo(RejectReason.INVALID_UTF8.name());
        }
        // And a body over 1 MiB, which SQS would refuse, is rejected by size before it is read.
        assertThat(parse(parser, new byte[2 * 1024 * 1024])).isEqualTo(RejectReason.BODY_TOO_LARGE.name());
    }

    /** The bridge still reads the queue: a valid Create after the hostile bodies is answered. */
    private void assertPollersAlive() {
        assertThat(stack.apps().bridgeServices()).allMatch(Service::isAlive);
        IntegrationRequestPublisher.Published published = stack.request(SecurityStack.newTenant("hostile-input"),
                Optional.empty());
        String account = SecurityStack.newAccount();
        stack.sts().trust("arn:aws:iam::" + account + ":role/" + published.roleName(), published.externalId());
        SecurityForgedRequest.Sent create = stack.forge(StackLaunch.Type.Create, published.externalId(), account)
                .roleName(published.roleName()).send();
        assertThat(stack.awaitAnswer(create.requestId()).status()).isEqualTo("SUCCESS");
    }

    private static String parse(CallbackParser parser, byte[] body) {
        ParseResult result = parser.parse(new QueueMessage(SecurityStack.REGION, "queue", "m-" + UUID.randomUUID(),
                "r", body, 1, Optional.empty(), Instant.now()));
        assertThat(result).isInstanceOf(Rejection.class);
        return ((Rejection) result).reasonCode();
    }

    private static byte[] spliced(byte[] body, byte[] bad) {
        byte[] out = new byte[body.length + bad.length];
        int at = body.length / 2;
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(body, at, out, at + bad.length, body.length - at);
        return out;
    }

    /** A raw (not enveloped) Create whose {@code field} is the JSON {@code value}; the rest is well formed. */
    private String withRequestField(String field, String value) {
        Map<String, String> fields = baseRequest();
        fields.put(field, value);
        return object(fields);
    }

    private String withProperty(String property, String value) {
        Map<String, String> properties = baseProperties();
        properties.put(property, value);
        return withRequestField("ResourceProperties", object(properties));
    }

    private String withProperties(Map<String, String> extra) {
        Map<String, String> properties = baseProperties();
        properties.putAll(extra);
        return withRequestField("ResourceProperties", object(properties));
    }

    /** {@code count} properties; with {@code colliding}, names that all share one hash in Jackson's symbol table. */
    private static Map<String, String> manyProperties(int count, boolean colliding) {
        Map<String, String> out = new LinkedHashMap<>();
        int bits = 32 - Integer.numberOfLeadingZeros(count - 1);
        for (int i = 0; i < count; i++) {
            StringBuilder name = new StringBuilder();
            if (colliding) {
                // "Ab" and "BA" hash alike under h*33+c, so every combination of them collides.
                for (int b = 0; b < bits; b++) {
                    name.append(((i >> b) & 1) == 0 ? "Ab" : "BA");
                }
            } else {
                name.append("Property").append(i);
            }
            out.put(name.toString(), "\"" + "v".repeat(colliding ? 1 : 8) + "\"");
        }
        return out;
    }

    private Map<String, String> baseRequest() {
        String requestId = UUID.randomUUID().toString();
        String stackId = "arn:aws:cloudformation:" + SecurityStack.REGION + ":" + SecurityStack.newAccount()
                + ":stack/hostile/" + UUID.randomUUID();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("RequestType", "\"Create\"");
        fields.put("ResponseURL", "\"" + stack.cloudFormation().responseUrl(SecurityStack.REGION, stackId, requestId)
                + "\"");
        fields.put("StackId", "\"" + stackId + "\"");
        fields.put("RequestId", "\"" + requestId + "\"");
        fields.put("LogicalResourceId", "\"" + CustomResourceRequest.LOGICAL_RESOURCE_ID + "\"");
        fields.put("ResourceType", "\"" + CustomResourceRequest.RESOURCE_TYPE + "\"");
        fields.put("ResourceProperties", object(baseProperties()));
        return fields;
    }

    private Map<String, String> baseProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("ExternalID", "\"" + externalIds.mint() + "\"");
        properties.put("RoleName", "\"" + SecurityStack.ROLE_NAME + "\"");
        return properties;
    }

    private static String object(Map<String, String> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return out.append('}').toString();
    }
}
