package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.onboarding.embedded.DevTokenIssuer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a bearer token can fail is a 401 (problem+json with a Bearer challenge), over real HTTP with real keys:
 * none, expired, not yet valid, wrong issuer or audience, {@code alg: none}, HMAC signed with the public key, a
 * foreign {@code jku}/{@code x5u}/{@code jwk}, a tampered signature, an oversized token, a bad tenant claim.
 */
class ApiAuthTest {
    private static ApiStack stack;
    private static ApiClient client;
    private static String tenant;

    @BeforeAll
    static void start() {
        stack = new ApiStack();
        client = ApiStack.client(stack.start());
        tenant = ApiStack.newTenant("auth");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void everyBadTokenIs401() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(stack.issuer.signingKey().getKeyID()).generate();
        ECKey attackerOwnKid = new ECKeyGenerator(Curve.P_256).keyID("attacker-key").generate();
        Instant now = Instant.now();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", sign(claims().expirationTime(Date.from(now.minusSeconds(120))).build()));
        tokens.put("not yet valid", sign(claims().notBeforeTime(Date.from(now.plusSeconds(300))).build()));
        tokens.put("wrong issuer", sign(claims().issuer("https://someone-else.example.com").build()));
        tokens.put("wrong audience", sign(claims().audience("another-api").build()));
        tokens.put("no exp", sign(claims().expirationTime(null).build()));
        tokens.put("no tenant", sign(claims().claim("tenant", null).build()));
        tokens.put("empty tenant", sign(claims().claim("tenant", "").build()));
        tokens.put("tenant not a string", sign(claims().claim("tenant", List.of("a", "b")).build()));
        tokens.put("alg none", Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                + Base64URL.encode(claims().build().toString()) + ".");
        tokens.put("HMAC with the public key", hmacWithPublicKey());
        tokens.put("foreign jku and x5u", signWith(attackerOwnKid, new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(attackerOwnKid.getKeyID()).jwkURL(URI.create("https://attacker.example.net/jwks.json"))
                .x509CertURL(URI.create("https://attacker.example.net/cert.pem")).build()));
        tokens.put("embedded jwk under the issuer's kid", signWith(attacker, new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(attacker.getKeyID()).jwk(attacker.toPublicJWK()).build()));
        tokens.put("tampered signature", tamper(stack.token(tenant)));
        tokens.put("oversized", sign(claims().claim("padding", "x".repeat(9 * 1024)).build()));
        tokens.put("garbage", "not-a-jwt");

        tokens.forEach((what, token) -> {
            ApiClient.Response response = client.get("/v1/integrations", token);
            assertThat(response.status()).as(what).isEqualTo(401);
            assertThat(response.contentType()).as(what).startsWith("application/problem+json");
            assertThat(response.header("WWW-Authenticate").orElseThrow()).as(what)
                    .startsWith("Bearer realm=\"onboarding\"").contains("invalid_token");
            assertThat(response.body()).as(what).doesNotContain(token.length() > 20 ? token.substring(0, 20) : token);
        });
        ApiClient.Response post = client.post("/v1/integrations", tokens.get("expired"), "{\"name\":\"x\"}");
        assertThat(post.status()).isEqualTo(401);
        assertThat(client.get("/metrics", null).body()).contains("api_auth_failures_total{reason=\"claims\"}")
                .contains("api_auth_failures_total{reason=\"too_large\"}")
                .contains("api_auth_failures_total{reason=\"signature\"}");
    }

    @Test
    void noTokenOrAnotherSchemeIs401WithTheChallenge() {
        ApiClient.Response none = client.get("/v1/integrations", null);
        ApiClient.Response basic = client.send(client.request("/v1/integrations", null)
                .header("Authorization", "Basic dXNlcjpwYXNz").GET());

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).contains("Bearer realm=\"onboarding\"");
        assertThat(none.json().get("field").asText()).isEqualTo("Authorization");
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void aTokenWithinTheClockSkewAndScopesAsAnArrayIsAccepted() {
        String lateButTolerated = sign(claims().expirationTime(Date.from(Instant.now().minusSeconds(20)))
                .claim("scope", null).claim("scp", List.of("integrations:read")).build());
        String early = sign(claims().notBeforeTime(Date.from(Instant.now().plusSeconds(20))).build());

        assertThat(client.get("/v1/integrations", lateButTolerated).status()).isEqualTo(200);
        assertThat(client.get("/v1/integrations", early).status()).isEqualTo(200);
    }

    private static JWTClaimsSet.Builder claims() {
        return stack.issuer.claims(tenant, DevTokenIssuer.ALL_SCOPES, Duration.ofMinutes(5));
    }

    private static String sign(JWTClaimsSet claims) {
        return stack.issuer.sign(claims);
    }

    private static String signWith(ECKey key, JWSHeader header) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims().build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    /** The classic key-confusion attack: HS256 with the issuer's public key (as published) as the secret. */
    private static String hmacWithPublicKey() throws Exception {
        byte[] secret = stack.issuer.signingKey().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                .keyID(stack.issuer.signingKey().getKeyID()).build(), claims().build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    /** A valid token whose payload now names another tenant, the signature left as it was. */
    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace(tenant, "victim-tenant");
        return parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
    }
}
