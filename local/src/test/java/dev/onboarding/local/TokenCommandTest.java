package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.EndpointsFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local run serves the API with a dev token issuer, and {@code onboarding token} mints what it accepts:
 * {@code http.api.url} and the key in the endpoints file, the key files readable by their owner only, tokens per
 * tenant and scope, a clear error for a bad TTL or an endpoints file without the key.
 */
@ExtendWith(LocalSandbox.Extension.class)
class TokenCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalSandbox sandbox;
    private static URI api;

    @BeforeAll
    static void sandbox(LocalSandbox shared) {
        sandbox = shared;
        api = shared.endpoints().apiUrl();
    }

    @Test
    void theEndpointsFileNamesTheApiAndTheOwnerOnlyKeyFiles() throws Exception {
        EndpointsFile endpoints = sandbox.endpoints();
        assertThat(api.getHost()).isEqualTo("127.0.0.1");
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
        for (String key : new String[] {LocalRun.DEV_TOKEN_KEY_FILE, LocalRun.DEV_TOKEN_JWKS_FILE}) {
            Path file = Path.of(endpoints.require(key));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(key)
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aTokenActsForItsTenantOnly() throws Exception {
        String acme = token("--tenant", "acme-token-test");
        HttpResponse<String> created = send(HttpRequest.newBuilder(api.resolve("/v1/integrations"))
                .header("Authorization", "Bearer " + acme).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"From the token command\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("integrationId").asText();

        HttpResponse<String> read = get("/v1/integrations/" + id, acme);
        assertThat(read.statusCode()).isEqualTo(200);
        JsonNode state = JSON.readTree(read.body());
        assertThat(state.get("tenantId").asText()).isEqualTo("acme-token-test");

        String other = token("--tenant", "globex-token-test");
        assertThat(get("/v1/integrations/" + id, other).statusCode()).isEqualTo(404);
    }

    @Test
    void aTokenHasTheScopesAskedFor() throws Exception {
        String readOnly = token("--tenant", "acme-read-only", "--scope", "integrations:read", "--ttl", "5m");
        HttpResponse<String> create = send(HttpRequest.newBuilder(api.resolve("/v1/integrations"))
                .header("Authorization", "Bearer " + readOnly).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Not allowed\"}")));
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(get("/v1/integrations", readOnly).statusCode()).isEqualTo(200);
    }

    @Test
    void aBadTtlOrAMissingKeyIsOneClearError() throws Exception {
        CommandRun tooLong = CommandRun.of("token", "--tenant", "acme", "--ttl", "2d", "--endpoints-file",
                sandbox.endpointsFile().toString());
        assertThat(tooLong.exitCode()).isNotZero();
        assertThat(tooLong.err()).contains("--ttl must be more than 0 and at most 24h");

        Path stale = Files.writeString(sandbox.dir().resolve("stale-endpoints.properties"),
                "kafka.bootstrap.servers=127.0.0.1:1\n");
        CommandRun noKey = CommandRun.of("token", "--tenant", "acme", "--endpoints-file", stale.toString());
        assertThat(noKey.exitCode()).isNotZero();
        assertThat(noKey.err()).contains("has no " + LocalRun.DEV_TOKEN_KEY_FILE);
    }

    @Test
    void stoppingARunRemovesItsKeyFilesAndItsEndpointsFile() throws Exception {
        // A second run on the sandbox's registry (no second Apicurio to start).
        Path endpointsFile = sandbox.dir().resolve("second-run.properties");
        Path keyFile;
        Path jwksFile;
        try (LocalRun run = LocalRun.start(new LocalRun.Options(java.util.List.of(LocalSandbox.REGION),
                java.util.Optional.of(sandbox.endpoints().schemaRegistryUrl()), endpointsFile, 0),
                new ProgressLine(new java.io.PrintWriter(java.io.Writer.nullWriter())))) {
            EndpointsFile endpoints = EndpointsFile.read(endpointsFile);
            keyFile = Path.of(endpoints.require(LocalRun.DEV_TOKEN_KEY_FILE));
            jwksFile = Path.of(endpoints.require(LocalRun.DEV_TOKEN_JWKS_FILE));
            assertThat(keyFile).isRegularFile();
            assertThat(run.apiUrl().getHost()).isEqualTo("127.0.0.1");
        }
        assertThat(keyFile).doesNotExist();
        assertThat(jwksFile).doesNotExist();
        assertThat(endpointsFile).doesNotExist();
    }

    private static String token(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "token";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--endpoints-file";
        all[args.length + 2] = sandbox.endpointsFile().toString();
        CommandRun run = CommandRun.of(all);
        assertThat(run.exitCode()).as(run.err()).isZero();
        String token = run.out().strip();
        assertThat(token).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        return token;
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
