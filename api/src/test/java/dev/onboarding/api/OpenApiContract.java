package dev.onboarding.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI document, read by a real OpenAPI parser (swagger-parser), and the check that a response the
 * tests received is one it documents: the operation exists, the status is listed, the content type is the listed
 * one, and the body validates against the listed schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiContract INSTANCE = load();

    private final OpenAPI model;
    private final JsonNode document;
    private final JsonNode schemas;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final SchemaValidatorsConfig validation = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();

    private OpenApiContract(OpenAPI model, JsonNode document) {
        this.model = model;
        this.document = document;
        this.schemas = rewriteRefs(document.path("components").path("schemas"));
    }

    /** The document served at {@code /v1/openapi.json}, parsed. */
    static OpenApiContract get() {
        return INSTANCE;
    }

    private static OpenApiContract load() {
        String text = new String(ApiRoutes.openApiDocument(), StandardCharsets.UTF_8);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        if (result.getOpenAPI() == null || (result.getMessages() != null && !result.getMessages().isEmpty())) {
            throw new AssertionError("the OpenAPI document does not parse cleanly: " + result.getMessages());
        }
        try {
            return new OpenApiContract(result.getOpenAPI(), JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed model. */
    OpenAPI model() {
        return model;
    }

    /**
     * Fails when the document does not describe this response.
     *
     * @param method the request's method
     * @param path the request's path (without the query)
     * @param status the response's status
     * @param contentType the response's content type, or null
     * @param body the response's body
     */
    void check(String method, String path, int status, String contentType, String body) {
        Optional<String> template = templateOf(path);
        if (template.isEmpty() || !document.path("paths").path(template.get()).has(method.toLowerCase(Locale.ROOT))) {
            // Undocumented routes and methods are refused as problems.
            if (status != 404 && status != 405) {
                throw new AssertionError(method + " " + path + " is not documented but answered " + status);
            }
            validate(schemaRef("Problem"), contentType, "application/problem+json", body, method + " " + path);
            return;
        }
        JsonNode operation = document.path("paths").path(template.get()).path(method.toLowerCase(Locale.ROOT));
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            throw new AssertionError(method + " " + template.get() + " does not document status " + status
                    + " (body: " + body + ")");
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode()) {
            return;
        }
        String actual = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        String mediaType = content.has(actual) ? actual : content.fieldNames().next();
        validate(content.path(mediaType).path("schema"), contentType, mediaType, body, method + " " + template.get()
                + " " + status);
    }

    /** Fails when {@code json} does not validate against the document's schema {@code name}. */
    void checkSchema(String name, String json) {
        validate(schemaRef(name), "application/json", "application/json", json, "schema " + name);
    }

    private void validate(JsonNode schema, String contentType, String expectedType, String body, String what) {
        String actualType = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (!actualType.equals(expectedType)) {
            throw new AssertionError(what + " answered " + actualType + ", documented " + expectedType);
        }
        if (!expectedType.endsWith("json")) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", schemas);
        root.set("allOf", JSON.createArrayNode().add(rewriteRefs(schema)));
        JsonSchema validator = factory.getSchema(root, validation);
        Set<ValidationMessage> errors;
        try {
            errors = validator.validate(JSON.readTree(body));
        } catch (IOException e) {
            throw new AssertionError(what + " answered a body that is not JSON: " + body);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(what + " answered a body its schema refuses: " + errors + "\nbody: " + body);
        }
    }

    private Optional<String> templateOf(String path) {
        for (Iterator<String> it = document.path("paths").fieldNames(); it.hasNext();) {
            String template = it.next();
            String regex = "\\Q" + template.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
            if (Pattern.matches(regex, path)) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    private JsonNode resolve(JsonNode node) {
        if (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            JsonNode target = document.at(ref.substring(1));
            return resolve(target);
        }
        return node;
    }

    private static JsonNode schemaRef(String name) {
        return JSON.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    private static JsonNode rewriteRefs(JsonNode node) {
        try {
            return JSON.readTree(JSON.writeValueAsString(node).replace("#/components/schemas/", "#/$defs/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every documented operation as {@code METHOD /path}. */
    Set<String> operations() {
        Set<String> out = new java.util.TreeSet<>();
        for (Map.Entry<String, io.swagger.v3.oas.models.PathItem> path : model.getPaths().entrySet()) {
            path.getValue().readOperationsMap().keySet().forEach(m -> out.add(m.name() + " " + path.getKey()));
        }
        return out;
    }
}
