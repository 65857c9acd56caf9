package dev.onboarding.api;

import dev.onboarding.api.auth.AccessTokens;
import dev.onboarding.api.auth.Caller;
import dev.onboarding.api.auth.InvalidToken;
import dev.onboarding.api.auth.JwksKeys;
import dev.onboarding.api.replica.IntegrationReplica;
import dev.onboarding.api.replica.StateWaits;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API as a running service: the HTTP server (Vert.x), this instance's copy of the integrations topic, the
 * writer of requests and cancels, and the verifier of bearer tokens. Instances share nothing but Kafka: any number
 * may run behind a load balancer, each with its own {@code api.state-dir}.
 */
public final class ApiApp implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(ApiApp.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private final ApiConfig config;
    private final KafkaSettings kafka;
    private final TopicCatalog catalog;
    private final SchemaRegistry registry;
    private final PrometheusMeterRegistry metrics;
    private volatile IntegrationReplica replica;
    private StateWaits waits; // guarded by this
    private volatile JwksKeys keys;
    private RequestWriter writer; // guarded by this
    private Vertx vertx; // guarded by this
    private volatile HttpServer server;
    private volatile AccessTokens tokens;
    private final List<ApiExtension> extensions = new CopyOnWriteArrayList<>();

    /** An app over the given settings; nothing runs before {@link #start}. */
    public ApiApp(ApiConfig config, KafkaSettings kafka, TopicCatalog catalog, SchemaRegistry registry,
            PrometheusMeterRegistry metrics) {
        this.config = config;
        this.kafka = kafka;
        this.catalog = catalog;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * An app configured from {@code api.*}, {@code request.*}, {@code kafka.*}, {@code topics.*} and
     * {@code schema.registry.*}.
     */
    public static ApiApp from(Settings settings, PrometheusMeterRegistry metrics) {
        ApiConfig config = ApiConfig.from(settings);
        KafkaSettings kafka = KafkaSettings.from(settings);
        RegistrySettings registrySettings = RegistrySettings.from(settings);
        SchemaRegistry registry = SchemaRegistries.connect(registrySettings);
        TopicCatalog catalog = TopicCatalog.create(TopicSettings.from(settings), registry,
                registrySettings.autoRegister());
        return new ApiApp(config, kafka, catalog, registry, metrics);
    }

    @Override
    public String name() {
        return "api";
    }

    @Override
    public synchronized void start() {
        if (vertx != null) {
            throw new IllegalStateException("the API was already started");
        }
        replica = new IntegrationReplica(config.stateDir(), catalog.integrations().name(), kafka,
                catalog.integrations().valueSerde().deserializer(), metrics);
        replica.start();
        waits = new StateWaits(replica, metrics);
        keys = JwksKeys.from(config.auth());
        writer = new RequestWriter(kafka, catalog.integrationRequests(), config.createTimeout());
        IntegrationRequests integrations = new IntegrationRequests(replica, waits, writer, config, Clock.systemUTC(),
                metrics);
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        EventStreams streams = new EventStreams(replica, new IntegrationViews(config.requests()), config.watch(),
                Clock.systemUTC(), metrics);
        tokens = new AccessTokens(config.auth(), keys);
        OnboardingPage page = new OnboardingPage(config.page(), extensions.stream().map(ApiExtension::pageSettings)
                .toList());
        ApiRoutes routes = new ApiRoutes(vertx, tokens, integrations, streams, page, config, this,
                replica::isCaughtUp, metrics);
        io.vertx.ext.web.Router router = routes.router();
        extensions.forEach(extension -> extension.addRoutes(router, this));
        HttpServerOptions options = new HttpServerOptions().setHost(config.bindAddress()).setPort(config.port())
                // Tokens are refused above 8 KB with a 401: the header limit must not answer first.
                .setMaxHeaderSize(32 * 1024)
                .setInitialSettings(new Http2Settings().setMaxHeaderListSize(32 * 1024))
                .setIdleTimeout(120).setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false);
        try {
            server = vertx.createHttpServer(options).requestHandler(router).listen()
                    .toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot serve the API on " + config.bindAddress() + ":" + config.port()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the API's HTTP server did not start within " + START_TIMEOUT_SECONDS
                    + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the API", e);
        }
        LOG.info("API serving at {}", url().orElseThrow());
    }

    /** Adds routes of another module (the local sandbox's); before {@link #start}. */
    public synchronized void extend(ApiExtension extension) {
        if (vertx != null) {
            throw new IllegalStateException("extend the API before it starts");
        }
        extensions.add(extension);
    }

    /**
     * Whom a request's {@code Authorization} header speaks for, verified as every {@code /v1} route verifies it
     * (for an extension's routes); may fetch the JWK set, so never on an event loop.
     *
     * @throws InvalidToken when it authenticates no one
     */
    public Caller authenticate(String authorization) throws InvalidToken {
        AccessTokens verifier = tokens;
        if (verifier == null) {
            throw new IllegalStateException("the API is not started");
        }
        return verifier.verify(authorization);
    }

    /** The port the API listens on, once started. */
    public OptionalInt port() {
        HttpServer serving = server;
        return serving == null ? OptionalInt.empty() : OptionalInt.of(serving.actualPort());
    }

    @Override
    public boolean isReady() {
        HttpServer serving = server;
        return serving != null && replica.isCaughtUp() && keys.hasKeys();
    }

    @Override
    public boolean isAlive() {
        IntegrationReplica copy = replica;
        return copy == null || copy.isAlive();
    }

    /** Where the API is served, e.g. {@code http://127.0.0.1:8088}; empty before {@link #start}. */
    public Optional<URI> url() {
        HttpServer serving = server;
        if (serving == null) {
            return Optional.empty();
        }
        String host = config.bindAddress().equals("0.0.0.0") || config.bindAddress().equals("::") ? "localhost"
                : config.bindAddress();
        return Optional.of(URI.create("http://" + host + ":" + serving.actualPort()));
    }

    /** This instance's copy of the integrations topic (its change hook serves waiting requests). */
    public Optional<IntegrationReplica> replica() {
        return Optional.ofNullable(replica);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            await(server.close().toCompletionStage().toCompletableFuture());
            server = null;
        }
        if (vertx != null) {
            await(vertx.close().toCompletionStage().toCompletableFuture());
        }
        if (writer != null) {
            writer.close();
        }
        if (waits != null) {
            waits.close();
        }
        if (keys != null) {
            keys.close();
        }
        if (replica != null) {
            replica.close();
        }
        registry.close();
    }

    private static void await(java.util.concurrent.CompletableFuture<?> done) {
        try {
            done.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the API's HTTP server did not close cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
