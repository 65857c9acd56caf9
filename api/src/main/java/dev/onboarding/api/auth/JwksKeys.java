package dev.onboarding.api.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's verification keys, from a JWKS URL or file. Fetched at start and every refresh interval; a token
 * whose {@code kid} is unknown causes one more fetch, at most once per minimum refetch interval across all tokens,
 * so forged kids cannot turn the API into a load generator against the issuer.
 *
 * <p>Hand-written rather than Nimbus's {@code JWKSourceBuilder}: its rate limit allows two fetches per interval
 * (one kept for rotations), where this API promises at most one; parsing and keys remain Nimbus's.
 *
 * <p>Only public asymmetric signing keys are kept (RSA of at least 2048 bits, EC on P-256, P-384 or P-521):
 * symmetric keys never verify a token, a private part is dropped, {@code use: enc} keys are ignored.
 */
public final class JwksKeys implements AutoCloseable {
    /** The JWS algorithms this API verifies: asymmetric only. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    private static final int MAX_JWKS_BYTES = 512 * 1024;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RETRY_WHILE_EMPTY = Duration.ofSeconds(5);

    /** Where the JWK set text comes from. */
    interface Source {
        String fetch() throws IOException;

        String describe();
    }

    private final Source source;
    private final Duration minRefetch;
    private final ScheduledExecutorService refresher;
    private final Object fetching = new Object();
    private volatile List<JWK> keys = List.of();
    private volatile long lastFetchNanos;
    private volatile boolean fetchedOnce;

    private JwksKeys(Source source, Duration refresh, Duration minRefetch) {
        this.source = source;
        this.minRefetch = minRefetch;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "api-jwks-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> fetch("scheduled refresh"), refresh.toMillis(), refresh.toMillis(),
                TimeUnit.MILLISECONDS);
        refresher.scheduleWithFixedDelay(() -> {
            if (keys.isEmpty()) {
                fetch("no keys yet");
            }
        }, RETRY_WHILE_EMPTY.toMillis(), RETRY_WHILE_EMPTY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The keys of {@code config}, fetched once now (a failure is retried in the background). */
    public static JwksKeys from(AuthConfig config) {
        Source source = config.jwksUrl().map(url -> urlSource(url, config.trustStore()
                .map(AuthConfig.TrustStore::sslContext))).orElseGet(() -> fileSource(config.jwksFile().orElseThrow()));
        JwksKeys keys = new JwksKeys(source, config.refreshInterval(), config.minRefetchInterval());
        keys.fetch("start");
        return keys;
    }

    /** Whether any usable key is loaded. */
    public boolean hasKeys() {
        return !keys.isEmpty();
    }

    /**
     * The candidate keys of a token: those with its {@code kid} (all keys when it has none). An unknown kid
     * fetches the set again when the last fetch is older than the minimum refetch interval.
     */
    List<JWK> candidates(Optional<String> kid) {
        List<JWK> found = lookup(kid);
        if (!found.isEmpty() || kid.isEmpty()) {
            return found;
        }
        synchronized (fetching) {
            found = lookup(kid);
            if (found.isEmpty() && System.nanoTime() - lastFetchNanos >= minRefetch.toNanos()) {
                fetch("unknown kid");
                found = lookup(kid);
            }
        }
        return found;
    }

    /** The algorithm a key verifies: its {@code alg} when it names one this API accepts, else its type's. */
    static Optional<JWSAlgorithm> algorithmOf(JWK key) {
        Algorithm declared = key.getAlgorithm();
        if (declared != null) {
            JWSAlgorithm alg = JWSAlgorithm.parse(declared.getName());
            return ALGORITHMS.contains(alg) ? Optional.of(alg) : Optional.empty();
        }
        if (key instanceof RSAKey) {
            return Optional.of(JWSAlgorithm.RS256);
        }
        if (key instanceof ECKey ec) {
            Curve curve = ec.getCurve();
            if (Curve.P_256.equals(curve)) {
                return Optional.of(JWSAlgorithm.ES256);
            }
            if (Curve.P_384.equals(curve)) {
                return Optional.of(JWSAlgorithm.ES384);
            }
            if (Curve.P_521.equals(curve)) {
                return Optional.of(JWSAlgorithm.ES512);
            }
        }
        return Optional.empty();
    }

    private List<JWK> lookup(Optional<String> kid) {
        List<JWK> current = keys;
        if (kid.isEmpty()) {
            return current;
        }
        List<JWK> found = new ArrayList<>(1);
        for (JWK key : current) {
            if (kid.get().equals(key.getKeyID())) {
                found.add(key);
            }
        }
        return found;
    }

    private void fetch(String why) {
        synchronized (fetching) {
            try {
                List<JWK> usable = usable(JWKSet.parse(source.fetch()));
                if (usable.isEmpty()) {
                    LOG.warn("the JWK set from {} has no usable signing key (fetched for {})", source.describe(), why);
                }
                keys = usable;
                if (!fetchedOnce || !why.equals("scheduled refresh")) {
                    LOG.info("loaded {} verification keys from {} ({})", usable.size(), source.describe(), why);
                }
                fetchedOnce = true;
            } catch (IOException | ParseException | RuntimeException e) {
                // Keep the keys we have: an issuer's outage must not lock every caller out.
                LOG.warn("cannot load the JWK set from {} ({}): {}", source.describe(), why, e.getMessage());
            } finally {
                // Counted from the end, so a slow issuer cannot be asked again the moment it answers.
                lastFetchNanos = System.nanoTime();
            }
        }
    }

    private static List<JWK> usable(JWKSet set) {
        List<JWK> out = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            JWK candidate = key.isPrivate() ? key.toPublicJWK() : key;
            if (KeyUse.ENCRYPTION.equals(candidate.getKeyUse())) {
                continue;
            }
            if (candidate instanceof RSAKey rsa && rsa.size() < 2048) {
                LOG.warn("ignoring RSA key {}: {} bits, fewer than 2048", rsa.getKeyID(), rsa.size());
                continue;
            }
            if (algorithmOf(candidate).isEmpty()) {
                LOG.warn("ignoring key {} of type {}: not an asymmetric signing key this API verifies",
                        candidate.getKeyID(), candidate.getKeyType());
                continue;
            }
            out.add(candidate);
        }
        return List.copyOf(out);
    }

    private static Source urlSource(URI url, Optional<SSLContext> ssl) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        ssl.ifPresent(builder::sslContext);
        HttpClient client = builder.build();
        return new Source() {
            @Override
            public String fetch() throws IOException {
                HttpRequest request = HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT)
                        .header("Accept", "application/json").GET().build();
                try {
                    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream body = response.body()) {
                        if (response.statusCode() != 200) {
                            throw new IOException("HTTP " + response.statusCode());
                        }
                        return bounded(body);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }

            @Override
            public String describe() {
                return url.toString();
            }
        };
    }

    private static Source fileSource(Path file) {
        return new Source() {
            @Override
            public String fetch() throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    return bounded(in);
                }
            }

            @Override
            public String describe() {
                return file.toString();
            }
        };
    }

    private static String bounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_JWKS_BYTES + 1);
        if (bytes.length > MAX_JWKS_BYTES) {
            throw new IOException("the JWK set is larger than " + MAX_JWKS_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
