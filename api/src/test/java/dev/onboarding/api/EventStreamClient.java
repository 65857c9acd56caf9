package dev.onboarding.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real server-sent-events reader of {@code /v1/integrations/{id}/events} (the JDK's HTTP client, the SSE line
 * format parsed as a browser does): every event and comment it reads lands in a queue the test waits on. The
 * response is checked against the OpenAPI document, and every state event's data against its Integration schema.
 */
final class EventStreamClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One event, or a comment line (then {@code event} is {@code "comment"} and {@code data} its text).
     *
     * @param id the {@code id:} field, if any
     * @param event the event type
     * @param data the data
     */
    record Event(Optional<String> id, String event, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + data, e);
            }
        }

        long version() {
            return Long.parseLong(id.orElseThrow());
        }
    }

    /** Marks the end of the stream in the queue. */
    static final Event END = new Event(Optional.empty(), "(end of stream)", "");

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    private EventStreamClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        if (response.statusCode() == 200) {
            reader.start();
        }
    }

    /** Opens the stream of {@code integrationId} on {@code base} with {@code token}, resuming after {@code lastId}. */
    static EventStreamClient open(URI base, String integrationId, String token, Optional<Long> lastId) {
        String path = "/v1/integrations/" + integrationId + "/events";
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        lastId.ifPresent(id -> request.header("Last-Event-ID", Long.toString(id)));
        try {
            HttpResponse<InputStream> response = HTTP.send(request.GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String contentType = response.headers().firstValue("Content-Type").orElse(null);
            String body = response.statusCode() == 200 ? "" : new String(response.body().readAllBytes(),
                    StandardCharsets.UTF_8);
            OpenApiContract.get().check("GET", path, response.statusCode(), contentType, body);
            return new EventStreamClient(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status() {
        return response.statusCode();
    }

    Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    /** The next event or comment, failing after {@code timeout}. */
    Event next(Duration timeout) {
        try {
            Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + timeout.toSeconds() + " s");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event (comments skipped) matching {@code wanted}; events before it are returned too. */
    List<Event> until(Predicate<Event> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> seen = new ArrayList<>();
        while (true) {
            Event event = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            seen.add(event);
            if (wanted.test(event)) {
                return seen;
            }
            if (event == END) {
                throw new AssertionError("the stream ended before the event; saw " + seen);
            }
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            Optional<String> id = Optional.empty();
            String type = "message";
            StringBuilder data = new StringBuilder();
            boolean any = false;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (any) {
                        Event event = new Event(id, type, data.toString());
                        if (event.event().equals("state")) {
                            OpenApiContract.get().checkSchema("Integration", event.data());
                        }
                        events.add(event);
                    }
                    id = Optional.empty();
                    type = "message";
                    data.setLength(0);
                    any = false;
                } else if (line.startsWith(":")) {
                    events.add(new Event(Optional.empty(), "comment", line.substring(1).strip()));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> {
                            id = Optional.of(value);
                            any = true;
                        }
                        case "event" -> {
                            type = value;
                            any = true;
                        }
                        case "data" -> {
                            data.append(data.length() > 0 ? "\n" : "").append(value);
                            any = true;
                        }
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // closed under us: the end of the stream
        } catch (AssertionError e) {
            events.add(new Event(Optional.empty(), "contract-violation", e.getMessage()));
        } finally {
            events.add(END);
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
    }
}
