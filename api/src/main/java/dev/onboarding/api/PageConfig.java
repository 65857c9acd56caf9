package dev.onboarding.api;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.util.Optional;

/**
 * The onboarding page the API serves at {@code /}, from the {@code api.page.*} keys.
 *
 * @param enabled whether the page is served at all
 * @param tokenEndpoint where the page gets its bearer token (the hosting product's endpoint, called with the
 *     browser's cookies); empty when an auth proxy in front of the API adds the {@code Authorization} header
 * @param openQuickCreate whether creating opens the CloudFormation quick-create link in a new tab
 */
public record PageConfig(boolean enabled, Optional<URI> tokenEndpoint, boolean openQuickCreate) {
    /** Checks the token endpoint: a path on this origin, or an https URL. */
    public PageConfig {
        tokenEndpoint.ifPresent(uri -> {
            boolean samePath = uri.getScheme() == null && uri.getRawAuthority() == null && uri.getRawPath() != null
                    && uri.getRawPath().startsWith("/");
            boolean https = "https".equals(uri.getScheme()) && uri.getHost() != null;
            if (!samePath && !https) {
                throw new SettingsException("api.page.token-endpoint", "must be a path on the API's origin (/token) "
                        + "or an https URL, got '" + uri + "'");
            }
        });
    }

    /** Reads the keys. */
    public static PageConfig from(Settings settings) {
        Optional<URI> endpoint = settings.find("api.page.token-endpoint").filter(v -> !v.isBlank()).map(v -> {
            try {
                return URI.create(v.strip());
            } catch (IllegalArgumentException e) {
                throw new SettingsException("api.page.token-endpoint", "is not a URL: '" + v + "'");
            }
        });
        return new PageConfig(settings.bool("api.page.enabled", true), endpoint,
                settings.bool("api.page.open-quick-create", true));
    }

    /** The origin the page may call besides its own, for the Content-Security-Policy: the token endpoint's. */
    Optional<String> extraConnectOrigin() {
        return tokenEndpoint.filter(uri -> uri.getScheme() != null)
                .map(uri -> uri.getScheme() + "://" + uri.getRawAuthority());
    }
}
