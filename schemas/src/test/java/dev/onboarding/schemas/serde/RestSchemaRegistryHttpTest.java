package dev.onboarding.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.onboarding.contract.CfnCallback;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the REST client puts on the wire and how it reports what comes back, against a small JDK HTTP
 * server that records each request: basic auth, TLS, timeouts, redirects and error bodies.
 */
class RestSchemaRegistryHttpTest {
    private static final Schema CALLBACK = CfnCallback.getClassSchema();
    private static final String SUBJECT = "onboarding.cfn-callbacks-value";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile int status = 200;
    private volatile String body = "{\"id\":42}";

    /** One request as the server saw it. */
    private record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/registry";
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
        byte[] answer = body.getBytes(StandardCharsets.UTF_8);
        if (status == 307) {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
        }
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private static RegistrySettings settings(String url, Optional<String> userInfo) {
        return new RegistrySettings(url, Duration.ofSeconds(2), Duration.ofSeconds(5), userInfo, Optional.empty(),
                true);
    }

    @Test
    void registersWithTheConfluentRequestShape() throws IOException {
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(startServer() + "/", Optional.empty()));

        assertThat(registry.register(SUBJECT, CALLBACK)).isEqualTo(42);

        Recorded request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/registry/subjects/onboarding.cfn-callbacks-value/versions");
        assertThat(request.header("Content-type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).contains("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Authorization")).isNull();
        JsonNode sent = JSON.readTree(request.body());
        assertThat(sent.get("schemaType").asText()).isEqualTo("AVRO");
        assertThat(new Schema.Parser().parse(sent.get("schema").asText())).isEqualTo(CALLBACK);

        Recorded compatibility = requests.get(1);
        assertThat(compatibility.method()).isEqualTo("PUT");
        assertThat(compatibility.path()).isEqualTo("/registry/config/onboarding.cfn-callbacks-value");
        assertThat(JSON.readTree(compatibility.body()).get("compatibility").asText()).isEqualTo("FULL");
        assertThat(requests).hasSize(2);
    }

    @Test
    void sendsBasicAuthWhenConfiguredAndNeverPrintsIt() throws IOException {
        RegistrySettings withAuth = settings(startServer(), Optional.of("svc-onboarding:s3cr:et"));
        RestSchemaRegistry registry = new RestSchemaRegistry(withAuth);

        registry.register(SUBJECT, CALLBACK);
        status = 401;
        body = "{\"error_code\":40101,\"message\":\"Unauthorized\"}";
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> registry.schemaById(7));

        String expected = "Basic " + Base64.getEncoder()
                .encodeToString("svc-onboarding:s3cr:et".getBytes(StandardCharsets.UTF_8));
        // register, its compatibility call, and the refused fetch: every one authenticated
        assertThat(requests).extracting(r -> r.header("Authorization")).containsExactly(expected, expected, expected);
        assertThat(refused).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 401 (error 40101) Unauthorized")
                .hasMessageNotContaining("s3cr");
        assertThat(withAuth.toString()).doesNotContain("s3cr").contains("basicAuth=true");
    }

    @Test
    void fetchesASchemaByIdWithAGet() throws IOException {
        body = JSON.createObjectNode().put("schema", CALLBACK.toString()).toString();
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(startServer(), Optional.empty()));

