package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.embedded.DevTokenIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sandbox's routes on the local API answer the page served there and nothing else: a foreign {@code Host} (a
 * DNS-rebinding page), a foreign {@code Origin} or a cross-site fetch is refused, a body that is not JSON too, and no
 * CORS header is ever sent; "Simulate the stack here" acts only on the caller's own PENDING integration.
 */
@ExtendWith(LocalSandbox.Extension.class)
class SandboxPageRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static URI api;
    private static LocalSandbox sandbox;

    @BeforeAll
    static void sandbox(LocalSandbox shared) {
        sandbox = shared;
        api = shared.run().apiUrl();
    }

    private record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    @Test
    void theTenantPickersTokenIsAcceptedByTheApi() throws Exception {
        Answer token = post("/local/token", ownHost(), Map.of("Origin", "http://" + ownHost(), "Sec-Fetch-Site",
                "same-origin"), "{\"tenant\":\"globex\"}");

        assertThat(token.status()).isEqualTo(200);
        assertThat(token.headers()).doesNotContainKey("access-control-allow-origin");
        String accessToken = token.json().get("accessToken").asText();
        Answer list = request("GET", "/v1/integrations", ownHost(), Map.of("Authorization", "Bearer " + accessToken),
                null);
        assertThat(list.status()).isEqualTo(200);
    }

    @Test
    void requestsThatAreNotThePageItselfAreRefused() throws Exception {
        String body = "{\"tenant\":\"acme\"}";
        int port = api.getPort();
        assertThat(post("/local/token", "rebound.attacker.example:" + port, Map.of(), body).status())
                .as("a DNS-rebinding page's Host").isEqualTo(403);
        assertThat(post("/local/token", "127.0.0.1:" + (port + 1), Map.of(), body).status())
                .as("another port").isEqualTo(403);
        assertThat(post("/local/token", ownHost(), Map.of("Origin", "https://attacker.example"), body).status())
                .as("another origin").isEqualTo(403);
        assertThat(post("/local/token", ownHost(), Map.of("Sec-Fetch-Site", "cross-site"), body).status())
                .as("a cross-site fetch").isEqualTo(403);
        assertThat(request("POST", "/local/token", ownHost(), Map.of("Content-Type", "text/plain"), body).status())
                .as("a simple (form-like) request").isEqualTo(415);
        assertThat(post("/local/token", "localhost:" + port, Map.of(), "{\"tenant\":\"Not A Tenant!\"}").status())
                .isEqualTo(400);
        Answer preflight = request("OPTIONS", "/local/token", ownHost(), Map.of("Origin", "https://attacker.example",
                "Access-Control-Request-Method", "POST"), null);
        assertThat(preflight.headers()).doesNotContainKey("access-control-allow-origin");
    }

    @Test
    void theSimulatedStackIsLaunchedOnlyForTheCallersOwnPendingIntegration() throws Exception {
        DevTokenIssuer issuer = DevTokenIssuer.load(Path.of(sandbox.endpoints().require(LocalRun.DEV_TOKEN_KEY_FILE)),
                Path.of(sandbox.endpoints().require(LocalRun.DEV_TOKEN_JWKS_FILE)));
        String owner = issuer.mint("sandbox-owner", DevTokenIssuer.ALL_SCOPES, Duration.ofMinutes(5));
        String stranger = issuer.mint("sandbox-stranger", DevTokenIssuer.ALL_SCOPES, Duration.ofMinutes(5));
        Answer created = request("POST", "/v1/integrations", ownHost(), Map.of("Authorization", "Bearer " + owner,
                "Content-Type", "application/json"), "{\"name\":\"Simulated\"}");
        String id = created.json().get("integrationId").asText();
        String path = "/local/integrations/" + id + "/simulate-stack";
        String stack = "{\"accountId\":\"" + SecurityStack.newAccount() + "\",\"region\":\"" + LocalSandbox.REGION
                + "\"}";

        assertThat(post(path, ownHost(), Map.of("Authorization", "Bearer " + stranger), stack).status())
                .isEqualTo(404);
        assertThat(post(path, ownHost(), Map.of(), stack).status()).isEqualTo(401);
        assertThat(post(path, ownHost(), Map.of("Authorization", "Bearer " + owner), "{\"accountId\":\"12\"}")
                .json().get("field").asText()).isEqualTo("accountId");
        Answer launched = post(path, ownHost(), Map.of("Authorization", "Bearer " + owner), stack);
        assertThat(launched.status()).isEqualTo(202);
        assertThat(launched.json().get("requestId").asText()).isNotBlank();
    }

    private static String ownHost() {
        return "127.0.0.1:" + api.getPort();
    }

    private static Answer post(String path, String host, Map<String, String> headers, String body) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return request("POST", path, host, all, body);
    }

    /** One HTTP/1.1 request over a plain socket: the JDK's client will not send a Host of the test's choosing. */
    private static Answer request(String method, String path, String host, Map<String, String> headers, String body)
            throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\nContent-Length: " + payload.length + "\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        try (Socket socket = new Socket(api.getHost(), api.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String[] lines = response.substring(0, split).split("\r\n");
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            for (int n = 1; n < lines.length; n++) {
                int colon = lines[n].indexOf(':');
                answerHeaders.put(lines[n].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        lines[n].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders,
                    response.substring(split + 4));
        }
    }
}
