package dev.onboarding.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JWK set fetched from an https URL (a real TLS server with a certificate made by the JDK's keytool, trusted
 * through {@code api.auth.jwks-truststore.*}): RSA keys verify, the key's algorithm rules, and a token with an
 * unknown kid refetches the set at most once per interval however many such tokens arrive.
 */
class JwksOverHttpsTest {
    private static final String ISSUER = "https://issuer.example.com";
    private static final String AUDIENCE = "onboarding-api";

    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static final AtomicInteger FETCHES = new AtomicInteger();
    private static final AtomicReference<String> SERVED = new AtomicReference<>();
    private static Path trustStore;
    private static RSAKey first;
    private static RSAKey second;

    @BeforeAll
    static void serveJwks() throws Exception {
        Path keyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "jwks", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-alias", "jwks", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-file", dir.resolve("server.cer").toString());
        keytool("-importcert", "-noprompt", "-alias", "jwks", "-file", dir.resolve("server.cer").toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/jwks.json", exchange -> {
            FETCHES.incrementAndGet();
            byte[] body = SERVED.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        first = new RSAKeyGenerator(2048).keyID("first").algorithm(JWSAlgorithm.RS256).generate();
        second = new RSAKeyGenerator(2048).keyID("second").generate();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void anUnknownKidRefetchesAtMostOncePerIntervalAndRotatedKeysThenVerify() throws Exception {
        SERVED.set(new JWKSet(List.of(first.toPublicJWK())).toString());
        FETCHES.set(0);
        AuthConfig config = config(Duration.ofSeconds(3));
        try (JwksKeys keys = JwksKeys.from(config)) {
            AccessTokens tokens = new AccessTokens(config, keys);
            assertThat(tokens.verify(bearer(first, JWSAlgorithm.RS256)).tenantId()).isEqualTo("t1");
            assertThat(FETCHES.get()).isEqualTo(1);

            // The issuer rotates; tokens with the new kid (and forged ones) arrive at once: no refetch yet.
            SERVED.set(new JWKSet(List.<JWK>of(first.toPublicJWK(), second.toPublicJWK())).toString());
            List<String> refused = new ArrayList<>();
            for (int n = 0; n < 20; n++) {
                try {
                    tokens.verify(bearer(second, JWSAlgorithm.RS256));
                } catch (InvalidToken e) {
                    refused.add(e.reason());
                }
            }
            assertThat(refused).hasSize(20).containsOnly("unknown_key");
            assertThat(FETCHES.get()).isEqualTo(1);

            // Once the interval has passed, the next unknown kid fetches once, and the new key verifies.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    return tokens.verify(bearer(second, JWSAlgorithm.RS256)).tenantId().equals("t1");
                } catch (InvalidToken e) {
                    return false;
                }
            });
            assertThat(FETCHES.get()).isEqualTo(2);
            RSAKey forged = new RSAKeyGenerator(2048).generate();
            for (int n = 0; n < 20; n++) {
                try {
                    tokens.verify(bearer(new RSAKey.Builder(forged).keyID("forged-" + n).build(), JWSAlgorithm.RS256));
                } catch (InvalidToken e) {
                    assertThat(e.reason()).isEqualTo("unknown_key");
                }
            }
            assertThat(FETCHES.get()).as("forged kids within the interval").isEqualTo(2);
        }
    }

    @Test
    void theAlgorithmIsTheKeysNotTheTokens() throws Exception {
        SERVED.set(new JWKSet(List.of(first.toPublicJWK())).toString());
        AuthConfig config = config(Duration.ofMinutes(1));
        try (JwksKeys keys = JwksKeys.from(config)) {
            AccessTokens tokens = new AccessTokens(config, keys);
            // The key says RS256: a PS256 signature by the same key is refused.
            assertThatThrownBy(() -> tokens.verify(bearer(first, JWSAlgorithm.PS256)))
                    .isInstanceOf(InvalidToken.class).extracting(e -> ((InvalidToken) e).reason())
                    .isEqualTo("signature");
        }
    }

    @Test
    void theJwksUrlMustBeHttpsAndDefaultsFollowTheRules() {
        assertThatThrownBy(() -> AuthConfig.from(Settings.of(Map.of("api.auth.jwks-url", "http://issuer/jwks.json",
                "api.auth.issuer", ISSUER, "api.auth.audience", AUDIENCE))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("api.auth.jwks-url")
                .hasMessageContaining("https");
        assertThatThrownBy(() -> AuthConfig.from(Settings.of(Map.of("api.auth.issuer", ISSUER,
                "api.auth.audience", AUDIENCE)))).hasMessageContaining("api.auth.jwks-url");
        AuthConfig defaults = AuthConfig.from(Settings.of(Map.of("api.auth.jwks-url", "https://issuer/jwks.json",
                "api.auth.issuer", ISSUER, "api.auth.audience", AUDIENCE)));
        assertThat(defaults.minRefetchInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.tenantClaim()).isEqualTo("tenant");
    }

    private static AuthConfig config(Duration minRefetch) {
        return AuthConfig.from(Settings.of(Map.of(
                "api.auth.jwks-url", "https://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json",
                "api.auth.jwks-truststore.location", trustStore.toString(),
                "api.auth.jwks-truststore.password", "changeit",
                "api.auth.issuer", ISSUER,
                "api.auth.audience", AUDIENCE,
                "api.auth.jwks-min-refetch-interval", minRefetch.toMillis() + "ms")));
    }

    private static String bearer(RSAKey key, JWSAlgorithm alg) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).claim("tenant", "t1")
                .claim("scope", "integrations:read").expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return "Bearer " + jwt.serialize();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
