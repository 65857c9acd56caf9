package dev.onboarding.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.api.auth.AccessTokens;
import dev.onboarding.api.auth.Caller;
import dev.onboarding.api.auth.InvalidToken;
import dev.onboarding.api.replica.IntegrationReplica;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.runtime.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's HTTP routes on Vert.x Web. Handlers never block the event loop: authentication (which may fetch the
 * JWK set), reads of the RocksDB copy and Kafka sends run on Vert.x's worker pool, and waiting for a state is a
 * future completed by the copy's change hook, answered back on the request's event loop.
 *
 * <p>{@code /health}, {@code /ready}, {@code /metrics} and {@code /v1/openapi.json} need no token; everything else
 * under {@code /v1} needs a bearer token and answers errors as {@code application/problem+json}.
 */
final class ApiRoutes {
    /** The largest request body accepted. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The most integrations one page lists. */
    static final int MAX_PAGE = 100;
    /** A page's size unless asked. */
    static final int DEFAULT_PAGE = 20;

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String APPLICATION_JSON = "application/json";
    private static final int MAX_ID_LENGTH = 256;

    /** One authenticated action: runs on a worker thread, may complete later. */
    @FunctionalInterface
    private interface Action {
        CompletionStage<Reply> run(Caller caller);
    }

    private record Reply(int status, Map<String, String> headers, JsonNode body) {
    }

    private final Vertx vertx;
    private final AccessTokens tokens;
    private final IntegrationRequests integrations;
    private final IntegrationViews views;
    private final TenantRateLimits rateLimits;
    private final ApiConfig config;
    private final Service health;
    private final BooleanSupplier caughtUp;
    private final PrometheusMeterRegistry scrape;
    private final MeterRegistry metrics;
    private final byte[] openApi;
    private final EventStreams streams;
    private final WatchLimits watchLimits;
    private final OnboardingPage page;

    ApiRoutes(Vertx vertx, AccessTokens tokens, IntegrationRequests integrations, EventStreams streams,
            OnboardingPage page, ApiConfig config, Service health, BooleanSupplier caughtUp,
            PrometheusMeterRegistry metrics) {
        this.vertx = vertx;
        this.page = page;
        this.tokens = tokens;
        this.integrations = integrations;
        this.streams = streams;
        this.watchLimits = new WatchLimits(config.watch(), metrics);
        this.views = new IntegrationViews(config.requests());
        this.rateLimits = new TenantRateLimits(config.rateLimitPerSecond(), config.rateLimitBurst());
        this.config = config;
        this.health = health;
        this.caughtUp = caughtUp;
        this.scrape = metrics;
        this.metrics = metrics;
        this.openApi = openApiDocument();
    }