        assertThat(registry.schemaById(42)).isEqualTo(CALLBACK);
        assertThat(registry.schemaById(42)).isEqualTo(CALLBACK);

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).method()).isEqualTo("GET");
        assertThat(requests.get(0).path()).isEqualTo("/registry/schemas/ids/42");
    }

    @Test
    void reportsConfluentErrorBodiesWithSubjectUrlAndStatus() throws IOException {
        String url = startServer();
        status = 422;
        body = "{\"error_code\":42201,\"message\":\"Either the input schema or one of its references is invalid\"}";
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(url, Optional.empty()));

        assertThatThrownBy(() -> registry.register(SUBJECT, CALLBACK))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry at " + url + " refused to register a schema under subject " + SUBJECT
                        + ": HTTP 422 (error 42201) Either the input schema or one of its references is invalid")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(422));
    }

    @Test
    void reportsAnHtmlErrorPageShortened() throws IOException {
        String url = startServer();
        status = 502;
        body = "<html>" + "bad gateway ".repeat(100) + "</html>";
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(url, Optional.empty()));

        assertThatThrownBy(() -> registry.register(SUBJECT, CALLBACK))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 502 <html>bad gateway")
                .hasMessageEndingWith("...")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }

    @Test
    void refusesAnswersWithoutAnIdOrJson() throws IOException {
        String url = startServer();
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(url, Optional.empty()));
        body = "{\"version\":1}";
        assertThatThrownBy(() -> registry.register(SUBJECT, CALLBACK))
                .hasMessage("registry at " + url + " answered subject " + SUBJECT + " without an id");
        body = "<html>ok</html>";
        assertThatThrownBy(() -> registry.register(SUBJECT, CALLBACK))
                .hasMessageContaining("answered non-JSON while trying to register a schema under subject " + SUBJECT);
        body = "{\"schema\":\"{not avro\"}";
        assertThatThrownBy(() -> registry.schemaById(3))
                .hasMessage("registry at " + url + " returned an unparseable schema for id 3");
    }

    @Test
    void doesNotFollowRedirects() throws IOException {
        String url = startServer();
        status = 307;
        body = "";
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(url, Optional.empty()));

        assertThatThrownBy(() -> registry.register(SUBJECT, CALLBACK)).hasMessageContaining("HTTP 307");
        assertThat(requests).hasSize(1);
    }

    @Test
    void aRegistryThatNeverAnswersTimesOut() throws IOException {
        // Connections land in the backlog of a socket nobody accepts on: connected, never answered.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            RestSchemaRegistry registry = new RestSchemaRegistry(new RegistrySettings(url, Duration.ofMillis(500),
                    Duration.ofMillis(500), Optional.empty(), Optional.empty(), true));

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                    () -> registry.register(SUBJECT, CALLBACK))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("schema registry at " + url + " is unreachable: could not register")
                    .hasMessageContaining("timed out"));
        }
    }

    @Test
    void aClosedPortIsReportedWithTheReason() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        RestSchemaRegistry registry = new RestSchemaRegistry(settings(url, Optional.empty()));

        assertThatThrownBy(() -> registry.register(SUBJECT, CALLBACK))
                .hasMessageStartingWith("schema registry at " + url + " is unreachable: could not register a schema "
                        + "under subject " + SUBJECT + " (ConnectException")
                .hasMessageNotContaining("null");
    }

    @Test
    void trustsARegistryCertificateFromTheConfiguredTrustStore(@TempDir Path dir) throws Exception {
        char[] password = "changeit".toCharArray();
        Path serverKeys = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", serverKeys.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverKeys)) {
            keys.load(in, password);
        }
        Path trustFile = dir.resolve("trust.p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, password);
        trust.setCertificateEntry("registry", keys.getCertificate("registry"));
        try (OutputStream out = Files.newOutputStream(trustFile)) {
            trust.store(out, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/", this::answer);
        https.start();
        server = https;
        String url = "https://127.0.0.1:" + https.getAddress().getPort();

        RestSchemaRegistry trusting = new RestSchemaRegistry(new RegistrySettings(url, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Optional.empty(),
                Optional.of(new RegistrySettings.TrustStore(trustFile.toString(), "changeit", "PKCS12")), true));
        RestSchemaRegistry defaultTrust = new RestSchemaRegistry(settings(url, Optional.empty()));

        assertThat(trusting.register(SUBJECT, CALLBACK)).isEqualTo(42);
        assertThatThrownBy(() -> defaultTrust.register(SUBJECT, CALLBACK))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("is unreachable")
                .hasMessageContaining("SSLHandshakeException");
    }

    @Test
    void aMissingTrustStoreIsNamed() {
        RegistrySettings settings = new RegistrySettings("https://127.0.0.1:1", Duration.ofSeconds(1),
                Duration.ofSeconds(1), Optional.empty(),
                Optional.of(new RegistrySettings.TrustStore("/nonexistent/trust.p12", "pw", "PKCS12")), true);

        assertThatThrownBy(() -> new RestSchemaRegistry(settings))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("cannot load schema registry trust store /nonexistent/trust.p12");
    }
}
