package dev.onboarding.bridge.ingress;

import static dev.onboarding.bridge.ingress.CfnRequests.create;
import static dev.onboarding.bridge.ingress.CfnRequests.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerificationOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CallbackParserTest {
    private static final String REGION = "eu-west-1";
    private static final String ACCOUNT = "123456789012";
    private static final String EXTERNAL_ID = "onb-abcdefghijklmnopqrstuvwxyz234567";
    private static final Instant DECIDED = Instant.parse("2026-01-01T00:00:02Z");

    private final CallbackParser parser = new CallbackParser(ResponseUrlPolicy.awsOnly(), Duration.ofSeconds(3600));

    @Test
    void parsesARawCreate() {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        QueueMessage message = message(REGION, request.toString());

        ParsedCallback parsed = (ParsedCallback) parser.parse(message);

        CfnCallback callback = parsed.callback();
        // The ingress verifies nothing: the processor asks the verifier once the external ID is known.
        assertThat(callback.getRoleVerification().getOutcome()).isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);
        assertThat(callback.getRequestType()).isEqualTo(RequestType.CREATE);
        assertThat(callback.getRequestId()).isEqualTo(request.get("RequestId").asText());
        assertThat(callback.getStackId()).isEqualTo(request.get("StackId").asText());
        assertThat(callback.getAccountId()).isEqualTo(ACCOUNT);
        assertThat(callback.getRegion()).isEqualTo(REGION);
        assertThat(callback.getPartition()).isEqualTo("aws");
        assertThat(callback.getExternalId()).isEqualTo(EXTERNAL_ID);
        assertThat(callback.getRoleName()).isEqualTo("ProviderReadOnly");
        assertThat(callback.getRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/ProviderReadOnly");
        assertThat(callback.getResponseUrl()).isEqualTo(request.get("ResponseURL").asText());
        assertThat(callback.getLogicalResourceId()).isEqualTo("ProviderIntegrationNotification");
        assertThat(callback.getResourceType()).isEqualTo("Custom::ProviderAWSIntegrationNotification");
        assertThat(callback.getPhysicalResourceId()).isNull();
        assertThat(callback.getSnsTopicArn()).isNull();
        assertThat(callback.getSqsMessageId()).isEqualTo(message.messageId());
        assertThat(callback.getSourceQueueRegion()).isEqualTo(REGION);
        assertThat(callback.getSentAt()).isEqualTo(message.sentAt().orElseThrow());
        assertThat(callback.getReceivedAt()).isEqualTo(message.receivedAt());
        assertThat(callback.getServiceTimeoutSeconds()).isEqualTo(3600);
        assertThat(callback.getRoleVerification().getOutcome()).isEqualTo(RoleVerificationOutcome.NOT_REQUIRED);
    }

    @Test
    void parsesAnSnsEnvelopeAndKeepsItsMetadata() {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        // SNS published it half a second before SQS stored it (the test message's SentTimestamp)
        ObjectNode sns = (ObjectNode) read(CfnRequests.snsEnvelope(request, REGION));
        sns.put("Timestamp", "2025-12-31T23:59:59.500Z");
        String envelope = sns.toString();

        ParsedCallback parsed = (ParsedCallback) parser.parse(message(REGION, envelope));

        assertThat(parsed.callback().getRequestId()).isEqualTo(request.get("RequestId").asText());
        assertThat(parsed.callback().getSnsTopicArn()).isEqualTo(sns.get("TopicArn").asText());
        assertThat(parsed.callback().getSnsMessageId()).isEqualTo(sns.get("MessageId").asText());
        assertThat(parsed.callback().getSentAt()).isEqualTo(Instant.parse(sns.get("Timestamp").asText()));
    }

    @Test
    void anEnvelopeTimestampMayOnlyBringTheDeadlineForwardNeverPushItBack() {
        ObjectNode request = create(REGION, ACCOUNT, "x", "ProviderReadOnly");
        ((ObjectNode) request.get("ResourceProperties")).put("ServiceTimeout", "600");
        ObjectNode sns = (ObjectNode) read(CfnRequests.snsEnvelope(request, REGION));
        sns.put("Timestamp", "2099-01-01T00:00:00Z");
        QueueMessage message = message(REGION, sns.toString());

        CfnResponse answer = ((Rejection) parser.parse(message)).answer(DECIDED).orElseThrow();

        // the queue's SentTimestamp holds: a body cannot set its own deadline in 2099
        assertThat(answer.getDeadline()).isEqualTo(message.sentAt().orElseThrow().plusSeconds(600));
    }

    @Test
    void acceptsExternalIdSpelledWithLowerCaseD() {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        ObjectNode properties = (ObjectNode) request.get("ResourceProperties");
        properties.remove("ExternalID");
        properties.put("ExternalId", EXTERNAL_ID);

        assertThat(((ParsedCallback) parser.parse(message(REGION, request.toString()))).callback().getExternalId())
                .isEqualTo(EXTERNAL_ID);
    }

    @Test
    void honoursAServiceTimeoutProperty() {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        ((ObjectNode) request.get("ResourceProperties")).put("ServiceTimeout", "300");

        assertThat(((ParsedCallback) parser.parse(message(REGION, request.toString()))).callback()
                .getServiceTimeoutSeconds()).isEqualTo(300);
    }

    @Test
    void carriesTheTemplateVersionWhenTheStackSendsOne() {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        ObjectNode older = request.deepCopy();
        props(request).put("TemplateVersion", "1.10.2");

        assertThat(((ParsedCallback) parser.parse(message(REGION, request.toString()))).callback()
                .getTemplateVersion()).isEqualTo("1.10.2");
        assertThat(((ParsedCallback) parser.parse(message(REGION, older.toString()))).callback()
                .getTemplateVersion()).as("stacks of templates before versions").isNull();
    }

    @Test
    void anUpdateThatOnlyMovesTheTemplateVersionCarriesIt() {
        ObjectNode create = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        props(create).put("TemplateVersion", "1.0.0");
        ObjectNode update = CfnRequests.update(create, "integration-1", EXTERNAL_ID, "ProviderReadOnly");
        props(update).put("TemplateVersion", "1.1.0");

        ParsedCallback parsed = (ParsedCallback) parser.parse(message(REGION, update.toString()));

        assertThat(parsed.callback().getTemplateVersion()).isEqualTo("1.1.0");
    }

    @Test
    void deletesAndUpdatesCarryWhatTheProcessorComparesWithTheIntegration() {
        ObjectNode create = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");

        ParsedCallback delete = (ParsedCallback) parser.parse(message(REGION,
                CfnRequests.delete(create, "integration-1").toString()));
        ParsedCallback unchanged = (ParsedCallback) parser.parse(message(REGION,
                CfnRequests.update(create, "integration-1", EXTERNAL_ID, "ProviderReadOnly").toString()));
        ParsedCallback renamed = (ParsedCallback) parser.parse(message(REGION,
                CfnRequests.update(create, "integration-1", EXTERNAL_ID, "ProviderReadOnlyV2").toString()));

        assertThat(delete.callback().getPhysicalResourceId()).isEqualTo("integration-1");
        assertThat(unchanged.callback().getOldRoleName()).isEqualTo("ProviderReadOnly");
        assertThat(unchanged.callback().getOldExternalId()).isEqualTo(EXTERNAL_ID);
        assertThat(renamed.callback().getRoleName()).isEqualTo("ProviderReadOnlyV2");
        assertThat(renamed.callback().getOldRoleName()).isEqualTo("ProviderReadOnly");
    }

    @Test
    void subscriptionConfirmationsAreNotices() {
        String body = "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"m\",\"Token\":\"t\","
                + "\"TopicArn\":\"arn:aws:sns:eu-west-1:999999999999:onboarding-callbacks\","
                + "\"SubscribeURL\":\"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription\"}";

        SubscriptionNotice notice = (SubscriptionNotice) parser.parse(message(REGION, body));

        assertThat(notice.type()).isEqualTo("SubscriptionConfirmation");
        assertThat(notice.topicArn()).contains("arn:aws:sns:eu-west-1:999999999999:onboarding-callbacks");
        assertThat(notice.reasonCode()).isEqualTo("SNS_SUBSCRIPTION_CONFIRMATION");
    }

    @Test
    void refusesUnreadableBodiesWithoutAnswering() {
        assertRejected(new byte[CallbackParser.MAX_BODY_BYTES + 1], "BODY_TOO_LARGE");
        assertRejected(new byte[] {'{', '"', (byte) 0xc3, 0x28, '"', ':', '1', '}'}, "INVALID_UTF8");
        assertRejected("".getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON");
        assertRejected("{\"RequestType\":".getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON");
        assertRejected("{\"a\":1} trailing".getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON");
        assertRejected(("[".repeat(100) + "]".repeat(100)).getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON");
        assertRejected("[1,2]".getBytes(StandardCharsets.UTF_8), "UNRECOGNIZED_FORMAT");
        assertRejected("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8), "UNRECOGNIZED_FORMAT");
        assertRejected("{\"Type\":\"Notification\",\"Message\":\"not json\"}".getBytes(StandardCharsets.UTF_8),
                "MALFORMED_JSON");
        assertRejected("{\"Type\":\"Notification\",\"Message\":{}}".getBytes(StandardCharsets.UTF_8), "INVALID_FIELD");
        assertRejected("{\"Type\":\"Notification\"}".getBytes(StandardCharsets.UTF_8), "MISSING_FIELD");
        assertRejected("{\"Type\":\"Surprise\",\"Message\":\"{}\"}".getBytes(StandardCharsets.UTF_8),
                "UNSUPPORTED_SNS_TYPE");
    }

    @Test
    void refusesDuplicateKeys() {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        String body = request.toString().replaceFirst("\\{", "{\"RequestType\":\"Delete\",");

        assertThat(((Rejection) parser.parse(message(REGION, body))).reasonCode()).isEqualTo("MALFORMED_JSON");
    }

    @Test
    void rejectsInvalidRequestsAndAnswersThoseItCan() {
        expect(r -> r.remove("RequestId"), "MISSING_FIELD", false);
        expect(r -> r.put("RequestId", 42), "INVALID_FIELD", false);
        expect(r -> r.remove("LogicalResourceId"), "MISSING_FIELD", false);
        expect(r -> r.put("LogicalResourceId", "L".repeat(300)), "FIELD_TOO_LONG", false);
        expect(r -> r.remove("ResourceType"), "MISSING_FIELD", true);
        expect(r -> r.put("RequestType", "Destroy"), "INVALID_REQUEST_TYPE", true);
        expect(r -> r.remove("RequestType"), "MISSING_FIELD", true);
        expect(r -> r.put("StackId", "arn:aws:cloudformation:eu-west-1:12345:stack/x/1"), "INVALID_STACK_ID", false);
        expect(r -> r.put("StackId", "arn:aws-cn:cloudformation:eu-west-1:123456789012:stack/x/1"),
                "INVALID_STACK_ID", false);
        expect(r -> r.put("StackId", "arn:aws:cloudformation:eu-wést-1:123456789012:stack/x/1"),
                "INVALID_FIELD", false);
        expect(r -> r.put("ResponseURL", "https://evil.example.com/steal"), "RESPONSE_URL_HOST", false);
        expect(r -> r.put("ResponseURL", "http://169.254.169.254/latest"), "RESPONSE_URL_NOT_HTTPS", false);
        expect(r -> r.remove("ResponseURL"), "RESPONSE_URL_MISSING", false);
        expect(r -> r.put("ResponseURL", 7), "INVALID_FIELD", false);
        expect(r -> r.remove("ResourceProperties"), "MISSING_FIELD", true);
        expect(r -> r.put("ResourceProperties", "ExternalID=x"), "INVALID_FIELD", true);
        expect(r -> props(r).remove("ExternalID"), "MISSING_EXTERNAL_ID", true);
        expect(r -> props(r).put("ExternalID", "x"), "INVALID_EXTERNAL_ID", true);
        expect(r -> props(r).put("ExternalID", "has spaces in it"), "INVALID_EXTERNAL_ID", true);
        expect(r -> props(r).put("ExternalID", "a".repeat(1225)), "INVALID_EXTERNAL_ID", true);
        expect(r -> props(r).put("ExternalID", 12345), "INVALID_EXTERNAL_ID", true);
        expect(r -> props(r).put("ExternalId", "onb-somethingelse"), "AMBIGUOUS_EXTERNAL_ID", true);
        expect(r -> props(r).remove("RoleName"), "MISSING_ROLE_NAME", true);
        expect(r -> props(r).put("RoleName", "path/Role"), "INVALID_ROLE_NAME", true);
        expect(r -> props(r).put("RoleName", "R".repeat(65)), "INVALID_ROLE_NAME", true);
        expect(r -> props(r).put("TemplateVersion", "1.0.0-beta"), "INVALID_FIELD", true);
        expect(r -> props(r).put("TemplateVersion", "1." + "9".repeat(200)), "INVALID_FIELD", true);
        expect(r -> props(r).put("TemplateVersion", ""), "INVALID_FIELD", true);
        expect(r -> props(r).put("TemplateVersion", 2), "INVALID_FIELD", true);
        expect(r -> props(r).putObject("TemplateVersion").put("Ref", "x"), "INVALID_FIELD", true);
        expect(r -> r.put("RequestType", "Update"), "MISSING_PHYSICAL_RESOURCE_ID", true);
        expect(r -> {
            r.put("RequestType", "Delete");
            r.put("PhysicalResourceId", "p".repeat(1025));
        }, "FIELD_TOO_LONG", true);
    }

    @Test
    void rejectsARequestFromAnotherRegionsStackButAnswersIt() {
        ObjectNode request = create("us-east-1", ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");

        Rejection rejection = (Rejection) parser.parse(message(REGION, request.toString()));

        assertThat(rejection.reasonCode()).isEqualTo("REGION_MISMATCH");
        assertThat(rejection.answerable()).isPresent();
    }

    @Test
    void answersFailedForACreateWithTheReasonAndARejectedPhysicalId() {
        ObjectNode request = create(REGION, ACCOUNT, "x", "ProviderReadOnly");
        ((ObjectNode) request.get("ResourceProperties")).put("ServiceTimeout", "600");
        QueueMessage message = message(REGION, request.toString());

        CfnResponse answer = ((Rejection) parser.parse(message)).answer(DECIDED).orElseThrow();

        assertThat(answer.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.getRequestId()).isEqualTo(request.get("RequestId").asText());
        assertThat(answer.getStackId()).isEqualTo(request.get("StackId").asText());
        assertThat(answer.getLogicalResourceId()).isEqualTo("ProviderIntegrationNotification");
        assertThat(answer.getResponseUrl()).isEqualTo(request.get("ResponseURL").asText());
        assertThat(answer.getPhysicalResourceId()).isEqualTo("rejected-" + request.get("RequestId").asText());
        assertThat(answer.getReason()).contains("INVALID_EXTERNAL_ID").hasSizeLessThanOrEqualTo(256);
        assertThat(answer.getDeadline()).isEqualTo(message.sentAt().orElseThrow().plusSeconds(600));
        assertThat(answer.getAttempt()).isZero();
        assertThat(answer.getDecidedAt()).isEqualTo(DECIDED);
    }

    @Test
    void answersSuccessForARejectedDeleteSoTheStackCanGo() {
        ObjectNode create = create(REGION, ACCOUNT, "not valid!", "ProviderReadOnly");
        ObjectNode delete = CfnRequests.delete(create, "rejected-earlier-request");

        CfnResponse answer = ((Rejection) parser.parse(message(REGION, delete.toString()))).answer(DECIDED)
                .orElseThrow();

        assertThat(answer.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(answer.getPhysicalResourceId()).isEqualTo("rejected-earlier-request");
    }

    @Test
    void reasonsNeverQuoteTheExternalIdOrTheResponseUrl() {
        String secretId = "onb-this-is-secret-but-invalid because of spaces";
        ObjectNode request = create(REGION, ACCOUNT, secretId, "ProviderReadOnly");

        Rejection rejection = (Rejection) parser.parse(message(REGION, request.toString()));

        assertThat(rejection.reason()).doesNotContain("secret").doesNotContain("X-Amz-Signature");
        assertThat(rejection.answer(DECIDED).orElseThrow().getReason()).doesNotContain("secret");
    }

    private void expect(Consumer<ObjectNode> mutation, String code, boolean answerable) {
        ObjectNode request = create(REGION, ACCOUNT, EXTERNAL_ID, "ProviderReadOnly");
        mutation.accept(request);
        for (String body : new String[] {request.toString(), CfnRequests.snsEnvelope(request, REGION)}) {
            ParseResult result = parser.parse(message(REGION, body));
            assertThat(result).as(body).isInstanceOf(Rejection.class);
            Rejection rejection = (Rejection) result;
            assertThat(rejection.reasonCode()).as(body).isEqualTo(code);
            assertThat(rejection.answerable().isPresent()).as("answerable: " + body).isEqualTo(answerable);
        }
    }

    private void assertRejected(byte[] body, String code) {
        ParseResult result = parser.parse(message(REGION, body));
        assertThat(result).isInstanceOf(Rejection.class);
        assertThat(((Rejection) result).reasonCode()).isEqualTo(code);
        assertThat(((Rejection) result).answerable()).isEmpty();
    }

    private static ObjectNode props(ObjectNode request) {
        return (ObjectNode) request.get("ResourceProperties");
    }

    private static JsonNode read(String json) {
        try {
            return CfnRequests.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