    /** The API's OpenAPI 3.1 document, as served at {@code /v1/openapi.json}. */
    static byte[] openApiDocument() {
        try (InputStream in = ApiRoutes.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the API's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Router router() {
        Router router = Router.router(vertx);
        router.route().handler(this::measure);
        router.route().handler(ctx -> {
            page.secure(ctx.response());
            ctx.next();
        });
        if (!config.corsAllowedOrigins().isEmpty()) {
            router.route().handler(CorsHandler.create().addOrigins(config.corsAllowedOrigins())
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
                    .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"))
                    .exposedHeaders(Set.of("Location", "Retry-After", "Idempotent-Replayed", "WWW-Authenticate"))
                    .maxAgeSeconds(600));
        }
        router.get("/health").handler(ctx -> status(ctx, health.isAlive()));
        router.get("/ready").handler(ctx -> status(ctx, health.isReady()));
        router.get("/metrics").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8").end(scrape.scrape()));
        if (config.page().enabled()) {
            page.addTo(router);
        }
        router.get("/v1/openapi.json").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE,
                APPLICATION_JSON).end(io.vertx.core.buffer.Buffer.buffer(openApi)));
        router.post("/v1/integrations").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::create);
        router.get("/v1/integrations").handler(this::list);
        router.get("/v1/integrations/:id").handler(this::read);
        router.get("/v1/integrations/:id/events").handler(this::events);
        router.delete("/v1/integrations/:id").handler(this::cancel);
        router.errorHandler(404, ctx -> problem(ctx, ApiProblem.notFound("resource " + ctx.request().path())));
        router.errorHandler(405, ctx -> problem(ctx, ApiProblem.methodNotAllowed(allowedMethods(ctx.request()
                .path()))));
        router.errorHandler(413, ctx -> problem(ctx, ApiProblem.tooLarge(MAX_BODY_BYTES)));
        // The CORS handler refuses an origin that is not allowed with 403.
        router.errorHandler(403, ctx -> problem(ctx, ApiProblem.originNotAllowed()));
        router.errorHandler(500, ctx -> problem(ctx, ctx.failure() == null ? ApiProblem.internal() : ctx.failure()));
        return router;
    }

    // ---- /v1/integrations ----

    private void create(RoutingContext ctx) {
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String key = ctx.request().getHeader("Idempotency-Key");
        authenticated(ctx, Caller.WRITE, caller -> {
            OptionalLong wait = rateLimits.tryTake(caller.tenantId());
            if (wait.isPresent()) {
                metrics.counter("api_rate_limited").increment();
                throw ApiProblem.tooManyRequests(wait.getAsLong());
            }
            if (!isJson(contentType)) {
                throw ApiProblem.unsupportedMediaType();
            }
            if (key != null && !IdempotencyKeys.isValid(key)) {
                throw ApiProblem.invalid("Idempotency-Key", "Idempotency-Key must be 1-" + IdempotencyKeys.MAX_LENGTH
                        + " visible ASCII characters");
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw ApiProblem.invalid("body", "the body is not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw ApiProblem.invalid("body", "the body cannot be read");
            }
            IntegrationRequests.NewIntegration asked = NewIntegrationBody.parse(json, caller.tenantId(),
                    integrations.requestConfig(), Optional.ofNullable(key));
            return integrations.create(caller, asked).thenApply(created -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Location", path(created.state().getIntegrationId()));
                headers.put("Idempotent-Replayed", Boolean.toString(created.replayed()));
                return new Reply(201, headers, views.created(created));
            });
        });
    }

    private void read(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String rawVersion = ctx.queryParams().get("version");
        String rawWait = ctx.queryParams().get("wait");
        String rawAfter = ctx.queryParams().get("after");
        if (rawWait != null || rawAfter != null) {
            longPoll(ctx, id, rawWait, rawAfter, rawVersion);
            return;
        }
        authenticated(ctx, Caller.READ, caller -> {
            OptionalLong version = positiveLong(rawVersion, "version");
            requireIdLength(id);
            return integrations.read(caller, id, version)
                    .thenApply(state -> new Reply(200, Map.of(), views.state(state)));
        });
    }

    /**
     * {@code GET /v1/integrations/{id}?wait=S&after=N}: answers as soon as the version exceeds N (by default the
     * version at the time of the request), or after S seconds (at most 55, and never past the token's expiry) with
     * the current state. Counts as a watcher while it waits.
     */
    private void longPoll(RoutingContext ctx, String id, String rawWait, String rawAfter, String rawVersion) {
        AtomicReference<CompletableFuture<Integration>> waiting = new AtomicReference<>();
        // A client that goes away stops waiting: its waiter and permit are given back at once.
        ctx.response().closeHandler(v -> Optional.ofNullable(waiting.get()).ifPresent(w -> w.cancel(false)));
        authenticated(ctx, Caller.READ, caller -> {
            if (rawVersion != null) {
                throw ApiProblem.invalid("version", "version (read-your-writes) and wait (long poll) cannot be "
                        + "combined; use after=N with wait");
            }
            if (rawWait == null) {
                throw ApiProblem.invalid("wait", "after=N needs wait=S (seconds, 1-" + WatchConfig.MAX_WAIT_SECONDS
                        + ")");
            }
            long seconds = positiveLong(rawWait, "wait").orElseThrow();
            if (seconds > WatchConfig.MAX_WAIT_SECONDS) {
                throw ApiProblem.invalid("wait", "wait must be between 1 and " + WatchConfig.MAX_WAIT_SECONDS
                        + " seconds");
            }
            OptionalLong after = nonNegativeLong(rawAfter, "after");
            requireIdLength(id);
            Duration wait = Duration.ofSeconds(seconds);
            Duration tokenLeft = Duration.between(Instant.now(), caller.expiresAt());
            if (tokenLeft.compareTo(wait) < 0) {
                wait = tokenLeft.isNegative() ? Duration.ZERO : tokenLeft;
            }
            WatchLimits.Permit permit = watchLimits.acquire(caller.tenantId());
            CompletableFuture<Integration> changed;
            try {
                changed = integrations.awaitChange(caller, id, after, wait);
            } catch (RuntimeException e) {
                permit.release();
                throw e;
            }
            waiting.set(changed);
            if (ctx.response().closed()) {
                changed.cancel(false);
            }
            changed.whenComplete((state, error) -> permit.release());
            return changed.thenApply(state -> new Reply(200, Map.of(), views.state(state)));
        });
    }

    /** {@code GET /v1/integrations/{id}/events}: the integration's states as server-sent events. */
    private void events(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        this.<StreamStart>authenticated(ctx, Caller.READ, caller -> {
            requireIdLength(id);
            long after = nonNegativeLong(lastEventId == null || lastEventId.isBlank() ? null : lastEventId.strip(),
                    "Last-Event-ID").orElse(0);
            // One this instance has not seen yet (created through another one a moment ago) is waited for.
            return integrations.read(caller, id, OptionalLong.of(1)).thenApply(visible -> new StreamStart(caller,
                    watchLimits.acquire(caller.tenantId()), after));
        }, start -> {
            if (ctx.response().closed()) {
                start.permit().release();
                return;
            }
            Context context = vertx.getOrCreateContext();
            EventStreams.EventStream stream = streams.open(id, ctx.response(), context, start.afterVersion(),
                    start.caller().expiresAt(), start.permit());
            // Read after the stream follows changes: this state, or a newer change, reaches the client.
            vertx.executeBlocking(() -> integrations.visible(start.caller(), id), false)
                    .onSuccess(state -> stream.offer(state.getVersion(), streams.encode(state)))
                    .onFailure(error -> stream.end("deleted", "{\"reason\":\"the integration no longer exists\"}"));
        });
    }

    private record StreamStart(Caller caller, WatchLimits.Permit permit, long afterVersion) {
    }

    private void list(RoutingContext ctx) {
        String status = ctx.queryParams().get("status");
        String limit = ctx.queryParams().get("limit");
        String cursor = ctx.queryParams().get("cursor");
        authenticated(ctx, Caller.READ, caller -> {
            Optional<IntegrationStatus> wanted = Optional.ofNullable(status).filter(s -> !s.isEmpty()).map(s -> {
                try {
                    return IntegrationStatus.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.invalid("status", "status must be one of " + Arrays.stream(
                            IntegrationStatus.values()).map(Enum::name).collect(Collectors.joining(", ")));
                }
            });
            long size = positiveLong(limit, "limit").orElse(DEFAULT_PAGE);
            if (size > MAX_PAGE) {
                throw ApiProblem.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
            }
            IntegrationReplica.Page page;
            try {
                page = integrations.list(caller, wanted, (int) size, Optional.ofNullable(cursor)
                        .filter(c -> !c.isEmpty()));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("cursor", "cursor must be a nextCursor this API returned");
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode items = body.putArray("integrations");
            for (Integration integration : page.integrations()) {
                items.add(views.state(integration));
            }
            page.nextCursor().ifPresent(next -> body.put("nextCursor", next));
            return CompletableFuture.completedFuture(new Reply(200, Map.of(), body));
        });
    }

    private void cancel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        authenticated(ctx, Caller.WRITE, caller -> {
            if (id.length() > MAX_ID_LENGTH) {
                throw ApiProblem.notFound("integration " + id.substring(0, 16) + "…");
            }
            return integrations.cancel(caller, id).thenApply(state -> {
                ObjectNode body = views.state(state);
                body.remove("quickCreateUrl");
                body.put("cancelRequested", true);
                return new Reply(202, Map.of("Location", path(id)), body);
            });
        });
    }

    // ---- plumbing ----

    /**
     * Authenticates on a worker thread, checks the scope and that the copy caught up, runs {@code action}, and
     * answers on this request's event loop.
     */
    private void authenticated(RoutingContext ctx, String scope, Action action) {
        authenticated(ctx, scope, action::run, reply -> reply(ctx, reply));
    }

    /**
     * Authenticates on a worker thread, checks the scope and that the copy caught up, runs {@code action}, and hands
     * its result to {@code onSuccess} on this request's event loop (a failure is answered as a problem).
     */
    private <T> void authenticated(RoutingContext ctx, String scope, Function<Caller, CompletionStage<T>> action,
            Consumer<T> onSuccess) {
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        Context context = vertx.getOrCreateContext();
        vertx.<CompletionStage<T>>executeBlocking(() -> {
            Caller caller;
            try {
                caller = tokens.verify(authorization);
            } catch (InvalidToken e) {
                metrics.counter("api_auth_failures", "reason", e.reason()).increment();
                throw ApiProblem.unauthorized(e.getMessage(), authorization != null && !authorization.isBlank());
            }
            if (!caller.has(scope)) {
                metrics.counter("api_auth_failures", "reason", "scope").increment();
                throw ApiProblem.forbidden(scope);
            }
            if (!caughtUp.getAsBoolean()) {
                throw ApiProblem.unavailable("this instance is still catching up with the integrations topic",
                        Map.of());
            }
            return action.apply(caller);
        }, false).compose(stage -> Future.fromCompletionStage(stage, context)).onComplete(done -> {
            if (done.succeeded()) {
                onSuccess.accept(done.result());
            } else {
                problem(ctx, done.cause());
            }
        });
    }

    private static void reply(RoutingContext ctx, Reply reply) {
        HttpServerResponse response = ctx.response().setStatusCode(reply.status());
        reply.headers().forEach(response::putHeader);
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(write(reply.body()));
    }

    private void problem(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        ApiProblem problem;
        if (cause instanceof ApiProblem known) {
            problem = known;
        } else {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), cause);
            problem = ApiProblem.internal();
        }
        if (ctx.response().ended()) {
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(problem.status());
        problem.headers().forEach(response::putHeader);
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON).end(write(problem.toJson(ctx.request().path())));
    }

    private void status(RoutingContext ctx, boolean ok) {
        ctx.response().setStatusCode(ok ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .end((ok ? "OK\n" : "NOT OK\n") + health.name() + " " + (ok ? "UP" : "DOWN") + "\n");
    }

    /** Times every request by route and status, for {@code /metrics}. */
    private void measure(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> {
            String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "other"
                    : ctx.currentRoute().getPath();
            Timer.builder("api_http_requests").tag("method", ctx.request().method().name()).tag("route", route)
                    .tag("status", Integer.toString(ctx.response().getStatusCode())).register(metrics)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }

    private static OptionalLong positiveLong(String raw, String field) {
        return wholeNumber(raw, field, 1, " must be a positive whole number");
    }

    private static OptionalLong nonNegativeLong(String raw, String field) {
        return wholeNumber(raw, field, 0, " must be a whole number, 0 or more");
    }

    /** The parameter as a number of at least {@code min}, empty when absent; otherwise a 400 naming it. */
    private static OptionalLong wholeNumber(String raw, String field, long min, String rule) {
        if (raw == null || raw.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min) {
                return OptionalLong.of(value);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalid(field, field + rule);
    }

    private static void requireIdLength(String id) {
        if (id.length() > MAX_ID_LENGTH) {
            throw ApiProblem.notFound("integration " + id.substring(0, 16) + "…");
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals(APPLICATION_JSON) || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static String allowedMethods(String path) {
        if (path.equals("/v1/integrations")) {
            return "GET, POST";
        }
        if (path.startsWith("/v1/integrations/") && path.endsWith("/events")) {
            return "GET";
        }
        if (path.startsWith("/v1/integrations/")) {
            return "GET, DELETE";
        }
        return "GET";
    }

    private static String path(String integrationId) {
        return "/v1/integrations/" + URLEncoder.encode(integrationId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
