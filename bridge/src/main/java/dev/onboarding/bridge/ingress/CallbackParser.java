package dev.onboarding.bridge.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.bridge.ResponseUrlPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns one SQS message body into a validated callback or a rejection, and nothing else: pure, no I/O,
 * no exceptions for bad input. Every field is attacker-controlled (anyone can publish to the topic), so
 * it accepts only the shapes CloudFormation sends: an SNS notification envelope around the request
 * (raw delivery off, opened by {@link SnsEnvelope}) or the request itself (raw delivery on); the request
 * is then checked by {@link RequestValidator}. Rejection reasons name fields and limits, never the values
 * of the ResponseURL or the external ID.
 */
public final class CallbackParser {
    /** Largest body accepted; SQS's classic limit. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private final RequestValidator validator;
    private final ObjectMapper json;

    /**
     * A parser checking ResponseURLs with {@code policy}; requests that do not state a ServiceTimeout get
     * {@code defaultServiceTimeout}.
     */
    public CallbackParser(ResponseUrlPolicy policy, Duration defaultServiceTimeout) {
        this.validator = new RequestValidator(policy, defaultServiceTimeout);
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
        if (SnsEnvelope.isEnvelope(node)) {
            SnsEnvelope.Unwrapped unwrapped = SnsEnvelope.unwrap(node, this::readJson);
            if (unwrapped instanceof SnsEnvelope.Request request) {
                return validator.validate(request.request(), message, request.envelope());
            }
            return ((SnsEnvelope.Done) unwrapped).result();
        }
        if (RequestValidator.looksLikeRequest(node)) {
            return validator.validate(node, message, SnsEnvelope.NONE);
        }
        return reject(RejectReason.UNRECOGNIZED_FORMAT,
                "body is neither an SNS envelope nor a custom-resource request");
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

    private static Rejection reject(RejectReason code, String reason) {
        return new Rejection(code.name(), reason, Optional.empty());
    }
}
