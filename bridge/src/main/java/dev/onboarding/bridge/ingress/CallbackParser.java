package dev.onboarding.bridge.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.bridge.ingress.Rejection.AnswerableRequest;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.TemplateVersions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one SQS message body into a validated callback or a rejection, and nothing else: pure, no I/O,
 * no exceptions for bad input. Every field is attacker-controlled (anyone can publish to the topic), so
 * it accepts only the shapes CloudFormation sends: an SNS notification envelope around the request
 * (raw delivery off) or the request itself (raw delivery on). Rejection reasons name fields and limits,
 * never the values of the ResponseURL or the external ID.
 */
public final class CallbackParser {
    /** Largest body accepted; SQS's classic limit. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    static final int MAX_REQUEST_ID = 128;
    static final int MAX_STACK_ID = 512;
    static final int MAX_LOGICAL_ID = 255;
    static final int MAX_RESOURCE_TYPE = 256;
    static final int MAX_PHYSICAL_ID_BYTES = 1024;
    static final int MAX_SNS_FIELD = 256;
    private static final int MAX_SERVICE_TIMEOUT_SECONDS = 3600;

    private static final Pattern STACK_ARN = Pattern.compile(
            "arn:([a-z-]+):cloudformation:([a-z0-9-]+):(\\d{12}):stack/[A-Za-z][A-Za-z0-9-]{0,127}/[A-Za-z0-9-]{1,64}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7e]+");

    private final ResponseUrlPolicy policy;
    private final int defaultServiceTimeoutSeconds;
    private final ObjectMapper json;

    /**
     * A parser checking ResponseURLs with {@code policy}; requests that do not state a ServiceTimeout get
     * {@code defaultServiceTimeout}.
     */
    public CallbackParser(ResponseUrlPolicy policy, Duration defaultServiceTimeout) {
        this.policy = policy;
        this.defaultServiceTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, defaultServiceTimeout.toSeconds());
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(MAX_BODY_BYTES)
                        .maxNumberLength(64)
                        .maxNameLength(1024)
                        .maxDocumentLength(MAX_BODY_BYTES)
                        .build())
                .build();
        this.json = new ObjectMapper(factory)
                // Two values for one key would let the bridge and a later reader disagree on the request.
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Parses and validates one message; never throws for any body. */
    public ParseResult parse(QueueMessage message) {
        byte[] body = message.body();
        if (body.length > MAX_BODY_BYTES) {
            return reject(RejectReason.BODY_TOO_LARGE, "body has " + body.length + " bytes, more than "
                    + MAX_BODY_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return reject(RejectReason.INVALID_UTF8, "body is not valid UTF-8");
        }
        Optional<JsonNode> root = readJson(text);
        if (root.isEmpty()) {
            return reject(RejectReason.MALFORMED_JSON, "body is not JSON within the accepted limits");
        }
        JsonNode node = root.get();
        if (!node.isObject()) {
            return reject(RejectReason.UNRECOGNIZED_FORMAT, "body is not a JSON object");
        }
        if (node.has("Type") && !node.has("RequestType")) {
            return parseEnvelope(node, message);
        }
        if (looksLikeRequest(node)) {
            return validate(node, message, Optional.empty(), Optional.empty(), Optional.empty());
        }
        return reject(RejectReason.UNRECOGNIZED_FORMAT,
                "body is neither an SNS envelope nor a custom-resource request");
    }

    private ParseResult parseEnvelope(JsonNode envelope, QueueMessage message) {
        JsonNode typeNode = envelope.get("Type");
        if (!typeNode.isTextual()) {
            return reject(RejectReason.INVALID_FIELD, "SNS Type is not a string");
        }
        Optional<String> topicArn = metadata(envelope, "TopicArn");
        String type = typeNode.textValue();
        switch (type) {
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> {
                return new SubscriptionNotice(type, topicArn);
            }
            case "Notification" -> {
                // handled below
            }
            default -> {
                return reject(RejectReason.UNSUPPORTED_SNS_TYPE, "SNS message type is not Notification");
            }
        }
        JsonNode inner = envelope.get("Message");
        if (inner == null || inner.isNull()) {
            return reject(RejectReason.MISSING_FIELD, "SNS Message is missing");
        }
        if (!inner.isTextual()) {
            return reject(RejectReason.INVALID_FIELD, "SNS Message is not a string");
        }
        Optional<JsonNode> request = readJson(inner.textValue());
        if (request.isEmpty()) {
            return reject(RejectReason.MALFORMED_JSON, "SNS Message is not JSON within the accepted limits");
        }
        if (!request.get().isObject() || !looksLikeRequest(request.get())) {
            return reject(RejectReason.UNRECOGNIZED_FORMAT, "SNS Message is not a custom-resource request");
        }
        Optional<Instant> snsTimestamp = metadata(envelope, "Timestamp").flatMap(CallbackParser::instant);
        return validate(request.get(), message, topicArn, metadata(envelope, "MessageId"), snsTimestamp);
    }

    private ParseResult validate(JsonNode request, QueueMessage message, Optional<String> snsTopicArn,
            Optional<String> snsMessageId, Optional<Instant> snsTimestamp) {
        Instant sentAt = snsTimestamp.or(message::sentAt).orElse(message.receivedAt());
        JsonNode properties = request.get("ResourceProperties");
        int serviceTimeout = serviceTimeout(request, properties);
        Optional<AnswerableRequest> answerable = answerable(request, sentAt, serviceTimeout);
        Checks checks = new Checks(answerable);

        // Identity of the request
        Optional<RequestType> requestType = checks.requestType(request.get("RequestType"));
        String requestId = checks.ascii(request, "RequestId", MAX_REQUEST_ID);
        String stackId = checks.ascii(request, "StackId", MAX_STACK_ID);
        String logicalId = checks.ascii(request, "LogicalResourceId", MAX_LOGICAL_ID);
        String resourceType = checks.ascii(request, "ResourceType", MAX_RESOURCE_TYPE);
        if (checks.failed()) {
            return checks.rejection;
        }
        Optional<StackArn> stack = StackArn.parse(stackId);
        if (stack.isEmpty()) {
            return checks.fail(RejectReason.INVALID_STACK_ID,
                    "StackId is not a CloudFormation stack ARN of a known partition and region");
        }
        if (!stack.get().region().equals(message.region())) {
            return checks.fail(RejectReason.REGION_MISMATCH, "stack region " + stack.get().region()
                    + " differs from the queue's region " + message.region());
        }

        // Where the answer goes
        JsonNode urlNode = request.get("ResponseURL");
        if (urlNode != null && !urlNode.isNull() && !urlNode.isTextual()) {
            return checks.fail(RejectReason.INVALID_FIELD, "ResponseURL is not a string");
        }
        String responseUrl = urlNode == null || urlNode.isNull() ? null : urlNode.textValue();
        ResponseUrlPolicy.Verdict verdict = policy.check(responseUrl, stack.get().region());
        if (!verdict.allowed()) {
            return new Rejection(verdict.reasonCode(), verdict.reason(), Optional.empty());
        }

        // The integration's properties
        if (properties == null || properties.isNull()) {
            return checks.fail(RejectReason.MISSING_FIELD, "ResourceProperties is missing");
        }
        if (!properties.isObject()) {
            return checks.fail(RejectReason.INVALID_FIELD, "ResourceProperties is not an object");
        }
        String externalId = checks.externalId(properties);
        if (checks.failed()) {
            return checks.rejection;
        }
        String roleName = checks.roleName(properties);
        if (checks.failed()) {
            return checks.rejection;
        }
        String templateVersion = checks.templateVersion(properties);
        if (checks.failed()) {
            return checks.rejection;
        }
        RequestType type = requestType.orElseThrow();
        String physicalId = null;
        if (type != RequestType.CREATE) {
            JsonNode physical = request.get("PhysicalResourceId");
            if (physical == null || physical.isNull() || (physical.isTextual() && physical.textValue().isBlank())) {
                return checks.fail(RejectReason.MISSING_PHYSICAL_RESOURCE_ID,
                        "PhysicalResourceId is required on " + type.name().charAt(0)
                                + type.name().substring(1).toLowerCase(Locale.ROOT));
            }
            physicalId = checks.physicalId(physical);
            if (checks.failed()) {
                return checks.rejection;
            }
        }
        JsonNode old = request.get("OldResourceProperties");
        String oldExternalId = null;
        String oldRoleName = null;
        if (type == RequestType.UPDATE && old != null && old.isObject()) {
            oldExternalId = lenientExternalId(old);
            oldRoleName = textOf(old, "RoleName").filter(v -> ROLE_NAME.matcher(v).matches()).orElse(null);
        }
        boolean needsVerification = switch (type) {
            case CREATE -> true;
            // A changed role or external ID is a new claim on an account: prove it like a Create.
            case UPDATE -> !roleName.equals(oldRoleName) || !externalId.equals(oldExternalId);
            default -> false;
        };
        StackArn arn = stack.get();
        CfnCallback callback = CfnCallback.newBuilder()
                .setRequestType(type)
                .setRequestId(requestId)
                .setStackId(stackId)
                .setAccountId(arn.accountId())
                .setRegion(arn.region())
                .setPartition(arn.partition().id())
                .setLogicalResourceId(logicalId)
                .setResourceType(resourceType)
                .setPhysicalResourceId(physicalId)
                .setExternalId(externalId)
                .setRoleName(roleName)
                .setRoleArn("arn:" + arn.partition().id() + ":iam::" + arn.accountId() + ":role/" + roleName)
                .setOldExternalId(oldExternalId)
                .setOldRoleName(oldRoleName)
                .setResponseUrl(responseUrl)
                .setSnsTopicArn(snsTopicArn.orElse(null))
                .setSnsMessageId(snsMessageId.orElse(null))
                .setSqsMessageId(message.messageId())
                .setSourceQueueRegion(message.region())
                .setSentAt(sentAt)
                .setReceivedAt(message.receivedAt())
                .setServiceTimeoutSeconds(serviceTimeout)
                .setRoleVerification(notRequired())
                .setTemplateVersion(templateVersion)
                .build();
        return new ParsedCallback(callback, needsVerification);
    }

    /** The verification of requests that need none. */
    static RoleVerification notRequired() {
        return RoleVerification.newBuilder()
                .setOutcome(RoleVerificationOutcome.NOT_REQUIRED)
                .setErrorCode(null)
                .setErrorMessage(null)
                .setAttempts(0)
                .setVerifiedAt(null)
                .build();
    }

    /** Whether the request can still be answered: ids present and a ResponseURL the policy allows. */
    private Optional<AnswerableRequest> answerable(JsonNode request, Instant sentAt, int serviceTimeout) {
        Optional<String> requestId = textOf(request, "RequestId").filter(v -> isAscii(v, MAX_REQUEST_ID));
        Optional<String> stackId = textOf(request, "StackId").filter(v -> isAscii(v, MAX_STACK_ID));
        Optional<String> logicalId = textOf(request, "LogicalResourceId").filter(v -> isAscii(v, MAX_LOGICAL_ID));
        Optional<StackArn> stack = stackId.flatMap(StackArn::parse);
        Optional<String> url = textOf(request, "ResponseURL");
        if (requestId.isEmpty() || logicalId.isEmpty() || stack.isEmpty() || url.isEmpty()
                || !policy.check(url.get(), stack.get().region()).allowed()) {
            return Optional.empty();
        }
        RequestType type = textOf(request, "RequestType").map(CallbackParser::requestType).orElse(RequestType.UNKNOWN);
        Optional<String> physicalId = textOf(request, "PhysicalResourceId").filter(CallbackParser::isPhysicalId);
        return Optional.of(new AnswerableRequest(type, requestId.get(), stackId.get(), logicalId.get(), url.get(),
                physicalId, sentAt, serviceTimeout));
    }

    private int serviceTimeout(JsonNode request, JsonNode properties) {
        JsonNode value = properties != null && properties.isObject() && properties.has("ServiceTimeout")
                ? properties.get("ServiceTimeout") : request.get("ServiceTimeout");
        if (value == null) {
            return defaultServiceTimeoutSeconds;
        }
        try {
            int seconds = value.isInt() ? value.intValue()
                    : value.isTextual() && value.textValue().matches("\\d{1,5}") ? Integer.parseInt(value.textValue())
                    : -1;
            return seconds >= 1 && seconds <= MAX_SERVICE_TIMEOUT_SECONDS ? seconds : defaultServiceTimeoutSeconds;
        } catch (NumberFormatException e) {
            return defaultServiceTimeoutSeconds;
        }
    }

    private Optional<JsonNode> readJson(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(json.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** Any of the request's own fields: enough to validate it, and maybe to answer it, as a request. */
    private static boolean looksLikeRequest(JsonNode node) {
        return node.has("RequestType") || node.has("RequestId") || node.has("StackId") || node.has("ResponseURL");
    }

    private static Optional<String> metadata(JsonNode envelope, String field) {
        return textOf(envelope, field).filter(v -> isAscii(v, MAX_SNS_FIELD));
    }

    private static Optional<String> textOf(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static RequestType requestType(String value) {
        return switch (value) {
            case "Create" -> RequestType.CREATE;
            case "Update" -> RequestType.UPDATE;
            case "Delete" -> RequestType.DELETE;
            default -> RequestType.UNKNOWN;
        };
    }

    private static boolean isAscii(String value, int maxLength) {
        return !value.isBlank() && value.length() <= maxLength && PRINTABLE_ASCII.matcher(value).matches();
    }

    private static boolean isPhysicalId(String value) {
        return !value.isBlank() && value.getBytes(StandardCharsets.UTF_8).length <= MAX_PHYSICAL_ID_BYTES
                && value.codePoints().noneMatch(Character::isISOControl);
    }

    private static String lenientExternalId(JsonNode properties) {
        for (String field : new String[] {"ExternalID", "ExternalId"}) {
            Optional<String> value = textOf(properties, field).filter(ExternalIds::isStsValid);
            if (value.isPresent()) {
                return value.get();
            }
        }
        return null;
    }

    private static Rejection reject(RejectReason code, String reason) {
        return new Rejection(code.name(), reason, Optional.empty());
    }

    /** A stack ARN's parts. */
    private record StackArn(AwsPartition partition, String region, String accountId) {
        static Optional<StackArn> parse(String arn) {
            Matcher m = STACK_ARN.matcher(arn);
            if (!m.matches()) {
                return Optional.empty();
            }
            Optional<AwsPartition> partition = AwsPartition.ofId(m.group(1));
            String region = m.group(2);
            if (partition.isEmpty() || !partition.get().contains(region)) {
                return Optional.empty();
            }
            return Optional.of(new StackArn(partition.get(), region, m.group(3)));
        }
    }

    /** Field checks of one request; the first failure wins and carries the answer, if any. */
    private static final class Checks {
        private final Optional<AnswerableRequest> answerable;
        private Rejection rejection;

        Checks(Optional<AnswerableRequest> answerable) {
            this.answerable = answerable;
        }

        boolean failed() {
            return rejection != null;
        }

        Rejection fail(RejectReason code, String reason) {
            if (rejection == null) {
                rejection = new Rejection(code.name(), reason, answerable);
            }
            return rejection;
        }

        Optional<RequestType> requestType(JsonNode node) {
            if (node == null || node.isNull()) {
                fail(RejectReason.MISSING_FIELD, "RequestType is missing");
                return Optional.empty();
            }
            RequestType type = node.isTextual() ? CallbackParser.requestType(node.textValue()) : RequestType.UNKNOWN;
            if (type == RequestType.UNKNOWN) {
                fail(RejectReason.INVALID_REQUEST_TYPE, "RequestType is not Create, Update or Delete");
                return Optional.empty();
            }
            return Optional.of(type);
        }

        /** A required printable-ASCII string of bounded length. */
        String ascii(JsonNode parent, String field, int maxLength) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
                fail(RejectReason.MISSING_FIELD, field + " is missing");
                return null;
            }
            if (!node.isTextual()) {
                fail(RejectReason.INVALID_FIELD, field + " is not a string");
                return null;
            }
            String value = node.textValue();
            if (value.length() > maxLength) {
                fail(RejectReason.FIELD_TOO_LONG, field + " has " + value.length() + " characters, more than "
                        + maxLength);
                return null;
            }
            if (!PRINTABLE_ASCII.matcher(value).matches()) {
                fail(RejectReason.INVALID_FIELD, field + " has characters outside printable ASCII");
                return null;
            }
            return value;
        }

        String externalId(JsonNode properties) {
            JsonNode upper = properties.get("ExternalID");
            JsonNode lower = properties.get("ExternalId");
            boolean hasUpper = upper != null && !upper.isNull();
            boolean hasLower = lower != null && !lower.isNull();
            if (!hasUpper && !hasLower) {
                fail(RejectReason.MISSING_EXTERNAL_ID, "ResourceProperties has no ExternalID");
                return null;
            }
            if (hasUpper && hasLower && !upper.equals(lower)) {
                fail(RejectReason.AMBIGUOUS_EXTERNAL_ID, "ResourceProperties has both ExternalID and ExternalId, "
                        + "with different values");
                return null;
            }
            JsonNode node = hasUpper ? upper : lower;
            String field = hasUpper ? "ExternalID" : "ExternalId";
            if (!node.isTextual()) {
                fail(RejectReason.INVALID_EXTERNAL_ID, field + " is not a string");
                return null;
            }
            String value = node.textValue();
            if (!ExternalIds.isStsValid(value)) {
                fail(RejectReason.INVALID_EXTERNAL_ID, field + " (" + value.length() + " characters) is not "
                        + ExternalIds.MIN_LENGTH + "-" + ExternalIds.MAX_LENGTH + " characters of [\\w+=,.@:/-]");
                return null;
            }
            return value;
        }

        String roleName(JsonNode properties) {
            JsonNode node = properties.get("RoleName");
            if (node == null || node.isNull()) {
                fail(RejectReason.MISSING_ROLE_NAME, "ResourceProperties has no RoleName");
                return null;
            }
            if (!node.isTextual() || !ROLE_NAME.matcher(node.textValue()).matches()) {
                fail(RejectReason.INVALID_ROLE_NAME, "RoleName is not 1-64 characters of [\\w+=,.@-]");
                return null;
            }
            return node.textValue();
        }

        /** The optional TemplateVersion: absent on stacks of older templates, else a strict version. */
        String templateVersion(JsonNode properties) {
            JsonNode node = properties.get("TemplateVersion");
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual() || !TemplateVersions.isValid(node.textValue())) {
                fail(RejectReason.INVALID_FIELD, "TemplateVersion is not 1 to 4 dot-separated numbers of at most 6"
                        + " digits");
                return null;
            }
            return node.textValue();
        }

        String physicalId(JsonNode node) {
            if (!node.isTextual()) {
                fail(RejectReason.INVALID_FIELD, "PhysicalResourceId is not a string");
                return null;
            }
            String value = node.textValue();
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_PHYSICAL_ID_BYTES) {
                fail(RejectReason.FIELD_TOO_LONG, "PhysicalResourceId is longer than " + MAX_PHYSICAL_ID_BYTES
                        + " bytes");
                return null;
            }
            if (value.codePoints().anyMatch(Character::isISOControl)) {
                fail(RejectReason.INVALID_FIELD, "PhysicalResourceId has control characters");
                return null;
            }
            return value;
        }
    }
}
