package dev.onboarding.bridge.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.bridge.ingress.Rejection.AnswerableRequest;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.TemplateVersions;
import dev.onboarding.schemas.answers.CloudFormationAnswers;
import dev.onboarding.schemas.answers.RequestToAnswer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one custom-resource request, raw or taken out of its {@link SnsEnvelope}, against the shapes
 * CloudFormation sends, and builds the callback from it; the first failed check makes the rejection,
 * answerable when the ids and the ResponseURL are usable. Pure, no I/O, no exceptions for bad input.
 * Rejection reasons name fields and limits, never the values of the ResponseURL or the external ID.
 */
final class RequestValidator {
    static final int MAX_REQUEST_ID = 128;
    static final int MAX_STACK_ID = 512;
    static final int MAX_LOGICAL_ID = 255;
    static final int MAX_RESOURCE_TYPE = 256;
    static final int MAX_PHYSICAL_ID_BYTES = 1024;
    private static final int MAX_SERVICE_TIMEOUT_SECONDS = 3600;

    private static final Pattern STACK_ARN = Pattern.compile(
            "arn:([a-z-]+):cloudformation:([a-z0-9-]+):(\\d{12}):stack/[A-Za-z][A-Za-z0-9-]{0,127}/[A-Za-z0-9-]{1,64}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7e]+");

    private final ResponseUrlPolicy policy;
    private final int defaultServiceTimeoutSeconds;

    /**
     * A validator checking ResponseURLs with {@code policy}; requests that do not state a ServiceTimeout
     * get {@code defaultServiceTimeout}.
     */
    RequestValidator(ResponseUrlPolicy policy, Duration defaultServiceTimeout) {
        this.policy = policy;
        this.defaultServiceTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, defaultServiceTimeout.toSeconds());
    }

    /** Validates {@code request}, which arrived in {@code message} inside {@code envelope}. */
    ParseResult validate(JsonNode request, QueueMessage message, SnsEnvelope envelope) {
        Instant sentAt = sentAt(message, envelope);
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
                .setSnsTopicArn(envelope.topicArn().orElse(null))
                .setSnsMessageId(envelope.messageId().orElse(null))
                .setSqsMessageId(message.messageId())
                .setSourceQueueRegion(message.region())
                .setSentAt(sentAt)
                .setReceivedAt(message.receivedAt())
                .setServiceTimeoutSeconds(serviceTimeout)
                .setRoleVerification(notRequired())
                .setTemplateVersion(templateVersion)
                .build();
        return new ParsedCallback(callback);
    }

    /** The verification the ingress writes: none (the processor asks the verifier once it knows the external ID). */
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
    /**
     * When CloudFormation sent the request, which sets the answer's deadline: SQS's SentTimestamp (the queue's
     * own clock), or the envelope's Timestamp when that is earlier. The envelope is message body, which anyone
     * can write (a raw-delivery body shaped like an envelope too), so it may only bring the deadline forward.
     */
    static Instant sentAt(QueueMessage message, SnsEnvelope envelope) {
        Instant queued = message.sentAt().orElse(message.receivedAt());
        return envelope.timestamp().filter(published -> published.isBefore(queued)).orElse(queued);
    }

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
        RequestType type = textOf(request, "RequestType").map(RequestValidator::requestType)
                .orElse(RequestType.UNKNOWN);
        Optional<String> physicalId = textOf(request, "PhysicalResourceId").filter(RequestValidator::isPhysicalId);
        return Optional.of(new AnswerableRequest(type, new RequestToAnswer(requestId.get(), url.get(), stackId.get(),
                logicalId.get(), CloudFormationAnswers.deadline(sentAt, serviceTimeout)), physicalId));
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

    /** Any of the request's own fields: enough to validate it, and maybe to answer it, as a request. */
    static boolean looksLikeRequest(JsonNode node) {
        return node.has("RequestType") || node.has("RequestId") || node.has("StackId") || node.has("ResponseURL");
    }

    private static Optional<String> textOf(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static RequestType requestType(String value) {
        return switch (value) {
            case "Create" -> RequestType.CREATE;
            case "Update" -> RequestType.UPDATE;
            case "Delete" -> RequestType.DELETE;
            default -> RequestType.UNKNOWN;
        };
    }

    /** Printable ASCII, not blank, at most {@code maxLength} characters. */
    static boolean isAscii(String value, int maxLength) {
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
            RequestType type = node.isTextual() ? RequestValidator.requestType(node.textValue()) : RequestType.UNKNOWN;
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
