package dev.onboarding.api;

import dev.onboarding.api.auth.Caller;
import dev.onboarding.api.replica.IntegrationReplica;
import dev.onboarding.api.replica.StateWaits;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.OrganizationScope;
import dev.onboarding.schemas.requests.RequestConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API asks of the pipeline and how it answers: a create writes the request and answers with the state
 * that landed in {@code onboarding.integrations}; a read answers from this instance's copy of that topic (waiting
 * for a version when asked); a cancel writes the cancel of a PENDING integration. A tenant sees only its own
 * integrations: another tenant's is "not found", exactly like one that does not exist.
 */
public final class IntegrationRequests {
    /** The reason written into cancels made through the API. */
    static final String CANCEL_REASON = "cancelled through the API";

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationRequests.class);

    /**
     * A create the API was asked for.
     *
     * @param request what to create (the tenant is the caller's)
     * @param consoleRegion the region the quick-create link opens in (an organization's StackSet commands: its region)
     * @param idempotencyKey the caller's {@code Idempotency-Key}, if any
     */
    public record NewIntegration(IntegrationRequest request, String consoleRegion, Optional<String> idempotencyKey) {
    }

    /**
     * The answer to a create.
     *
     * @param state the integration's state
     * @param replayed whether an earlier request with the same key created it
     * @param consoleRegion the region of the quick-create link
     */
    public record Created(Integration state, boolean replayed, String consoleRegion) {
    }

    private final IntegrationReplica replica;
    private final StateWaits waits;
    private final RequestWriter writer;
    private final RequestConfig config;
    private final Duration createTimeout;
    private final Duration readYourWritesTimeout;
    private final Clock clock;
    private final ExternalIds externalIds = new ExternalIds();
    private final Counter created;
    private final Counter replayed;
    private final Counter cancels;

    IntegrationRequests(IntegrationReplica replica, StateWaits waits, RequestWriter writer, ApiConfig config,
            Clock clock, MeterRegistry metrics) {
        this.replica = replica;
        this.waits = waits;
        this.writer = writer;
        this.config = config.requests();
        this.createTimeout = config.createTimeout();
        this.readYourWritesTimeout = config.readYourWritesTimeout();
        this.clock = clock;
        // "_created" would clash with the suffix OpenMetrics reserves, hence an outcome tag.
        this.created = Counter.builder("api_creates").tag("outcome", "created")
                .description("Creates answered, by outcome (replayed: an earlier request with the key made it)")
                .register(metrics);
        this.replayed = Counter.builder("api_creates").tag("outcome", "replayed")
                .description("Creates answered, by outcome (replayed: an earlier request with the key made it)")
                .register(metrics);
        this.cancels = Counter.builder("api_cancels_requested").description("Cancels written through the API")
                .register(metrics);
    }

    /** The request settings (template URL, TTL, console region) of the quick-create link. */
    public RequestConfig requestConfig() {
        return config;
    }

    /**
     * Creates an integration for the caller and completes once its state is in the integrations topic (or with
     * an {@link ApiProblem}: 503 naming the integration id when it did not land in time, 422 when the key was
     * used for another request).
     */
    public CompletionStage<Created> create(Caller caller, NewIntegration asked) {
        IntegrationRequest request = asked.request();
        String integrationId = asked.idempotencyKey()
                .map(key -> IdempotencyKeys.integrationId(caller.tenantId(), key))
                .orElseGet(() -> "int-" + UUID.randomUUID());
        if (asked.idempotencyKey().isPresent()) {
            Optional<Integration> existing = replica.get(integrationId);
            if (existing.isPresent()) {
                return CompletableFuture.completedFuture(replay(existing.get(), asked));
            }
        }
        String externalId = externalIds.mint();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        IntegrationRequested event = request.toEvent(integrationId, externalId, now, config.ttl());
        // Waiting starts before the write, so a state that lands at once is not missed.
        CompletableFuture<StateWaits.Awaited> landed = waits.await(integrationId, state -> true, createTimeout);
        return writer.send(integrationId, IntegrationRequestEvent.newBuilder().setEvent(event).build())
                .exceptionally(error -> {
                    landed.cancel(false);
                    LOG.warn("cannot write the request of integration {}: {}", integrationId, rootCause(error));
                    throw new CompletionException(ApiProblem.unavailable("the request could not be recorded (Kafka "
                            + "did not acknowledge it); retry, with the same Idempotency-Key if you sent one",
                            Map.of("integrationId", integrationId)));
                })
                .thenCompose(metadata -> landed)
                .thenApply(awaited -> {
                    Integration state = awaited.state().orElseThrow(() -> new CompletionException(
                            ApiProblem.unavailable("the request was recorded but its state did not appear within "
                                    + createTimeout.toSeconds() + " s; read it later by its id",
                                    Map.of("integrationId", integrationId))));
                    if (!state.getExternalId().equals(externalId)) {
                        // Another request with the same key landed first: the processor kept that one.
                        return replay(state, asked);
                    }
                    created.increment();
                    LOG.info("created integration {} for tenant {} (external ID {})", integrationId,
                            caller.tenantId(), ExternalIds.redact(externalId));
                    return new Created(state, false, asked.consoleRegion());
                });
    }

    /** The earlier integration of a key, when the request asks for the same thing; 422 otherwise. */
    private Created replay(Integration state, NewIntegration asked) {
        IntegrationRequest request = asked.request();
        Optional<String> differing = !state.getTenantId().equals(request.tenantId()) ? Optional.of("tenant")
                : !state.getName().equals(request.name()) ? Optional.of("name")
                : !state.getRoleName().equals(request.roleName()) ? Optional.of("roleName")
                : !Objects.equals(state.getExpectedAccountId(), request.expectedAccountId().orElse(null))
                        ? Optional.of("expectedAccountId")
                : !state.getTags().equals(request.tags()) ? Optional.of("tags")
                : state.getKind() != request.kind() ? Optional.of("kind")
                : !Objects.equals(state.getExpectedOrganizationId(), request.organization()
                        .map(OrganizationScope::expectedOrganizationId).orElse(null))
                        ? Optional.of("expectedOrganizationId")
                : !Objects.equals(Objects.requireNonNullElse(state.getOrganizationalUnitIds(), List.of()),
                        request.organization().map(OrganizationScope::organizationalUnitIds).orElse(List.of()))
                        ? Optional.of("organizationalUnitIds")
                : Optional.empty();
        if (differing.isPresent()) {
            throw new CompletionException(ApiProblem.unprocessable("Idempotency-Key", "this Idempotency-Key was "
                    + "used for another request (its " + differing.get() + " differs); use a new key for a new "
                    + "integration", Map.of("integrationId", state.getIntegrationId())));
        }
        replayed.increment();
        return new Created(state, true, asked.consoleRegion());
    }

    /**
     * The caller's integration; with a minimum version, waits (up to the read-your-writes timeout) until this
     * instance's copy has it, and answers 503 when it does not arrive in time.
     */
    public CompletionStage<Integration> read(Caller caller, String integrationId, OptionalLong minVersion) {
        Predicate<Integration> visible = state -> state.getTenantId().equals(caller.tenantId());
        if (minVersion.isEmpty()) {
            return CompletableFuture.completedFuture(replica.get(integrationId).filter(visible)
                    .orElseThrow(() -> notFound(integrationId)));
        }
        long version = minVersion.getAsLong();
        // Another tenant's integration waits like a missing one, so the timing cannot tell them apart.
        return waits.await(integrationId, visible.and(state -> state.getVersion() >= version), readYourWritesTimeout)
                .thenApply(awaited -> {
                    if (awaited.satisfied()) {
                        return awaited.state().orElseThrow();
                    }
                    Integration current = awaited.state().filter(visible).orElseThrow(() -> notFound(integrationId));
                    throw new CompletionException(ApiProblem.unavailable("this instance has version "
                            + current.getVersion() + " of the integration, not yet " + version + "; retry",
                            Map.of("integrationId", integrationId, "version", current.getVersion())));
                });
    }

    /** The caller's integration as this instance's copy has it; {@code 404} when it is not the caller's. */
    public Integration visible(Caller caller, String integrationId) {
        return replica.get(integrationId).filter(state -> state.getTenantId().equals(caller.tenantId()))
                .orElseThrow(() -> notFound(integrationId));
    }

    /**
     * Long poll: completes with the caller's integration as soon as its version exceeds {@code after} (by default
     * the version it has now), or after {@code wait} with its current state. One this instance has not seen yet
     * (just created through another instance) is waited for like a change; not the caller's after the wait:
     * {@code 404}. Cancelling the future stops the wait.
     */
    public CompletableFuture<Integration> awaitChange(Caller caller, String integrationId, OptionalLong after,
            Duration wait) {
        Predicate<Integration> visible = state -> state.getTenantId().equals(caller.tenantId());
        Optional<Integration> now = replica.get(integrationId).filter(visible);
        long version = after.orElse(now.map(Integration::getVersion).orElse(0L));
        if (now.isPresent() && (now.get().getVersion() > version || wait.isZero())) {
            return CompletableFuture.completedFuture(now.get());
        }
        CompletableFuture<StateWaits.Awaited> awaited = waits.await(integrationId,
                visible.and(state -> state.getVersion() > version), wait);
        CompletableFuture<Integration> answer = awaited.thenApply(done -> done.state().filter(visible)
                .orElseThrow(() -> new CompletionException(notFound(integrationId))));
        answer.whenComplete((state, error) -> {
            if (answer.isCancelled()) {
                awaited.cancel(false);
            }
        });
        return answer;
    }

    /** A page of the caller's integrations. */
    public IntegrationReplica.Page list(Caller caller, Optional<IntegrationStatus> status, int limit,
            Optional<String> cursor) {
        return replica.list(caller.tenantId(), status, limit, cursor);
    }

    /**
     * Asks to cancel the caller's PENDING integration; completes with the state the cancel was asked on once Kafka
     * has the cancel. The final state (CANCELLED, or the stack's outcome when it won the race) follows on the
     * integrations topic.
     */
    public CompletionStage<Integration> cancel(Caller caller, String integrationId) {
        Integration state = replica.get(integrationId).filter(s -> s.getTenantId().equals(caller.tenantId()))
                .orElseThrow(() -> notFound(integrationId));
        if (state.getStatus() != IntegrationStatus.PENDING) {
            throw ApiProblem.conflict("only a PENDING integration can be cancelled; this one is "
                    + state.getStatus() + (state.getStatus() == IntegrationStatus.CONNECTED
                            ? " (a connected account is disconnected by deleting its stack)" : ""),
                    Map.of("integrationId", integrationId, "integrationStatus", state.getStatus().name()));
        }
        IntegrationCancelled cancel = IntegrationCancelled.newBuilder()
                .setIntegrationId(integrationId)
                .setTenantId(state.getTenantId())
                .setExternalId(state.getExternalId())
                .setReason(CANCEL_REASON)
                .setCancelledAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .build();
        return writer.send(integrationId, IntegrationRequestEvent.newBuilder().setEvent(cancel).build())
                .handle((metadata, error) -> {
                    if (error != null) {
                        LOG.warn("cannot write the cancel of integration {}: {}", integrationId, rootCause(error));
                        throw new CompletionException(ApiProblem.unavailable("the cancel could not be recorded "
                                + "(Kafka did not acknowledge it); retry", Map.of("integrationId", integrationId)));
                    }
                    cancels.increment();
                    LOG.info("cancel of integration {} requested by tenant {}", integrationId, caller.tenantId());
                    return state;
                });
    }

    private static ApiProblem notFound(String integrationId) {
        return ApiProblem.notFound("integration " + integrationId);
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
