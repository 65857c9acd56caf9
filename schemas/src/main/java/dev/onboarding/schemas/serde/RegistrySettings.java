package dev.onboarding.schemas.serde;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach the schema registry. {@code mock://<scope>} selects an in-process registry for unit
 * tests only: ids it hands out mean nothing to other processes.
 *
 * @param url registry base URL, e.g. {@code http://registry:8081} or Apicurio's {@code .../apis/ccompat/v7}
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout whole-request timeout
 * @param basicAuthUserInfo optional {@code user:password}
 * @param trustStore optional TLS trust store (path, password, type)
 * @param autoRegister whether serializers register schemas they do not find
 */
public record RegistrySettings(
        String url,
        Duration connectTimeout,
        Duration requestTimeout,
        Optional<String> basicAuthUserInfo,
        Optional<TrustStore> trustStore,
        boolean autoRegister) {

    /** A TLS trust store. */
    public record TrustStore(String path, String password, String type) {
        @Override
        public String toString() {
            return "TrustStore[path=" + path + ", type=" + type + "]";
        }
    }

    /** Reads {@code schema.registry.*} keys; {@code schema.registry.url} is required. */
    public static RegistrySettings from(Settings settings) {
        String url = settings.string("schema.registry.url");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("schema.registry.url", "is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("mock")) {
            throw new SettingsException("schema.registry.url", "must be an http://, https:// or mock:// URL");
        }
        if (!scheme.equals("mock") && (uri.getHost() == null || uri.getHost().isBlank())) {
            throw new SettingsException("schema.registry.url", "must name a host, e.g. http://registry:8081");
        }
        if (uri.getRawUserInfo() != null) {
            // The URL appears in every registry error message: credentials belong in their own key.
            throw new SettingsException("schema.registry.url", "must not carry credentials; set them in "
                    + "schema.registry.basic-auth.user-info");
        }
        Optional<TrustStore> trust = settings.find("schema.registry.ssl.truststore.location")
                .map(path -> new TrustStore(path,
                        settings.string("schema.registry.ssl.truststore.password", ""),
                        settings.string("schema.registry.ssl.truststore.type", "PKCS12")));
        return new RegistrySettings(url,
                positive(settings, "schema.registry.connect-timeout", Duration.ofSeconds(5)),
                positive(settings, "schema.registry.request-timeout", Duration.ofSeconds(10)),
                settings.find("schema.registry.basic-auth.user-info"),
                trust,
                settings.bool("schema.registry.auto-register", true));
    }

    private static Duration positive(Settings settings, String key, Duration defaultValue) {
        Duration value = settings.duration(key, defaultValue);
        if (value.isZero()) {
            // The JDK HTTP client refuses a zero timeout; fail at start-up rather than on the first record.
            throw new SettingsException(key, "must be positive");
        }
        return value;
    }

    /** Settings for a URL with defaults for everything else. */
    public static RegistrySettings of(String url) {
        return new RegistrySettings(url, Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty(),
                Optional.empty(), true);
    }

    @Override
    public String toString() {
        // Never print the credentials.
        return "RegistrySettings[url=" + url + ", basicAuth=" + basicAuthUserInfo.isPresent() + ", trustStore="
                + trustStore + ", autoRegister=" + autoRegister + "]";
    }
}
