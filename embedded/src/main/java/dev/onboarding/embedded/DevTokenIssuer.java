package dev.onboarding.embedded;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A development token issuer: an EC P-256 key pair whose public half is a JWK set file the API can be pointed at
 * ({@code api.auth.jwks-file}), and which mints tokens that API accepts. Both files are readable by their owner
 * only and removed by {@link #close}. Never part of the production jar: the local stack creates one in its state
 * dir, {@code onboarding token} (the local jar) {@link #load loads} it, and tests mint their tokens with it.
 */
public final class DevTokenIssuer implements AutoCloseable {
    /** The issuer ({@code iss}) of every token. */
    public static final String ISSUER = "https://onboarding.local/dev-issuer";
    /** The audience ({@code aud}) of every token. */
    public static final String AUDIENCE = "onboarding-api";
    /** Both scopes of the API. */
    public static final List<String> ALL_SCOPES = List.of("integrations:read", "integrations:write");

    private static final String JWKS_FILE = "dev-jwks.json";
    private static final String KEY_FILE = "dev-signing-key.json";

    private final ECKey signingKey;
    private final Path jwksFile;
    private final Path keyFile;
    private final Clock clock;

    private DevTokenIssuer(ECKey signingKey, Path jwksFile, Path keyFile, Clock clock) {
        this.signingKey = signingKey;
        this.jwksFile = jwksFile;
        this.keyFile = keyFile;
        this.clock = clock;
    }

    /** Generates a key pair and writes its JWK set and private key into {@code dir} (owner-only files). */
    public static DevTokenIssuer create(Path dir) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID("dev-" + UUID.randomUUID().toString().substring(0, 8)).generate();
            Files.createDirectories(dir);
            Path jwks = dir.resolve(JWKS_FILE);
            Path secret = dir.resolve(KEY_FILE);
            writeOwnerOnly(jwks, new JWKSet(key.toPublicJWK()).toString(true));
            writeOwnerOnly(secret, key.toJSONString());
            return new DevTokenIssuer(key, jwks, secret, Clock.systemUTC());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a key pair", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The issuer whose private key {@code create} wrote to {@code keyFile} (what {@code onboarding token} reads). */
    public static DevTokenIssuer load(Path keyFile, Path jwksFile) {
        try {
            return new DevTokenIssuer(ECKey.parse(Files.readString(keyFile)), jwksFile, keyFile, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dev signing key " + keyFile, e);
        } catch (ParseException e) {
            throw new IllegalStateException("the dev signing key " + keyFile + " is not a JWK: " + e.getMessage(), e);
        }
    }

    /** The {@code api.auth.*} settings of an API that accepts this issuer's tokens. */
    public Map<String, String> apiSettings() {
        return Map.of("api.auth.jwks-file", jwksFile.toString(), "api.auth.issuer", ISSUER,
                "api.auth.audience", AUDIENCE);
    }

    /** The public JWK set file. */
    public Path jwksFile() {
        return jwksFile;
    }

    /** The private key file ({@link #load} reads it). */
    public Path keyFile() {
        return keyFile;
    }

    /** The signing key (tests that forge tokens start from it). */
    public ECKey signingKey() {
        return signingKey;
    }

    /** A token for {@code tenant} with {@code scopes}, valid for {@code ttl}. */
    public String mint(String tenant, Collection<String> scopes, Duration ttl) {
        return sign(claims(tenant, scopes, ttl).build());
    }

    /** The claims {@link #mint} signs, to adjust before {@link #sign}. */
    public JWTClaimsSet.Builder claims(String tenant, Collection<String> scopes, Duration ttl) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("dev-user-of-" + tenant)
                .claim("tenant", tenant).claim("scope", String.join(" ", scopes)).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl))).jwtID(UUID.randomUUID().toString());
    }

    /** Signs {@code claims} with this issuer's key (ES256, its kid). */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID())
                    .build(), claims);
            jwt.sign(new ECDSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /** Removes both files. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(keyFile);
            Files.deleteIfExists(jwksFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the dev key files", e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
