package dev.onboarding.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies {@code Authorization: Bearer} tokens (JWS-signed JWTs) and says whom they speak for.
 *
 * <p>The rules: at most 8 KB; signed with an asymmetric algorithm by a key of the configured JWK set, the
 * algorithm being the key's, never the token's choice (a token whose {@code alg} differs from its key's is
 * refused, which also refuses {@code none} and an HMAC made with a public key); {@code jku}, {@code x5u},
 * {@code jwk} and {@code x5c} headers are never used to find a key; {@code iss} equal to the issuer; {@code aud}
 * containing the audience; {@code exp} required and {@code nbf} honoured with at most 60 s of clock skew; the
 * tenant claim a non-empty string without control characters. Scopes come from {@code scope} (space-separated)
 * or {@code scp} (an array or a string).
 */
public final class AccessTokens {
    /** The longest token accepted, in characters. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /** The clock skew tolerated on {@code exp} and {@code nbf}, in seconds. */
    public static final int MAX_CLOCK_SKEW_SECONDS = 60;

    private static final int MAX_TENANT_LENGTH = 256;

    private final JwksKeys keys;
    private final String tenantClaim;
    private final DefaultJWTClaimsVerifier<?> claims;

    /** Tokens of the configured issuer, checked against {@code keys}. */
    public AccessTokens(AuthConfig config, JwksKeys keys) {
        this.keys = keys;
        this.tenantClaim = config.tenantClaim();
        this.claims = new DefaultJWTClaimsVerifier<>(Set.of(config.audience()),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(), Set.of("exp", config.tenantClaim()),
                Set.of());
        this.claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    }

    /**
     * The caller a request's {@code Authorization} header authenticates.
     *
     * @param authorization the header's value, or null
     * @throws InvalidToken for any reason the token does not authenticate (the API answers 401)
     */
    public Caller verify(String authorization) throws InvalidToken {
        String token = bearerToken(authorization);
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidToken("malformed", "the bearer token is not a signed JWT");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!JwksKeys.ALGORITHMS.contains(alg)) {
            throw new InvalidToken("algorithm", "the token's algorithm " + alg + " is not accepted");
        }
        List<JWK> candidates = keys.candidates(Optional.ofNullable(jwt.getHeader().getKeyID()));
        if (candidates.isEmpty()) {
            throw new InvalidToken("unknown_key", "no verification key matches the token's kid");
        }
        if (!verifiedByAny(jwt, alg, candidates)) {
            throw new InvalidToken("signature", "the token's signature does not verify");
        }
        JWTClaimsSet claimSet;
        try {
            claimSet = jwt.getJWTClaimsSet();
            claims.verify(claimSet, null);
        } catch (ParseException e) {
            throw new InvalidToken("malformed", "the token's claims are not a JSON object");
        } catch (BadJWTException e) {
            throw new InvalidToken("claims", "the token is not acceptable: " + e.getMessage());
        }
        return new Caller(tenant(claimSet), claimSet.getSubject(), scopes(claimSet),
                Instant.ofEpochMilli(claimSet.getExpirationTime().getTime()));
    }

    private static String bearerToken(String authorization) throws InvalidToken {
        if (authorization == null || authorization.isBlank()) {
            throw new InvalidToken("missing", "a bearer token is required (Authorization: Bearer <JWT>)");
        }
        if (authorization.length() > MAX_TOKEN_LENGTH + "Bearer ".length()) {
            throw new InvalidToken("too_large", "the bearer token is longer than " + MAX_TOKEN_LENGTH + " bytes");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
            throw new InvalidToken("missing", "the Authorization header must use the Bearer scheme");
        }
        String token = authorization.substring("Bearer ".length()).strip();
        if (token.isEmpty()) {
            throw new InvalidToken("missing", "the bearer token is empty");
        }
        return token;
    }

    /** Verifies with each candidate whose own algorithm is the token's; the token never picks the algorithm. */
    private static boolean verifiedByAny(SignedJWT jwt, JWSAlgorithm alg, List<JWK> candidates) {
        for (JWK key : candidates) {
            if (!JwksKeys.algorithmOf(key).map(alg::equals).orElse(false)) {
                continue;
            }
            try {
                JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                        : new ECDSAVerifier((ECKey) key);
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // A key that cannot verify this token is just not its key.
            }
        }
        return false;
    }

    private String tenant(JWTClaimsSet claimSet) throws InvalidToken {
        Object value = claimSet.getClaim(tenantClaim);
        if (!(value instanceof String tenant) || tenant.isBlank() || tenant.length() > MAX_TENANT_LENGTH
                || tenant.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidToken("tenant", "the token's " + tenantClaim + " claim must be a non-empty string of at"
                    + " most " + MAX_TENANT_LENGTH + " characters");
        }
        return tenant;
    }

    private static Set<String> scopes(JWTClaimsSet claimSet) {
        Set<String> scopes = new HashSet<>();
        addScopes(claimSet.getClaim("scope"), scopes);
        addScopes(claimSet.getClaim("scp"), scopes);
        return scopes;
    }

    private static void addScopes(Object claim, Set<String> scopes) {
        if (claim instanceof String text) {
            for (String scope : text.trim().split("\\s+")) {
                if (!scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
        } else if (claim instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String scope && !scope.isBlank()) {
                    scopes.add(scope.strip());
                }
            }
        }
    }
}
