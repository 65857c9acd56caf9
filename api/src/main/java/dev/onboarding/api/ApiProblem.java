package dev.onboarding.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An error the API answers as {@code application/problem+json} (RFC 9457): a {@code type} URI to switch on, a
 * {@code title}, the HTTP {@code status}, a {@code detail} for people and, where one field is at fault, its name
 * in {@code field} (a JSON member, a query parameter or a header).
 */
public final class ApiProblem extends RuntimeException {
    /** Prefix of every problem type this API answers with. */
    public static final String TYPE_PREFIX = "urn:onboarding:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final Optional<String> field;
    private final Map<String, Object> members;
    private final Map<String, String> headers;

    private ApiProblem(int status, String type, String title, String detail, Optional<String> field,
            Map<String, Object> members, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = TYPE_PREFIX + type;
        this.title = title;
        this.field = field;
        this.members = Map.copyOf(members);
        this.headers = Map.copyOf(headers);
    }

    /** 400: one field of the request is wrong. */
    public static ApiProblem invalid(String field, String detail) {
        return new ApiProblem(400, "invalid-request", "The request is invalid", detail, Optional.of(field), Map.of(),
                Map.of());
    }

    /** 401: the bearer token does not authenticate anyone. */
    public static ApiProblem unauthorized(String detail, boolean tokenPresent) {
        String challenge = tokenPresent ? "Bearer realm=\"onboarding\", error=\"invalid_token\""
                : "Bearer realm=\"onboarding\"";
        return new ApiProblem(401, "unauthorized", "Authentication required", detail, Optional.of("Authorization"),
                Map.of(), Map.of("WWW-Authenticate", challenge));
    }

    /** 403: the token lacks a scope. */
    public static ApiProblem forbidden(String scope) {
        return new ApiProblem(403, "insufficient-scope", "The token lacks a scope", "this needs the scope " + scope,
                Optional.of("Authorization"), Map.of("requiredScope", scope), Map.of("WWW-Authenticate",
                        "Bearer realm=\"onboarding\", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }

    /** 403: a browser origin that is not in {@code api.cors.allowed-origins}. */
    public static ApiProblem originNotAllowed() {
        return new ApiProblem(403, "origin-not-allowed", "Origin not allowed", "this origin may not call the API "
                + "from a browser", Optional.of("Origin"), Map.of(), Map.of());
    }

    /** 404: no such integration for this tenant (another tenant's is not found either). */
    public static ApiProblem notFound(String what) {
        return new ApiProblem(404, "not-found", "Not found", what + " does not exist", Optional.empty(), Map.of(),
                Map.of());
    }

    /** 405. */
    public static ApiProblem methodNotAllowed(String allowed) {
        return new ApiProblem(405, "method-not-allowed", "Method not allowed", "allowed: " + allowed,
                Optional.empty(), Map.of(), Map.of("Allow", allowed));
    }

    /** 409: the integration is not in a state that allows this. */
    public static ApiProblem conflict(String detail, Map<String, Object> members) {
        return new ApiProblem(409, "conflict", "Conflict with the integration's state", detail, Optional.empty(),
                members, Map.of());
    }

    /** 413. */
    public static ApiProblem tooLarge(long limit) {
        return new ApiProblem(413, "too-large", "The request body is too large", "at most " + limit + " bytes",
                Optional.empty(), Map.of(), Map.of());
    }

    /** 415. */
    public static ApiProblem unsupportedMediaType() {
        return new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                "send the body as application/json", Optional.of("Content-Type"), Map.of(), Map.of());
    }

    /** 422: a well-formed request the API cannot honour as asked. */
    public static ApiProblem unprocessable(String field, String detail, Map<String, Object> members) {
        return new ApiProblem(422, "unprocessable", "The request cannot be honoured", detail, Optional.of(field),
                members, Map.of());
    }

    /** 429: the tenant's rate limit. */
    public static ApiProblem tooManyRequests(long retryAfterSeconds) {
        return new ApiProblem(429, "rate-limited", "Too many requests", "this tenant's request rate is limited; "
                + "retry after " + retryAfterSeconds + " s", Optional.empty(), Map.of(),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** 429: too many open event streams and waiting polls (per tenant or per instance). */
    public static ApiProblem tooManyWatchers(String detail, long retryAfterSeconds) {
        return new ApiProblem(429, "too-many-watchers", "Too many open streams and waiting polls", detail
                + "; close one, or retry after " + retryAfterSeconds + " s", Optional.empty(), Map.of(),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** 503: not possible right now; retry. */
    public static ApiProblem unavailable(String detail, Map<String, Object> members) {
        return new ApiProblem(503, "unavailable", "Service unavailable", detail, Optional.empty(), members,
                Map.of("Retry-After", "1"));
    }

    /** 500: a failure of the API itself (details only in its log). */
    public static ApiProblem internal() {
        return new ApiProblem(500, "internal", "Internal error", "the API failed; see its log", Optional.empty(),
                Map.of(), Map.of());
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem type URI. */
    public String type() {
        return type;
    }

    /** Headers to send with it. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The problem document. */
    public ObjectNode toJson(String instance) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.put("title", title);
        node.put("status", status);
        node.put("detail", getMessage());
        node.put("instance", instance);
        field.ifPresent(f -> node.put("field", f));
        Map<String, Object> sorted = new LinkedHashMap<>(members);
        sorted.forEach((name, value) -> node.putPOJO(name, value));
        return node;
    }
}
