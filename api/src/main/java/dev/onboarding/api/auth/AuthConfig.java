package dev.onboarding.api.auth;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the API verifies bearer tokens: the {@code api.auth.*} keys.
 *
 * @param jwksUrl the https URL of the issuer's JWK set (exactly one of this and {@code jwksFile})
 * @param jwksFile a file holding the JWK set
 * @param issuer the required {@code iss}
 * @param audience the audience that {@code aud} must contain
 * @param tenantClaim the claim naming the caller's tenant (a non-empty string)
 * @param trustStore the trust store for the JWKS URL's certificate; the JVM's when empty
 * @param refreshInterval how often the JWK set is fetched again regardless of tokens
 * @param minRefetchInterval how long after the last fetch a token with an unknown {@code kid} may cause another
 */
public record AuthConfig(Optional<URI> jwksUrl, Optional<Path> jwksFile, String issuer, String audience,
        String tenantClaim, Optional<TrustStore> trustStore, Duration refreshInterval, Duration minRefetchInterval) {
    /** The keys that, when any is set, mean the API is configured (so {@code all} starts it). */
    public static final List<String> KEYS = List.of("api.auth.jwks-url", "api.auth.jwks-file", "api.auth.issuer",
            "api.auth.audience");

    /**
     * A trust store file.
     *
     * @param path where it is
     * @param password its password (never printed)
     * @param type {@code PKCS12} or {@code JKS}
     */
    public record TrustStore(Path path, String password, String type) {
        @Override
        public String toString() {
            return "TrustStore[path=" + path + ", type=" + type + "]";
        }

        /** A TLS context trusting this store's certificates. */
        public SSLContext sslContext() {
            try (InputStream in = Files.newInputStream(path)) {
                KeyStore store = KeyStore.getInstance(type);
                store.load(in, password.toCharArray());
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new SettingsException("api.auth.jwks-truststore.location", "cannot be loaded from " + path
                        + ": " + e.getMessage());
            }
        }
    }

    /** Checks what the getters cannot. */
    public AuthConfig {
        if (jwksUrl.isPresent() == jwksFile.isPresent()) {
            throw new SettingsException("api.auth.jwks-url", "set exactly one of api.auth.jwks-url (https) and "
                    + "api.auth.jwks-file");
        }
        jwksUrl.ifPresent(url -> {
            if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                throw new SettingsException("api.auth.jwks-url", "must be an https URL, got '" + url + "'");
            }
        });
        if (tenantClaim.isBlank()) {
            throw new SettingsException("api.auth.tenant-claim", "must name a claim");
        }
        if (minRefetchInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SettingsException("api.auth.jwks-min-refetch-interval", "must be at least 1s, got "
                    + minRefetchInterval);
        }
        if (refreshInterval.compareTo(minRefetchInterval) < 0) {
            throw new SettingsException("api.auth.jwks-refresh-interval", "must be at least "
                    + "api.auth.jwks-min-refetch-interval (" + minRefetchInterval + "), got " + refreshInterval);
        }
    }

    /** Whether any {@code api.auth.*} key that configures the API is set. */
    public static boolean isConfigured(Settings settings) {
        return KEYS.stream().anyMatch(key -> settings.find(key).isPresent());
    }

    /** Reads the {@code api.auth.*} keys; the JWK set, issuer and audience are required. */
    public static AuthConfig from(Settings settings) {
        Optional<URI> url = settings.find("api.auth.jwks-url").map(raw -> {
            try {
                return URI.create(raw);
            } catch (IllegalArgumentException e) {
                throw new SettingsException("api.auth.jwks-url", "is not a URL: " + e.getMessage());
            }
        });
        Optional<TrustStore> trust = settings.find("api.auth.jwks-truststore.location").map(path -> new TrustStore(
                Path.of(path), settings.string("api.auth.jwks-truststore.password", ""),
                settings.string("api.auth.jwks-truststore.type", "PKCS12")));
        return new AuthConfig(url, settings.find("api.auth.jwks-file").map(Path::of),
                settings.string("api.auth.issuer"), settings.string("api.auth.audience"),
                settings.string("api.auth.tenant-claim", "tenant"), trust,
                settings.duration("api.auth.jwks-refresh-interval", Duration.ofMinutes(5)),
                settings.duration("api.auth.jwks-min-refetch-interval", Duration.ofMinutes(1)));
    }
}
