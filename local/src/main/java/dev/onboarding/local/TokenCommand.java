package dev.onboarding.local;

import dev.onboarding.api.auth.Caller;
import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.EndpointsFileOption;
import dev.onboarding.config.Settings;
import dev.onboarding.embedded.DevTokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onboarding token}: a bearer token the running local stack's API accepts, signed with the dev issuer's key
 * that {@code onboarding local} generated (found through the endpoints file). Only in the local jar: the
 * production jar has no way to mint a token.
 */
@Command(name = "token", description = "Print a bearer token the local stack's API accepts (sandbox only).")
final class TokenCommand implements Runnable {
    /** The longest lifetime a dev token may have. */
    static final Duration MAX_TTL = Duration.ofDays(1);

    @CommandLine.Mixin
    EndpointsFileOption endpointsFile;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant the token speaks for.")
    String tenant;

    @Option(names = "--scope", paramLabel = "S", description = "A scope to grant; repeat for several (default: "
            + Caller.READ + " and " + Caller.WRITE + ").")
    List<String> scopes;

    @Option(names = "--ttl", paramLabel = "D", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long the token is valid: 30s, 15m, 1h, ... at most 24h (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (tenant.isBlank() || tenant.length() > 256 || tenant.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("--tenant must be 1-256 characters without control characters");
        }
        if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be more than 0 and at most 24h");
        }
        List<String> granted = scopes == null ? DevTokenIssuer.ALL_SCOPES : scopes;
        for (String scope : granted) {
            if (scope.isBlank() || scope.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("--scope must be one scope without spaces, got '" + scope + "'");
            }
        }
        EndpointsFile endpoints = endpointsFile.read();
        Path keyFile = Path.of(endpoints.require(LocalRun.DEV_TOKEN_KEY_FILE));
        Path jwksFile = Path.of(endpoints.require(LocalRun.DEV_TOKEN_JWKS_FILE));
        if (!Files.isReadable(keyFile)) {
            throw new IllegalStateException("the dev signing key " + keyFile + " is gone: is `onboarding local` "
                    + "still running? (it removes the key when it stops)");
        }
        // Loaded, never closed: closing would remove the running stack's key files.
        String token = DevTokenIssuer.load(keyFile, jwksFile).mint(tenant, granted, ttl);
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
    }

    /** Reads {@code --ttl} as the settings read durations ({@code 30s}, {@code 5m}, ISO-8601). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Settings.of(Map.of("--ttl", value)).duration("--ttl", Duration.ZERO);
        }
    }
}
