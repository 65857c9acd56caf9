package dev.onboarding.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (also served by Apicurio under
 * {@code /apis/ccompat/v7}). Confluent's own client is not available to this project, so this one
 * covers exactly what the serdes need: register, look up, and fetch by id, with caches so that a
 * steady stream of records costs no registry calls.
 */
public final class RestSchemaRegistry implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** The compatibility level every subject of the project is held to (see README, schema evolution). */
    public static final String COMPATIBILITY = "FULL";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private final String baseUrl;
    private final HttpClient http;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final AtomicLong requestsSent = new AtomicLong();

    /** A client for the registry the settings name. */
    public RestSchemaRegistry(RegistrySettings settings) {
        this.settings = settings;
        this.baseUrl = settings.url().endsWith("/") ? settings.url().substring(0, settings.url().length() - 1)
                : settings.url();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        settings.trustStore().ifPresent(ts -> builder.sslContext(sslContext(ts)));
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                    "register a schema under subject " + subject);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            // Apicurio answers 409 to the loser of two concurrent first registrations of a subject, although the
            // schema is then there: look it up. An incompatible schema (Confluent's 409) is not found: the 409 stands.
            try {
                return idOf(subject, schema);
            } catch (SchemaRegistryException notThere) {
                e.addSuppressed(notThere);
                throw e;
            }
        }
        int id = requireId(answer, subject);
        requireFullCompatibility(subject);
        remember(subject, schema, id);
        return id;
    }

    /**
     * Tells the registry to enforce FULL compatibility on {@code subject}: old readers read new data and new
     * readers read old data, whatever the registry's global default. Sent after the registration, because some
     * registries (Apicurio) know a subject's config only once it exists; idempotent, so every process sends it
     * once per subject it registers.
     */
    private void requireFullCompatibility(String subject) {
        String body = "{\"compatibility\":\"" + COMPATIBILITY + "\"}";
        String what = "require " + COMPATIBILITY + " compatibility on subject " + subject;
        try {
            send("PUT", "/config/" + encode(subject), body, what);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            // Apicurio answers 409 ("rule already exists") to the loser of two processes creating the subject's
            // rule at once; with the rule there, the same PUT updates it.
            send("PUT", "/config/" + encode(subject), body, what);
        }
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "look up a schema under subject " + subject);
        int id = requireId(answer, subject);
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("registry at " + baseUrl + " answered schema id " + id
                    + " without a schema", 200, null);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text.asText());
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("registry at " + baseUrl + " returned an unparseable schema for id " + id,
                    200, e);
        }
        schemasById.putIfAbsent(id, schema);
        return schemasById.get(id);
    }

    @Override
    public String url() {
        return baseUrl;
    }

    /** HTTP requests sent so far (what the caches saved is visible here). */
    public long requestsSent() {
        return requestsSent.get();
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private int requireId(JsonNode answer, String subject) {
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("registry at " + baseUrl + " answered subject " + subject
                    + " without an id", 200, null);
        }
        return id.asInt();
    }

    private JsonNode send(String method, String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(settings.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        settings.basicAuthUserInfo().ifPresent(userInfo -> request.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8))));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        requestsSent.incrementAndGet();
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " is unreachable: could not " + what
                    + " (" + describe(e) + ")", -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while trying to " + what + " at " + baseUrl, -1, e);
        }
        if (response.statusCode() >= 300) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " refused to " + what + ": HTTP "
                    + response.statusCode() + " " + errorMessage(response.body()), response.statusCode(), null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " answered non-JSON while trying to "
                    + what, response.statusCode(), e);
        }
    }

    /** The exception's type and the first message in its cause chain (the JDK's ConnectException has none). */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String errorMessage(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode message = node.get("message");
            if (message != null) {
                JsonNode code = node.get("error_code");
                return (code == null ? "" : "(error " + code.asText() + ") ") + message.asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through to the raw body
        }
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schemaType", "AVRO").put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static SSLContext sslContext(RegistrySettings.TrustStore trustStore) {
        try (InputStream in = Files.newInputStream(Path.of(trustStore.path()))) {
            KeyStore ks = KeyStore.getInstance(trustStore.type());
            ks.load(in, trustStore.password().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new SchemaRegistryException("cannot load schema registry trust store " + trustStore.path() + ": "
                    + e.getMessage(), -1, e);
        }
    }
}
