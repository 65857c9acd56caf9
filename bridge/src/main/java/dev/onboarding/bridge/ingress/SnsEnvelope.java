package dev.onboarding.bridge.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The SNS notification envelope around a custom-resource request (raw message delivery off), and what
 * the bridge keeps of it. The envelope is attacker-controlled like the rest: its metadata is kept only
 * when it is short printable ASCII, and subscription notices are reported, never followed.
 *
 * @param topicArn the TopicArn, when readable
 * @param messageId the SNS MessageId, when readable
 * @param timestamp when SNS accepted the publish, when readable
 */
record SnsEnvelope(Optional<String> topicArn, Optional<String> messageId, Optional<Instant> timestamp) {
    /** Longest envelope metadata value kept. */
    static final int MAX_FIELD = 256;
    /** The request arrived without an envelope (raw message delivery on). */
    static final SnsEnvelope NONE = new SnsEnvelope(Optional.empty(), Optional.empty(), Optional.empty());

    /** What unwrapping gave: the request inside, or the end of parsing (a notice or a rejection). */
    sealed interface Unwrapped {
    }

    /** A Notification carrying a request: validate {@code request}. */
    record Request(JsonNode request, SnsEnvelope envelope) implements Unwrapped {
    }

    /** Nothing to validate: {@code result} is what the message is. */
    record Done(ParseResult result) implements Unwrapped {
    }

    /** Whether a JSON object is an envelope rather than a request (a request has no {@code Type}). */
    static boolean isEnvelope(JsonNode node) {
        return node.has("Type") && !node.has("RequestType");
    }

    /**
     * Opens an envelope: a Notification gives the request inside, read with {@code readJson} (empty when not
     * JSON within the parser's limits); a subscription notice or anything else ends parsing.
     */
    static Unwrapped unwrap(JsonNode envelope, Function<String, Optional<JsonNode>> readJson) {
        JsonNode typeNode = envelope.get("Type");
        if (!typeNode.isTextual()) {
            return reject(RejectReason.INVALID_FIELD, "SNS Type is not a string");
        }
        Optional<String> topicArn = metadata(envelope, "TopicArn");
        String type = typeNode.textValue();
        switch (type) {
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> {
                return new Done(new SubscriptionNotice(type, topicArn));
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
        Optional<JsonNode> request = readJson.apply(inner.textValue());
        if (request.isEmpty()) {
            return reject(RejectReason.MALFORMED_JSON, "SNS Message is not JSON within the accepted limits");
        }
        if (!request.get().isObject() || !RequestValidator.looksLikeRequest(request.get())) {
            return reject(RejectReason.UNRECOGNIZED_FORMAT, "SNS Message is not a custom-resource request");
        }
        Optional<Instant> timestamp = metadata(envelope, "Timestamp").flatMap(SnsEnvelope::instant);
        return new Request(request.get(),
                new SnsEnvelope(topicArn, metadata(envelope, "MessageId"), timestamp));
    }

    private static Optional<String> metadata(JsonNode envelope, String field) {
        JsonNode value = envelope.get(field);
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        return RequestValidator.isAscii(value.textValue(), MAX_FIELD) ? Optional.of(value.textValue())
                : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static Done reject(RejectReason code, String reason) {
        return new Done(new Rejection(code.name(), reason, Optional.empty()));
    }
}
