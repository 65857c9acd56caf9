package dev.onboarding.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.api.replica.IntegrationReplica;
import dev.onboarding.contract.Integration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open event streams ({@code GET /v1/integrations/{id}/events}) of this instance, fed by the copy of the
 * integrations topic: every change is encoded once, on the copy's thread, and handed to each stream of that
 * integration on the stream's own event loop. A stream sends the current state first (unless {@code Last-Event-ID}
 * already has it), then every newer state as event {@code state} with {@code id:} its version, a comment every
 * heartbeat interval, and ends with event {@code expired} when the caller's token expires (or {@code deleted} when
 * the topic deletes the integration).
 *
 * <p>Bounded: at most {@link WatchConfig#maxBufferedBytes} wait unsent per connection; past it the newest state
 * replaces any unsent one (states are whole, so nothing is lost but intermediate versions), and a connection that
 * stays past it for {@link WatchConfig#slowReaderTimeout} is closed (the client resumes with {@code Last-Event-ID}).
 * A stream never blocks: a slow reader costs only its own bounded buffer.
 */
final class EventStreams implements IntegrationReplica.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Set<EventStream>> byIntegration = new ConcurrentHashMap<>();
    private final IntegrationViews views;
    private final WatchConfig config;
    private final Clock clock;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter sent;
    private final Counter slowClosed;

    EventStreams(IntegrationReplica replica, IntegrationViews views, WatchConfig config, Clock clock,
            MeterRegistry metrics) {
        this.views = views;
        this.config = config;
        this.clock = clock;
        Gauge.builder("api_event_streams", open::get).description("Open event streams").register(metrics);
        this.sent = Counter.builder("api_events_sent").description("State events written to event streams")
                .register(metrics);
        this.slowClosed = Counter.builder("api_event_streams_slow_closed")
                .description("Event streams closed because their reader did not keep up").register(metrics);
        replica.addListener(this);
    }

    /**
     * Starts a stream on {@code response}; call on the request's context. Changes are followed from now on, so
     * {@code current} (read after this call) or a later change reaches the client.
     *
     * @param afterVersion the client already has this version ({@code Last-Event-ID}), 0 if none
     * @param expiresAt when the caller's token expires: the stream ends then
     * @param permit the caller's watch permit, given back when the stream ends
     * @return the stream, to {@link EventStream#offer} the state read after registering
     */
    EventStream open(String integrationId, HttpServerResponse response, Context context, long afterVersion,
            Instant expiresAt, WatchLimits.Permit permit) {
        EventStream stream = new EventStream(integrationId, response, context, afterVersion, permit);
        // Added inside compute: a concurrent removal of the last stream cannot drop the set it is added to.
        byIntegration.compute(integrationId, (id, set) -> {
            Set<EventStream> streams = set == null ? ConcurrentHashMap.newKeySet() : set;
            streams.add(stream);
            return streams;
        });
        open.incrementAndGet();
        stream.start(Math.max(1, expiresAt.toEpochMilli() - clock.millis()));
        return stream;
    }

    @Override
    public void changed(String integrationId, Integration state) {
        Set<EventStream> streams = byIntegration.get(integrationId);
        if (streams == null || streams.isEmpty()) {
            return;
        }
        if (state == null) {
            streams.forEach(stream -> stream.context.runOnContext(v -> stream.end("deleted",
                    "{\"reason\":\"the integration was deleted\"}")));
            return;
        }
        byte[] event = encode(state);
        long version = state.getVersion();
        streams.forEach(stream -> stream.context.runOnContext(v -> stream.offer(version, event)));
    }

    /** One integration state as an SSE event: {@code id}, {@code event: state}, the state's JSON on one line. */
    byte[] encode(Integration state) {
        try {
            return ("id: " + state.getVersion() + "\nevent: state\ndata: " + JSON.writeValueAsString(views.state(state))
                    + "\n\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a state as JSON", e);
        }
    }

    /** One open stream; every method but the constructor runs on its context. */
    final class EventStream {
        private final String integrationId;
        private final HttpServerResponse response;
        private final Context context;
        private final WatchLimits.Permit permit;
        private long lastSent;
        private byte[] unsent;
        private long unsentVersion;
        private long heartbeatTimer = -1;
        private long expiryTimer = -1;
        private long slowTimer = -1;
        private boolean ended;

        private EventStream(String integrationId, HttpServerResponse response, Context context, long afterVersion,
                WatchLimits.Permit permit) {
            this.integrationId = integrationId;
            this.response = response;
            this.context = context;
            this.lastSent = afterVersion;
            this.permit = permit;
        }

        private void start(long expiresInMillis) {
            response.setChunked(true).setWriteQueueMaxSize(config.maxBufferedBytes())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    // Reverse proxies (nginx) must pass events on as they come.
                    .putHeader("X-Accel-Buffering", "no");
            response.closeHandler(v -> cleanUp());
            response.endHandler(v -> cleanUp());
            response.drainHandler(v -> drained());
            response.write("retry: 2000\n\n");
            heartbeatTimer = context.owner().setPeriodic(config.heartbeatInterval().toMillis(), t -> heartbeat());
            expiryTimer = context.owner().setTimer(expiresInMillis, t -> end("expired",
                    "{\"reason\":\"the bearer token expired; reconnect with a fresh token and Last-Event-ID\"}"));
        }

        /** A state of this integration: sent if newer than what the client has, folded if the buffer is full. */
        void offer(long version, byte[] event) {
            if (ended || version <= lastSent || version <= unsentVersion) {
                return;
            }
            if (response.writeQueueFull()) {
                unsent = event;
                unsentVersion = version;
                if (slowTimer < 0) {
                    slowTimer = context.owner().setTimer(config.slowReaderTimeout().toMillis(), t -> tooSlow());
                }
                return;
            }
            send(version, event);
        }

        private void send(long version, byte[] event) {
            response.write(Buffer.buffer(event));
            lastSent = version;
            sent.increment();
        }

        private void drained() {
            if (ended) {
                return;
            }
            if (unsent != null) {
                byte[] event = unsent;
                unsent = null;
                send(unsentVersion, event);
            }
            if (!response.writeQueueFull() && slowTimer >= 0) {
                context.owner().cancelTimer(slowTimer);
                slowTimer = -1;
            }
        }

        private void heartbeat() {
            if (!ended && !response.writeQueueFull()) {
                response.write(": heartbeat\n\n");
            }
        }

        private void tooSlow() {
            slowTimer = -1;
            if (!ended && response.writeQueueFull()) {
                slowClosed.increment();
                cleanUp();
                // The client resumes from its last event with Last-Event-ID. HTTP/1.1: the connection closes;
                // HTTP/2: this stream alone is reset.
                response.reset();
            }
        }

        /** Ends the stream with a last event. */
        void end(String event, String data) {
            if (!ended) {
                cleanUp();
                response.end("event: " + event + "\ndata: " + data + "\n\n");
            }
        }

        private void cleanUp() {
            if (ended) {
                return;
            }
            ended = true;
            unsent = null;
            for (long timer : new long[] {heartbeatTimer, expiryTimer, slowTimer}) {
                if (timer >= 0) {
                    context.owner().cancelTimer(timer);
                }
            }
            byIntegration.computeIfPresent(integrationId, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
            open.decrementAndGet();
            permit.release();
        }
    }
}
