package dev.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.processor.queries.IntegrationQueryServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The processor's query endpoint over HTTP: the state of one integration, {@code GET /integrations/<id>}. */
public final class ProcessorQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long 503s (a rebalance, a restoring store) are retried, honouring their Retry-After. */
    private static final Duration UNAVAILABLE_PATIENCE = Duration.ofSeconds(30);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofSeconds(5);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Queries against the processor at {@code baseUrl}, e.g. {@code http://127.0.0.1:8081}. */
    public ProcessorQueries(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    /**
     * The integration's state as JSON (with {@code status} among its fields), or empty when the processor does
     * not know it (404). A 503 is asked again after its {@code Retry-After}, for up to 30 s. Anything else
     * (unreachable, other 5xx, not JSON) is an error naming the URL.
     */
    public Optional<JsonNode> integration(String integrationId) {
        URI uri = URI.create(baseUrl + IntegrationQueryServer.integrationPath(integrationId));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                .GET().build();
        long giveUpAt = System.nanoTime() + UNAVAILABLE_PATIENCE.toNanos();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
            // 503: the instance holding the key is restoring or rebalancing; it says when to ask again.
            while (response.statusCode() == 503 && System.nanoTime() < giveUpAt) {
                Thread.sleep(retryAfter(response).toMillis());
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the processor at " + baseUrl + " (is the local stack "
                    + "running?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the processor");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the processor at " + baseUrl + " answered HTTP " + response.statusCode()
                    + " for integration " + integrationId);
        }
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node == null || !node.isObject()) {
                throw new IllegalStateException("the processor's answer for " + integrationId + " is not a JSON "
                        + "object");
            }
            return Optional.of(node);
        } catch (IOException e) {
            throw new IllegalStateException("the processor's answer for " + integrationId + " is not JSON", e);
        }
    }

    /** The answer's Retry-After in seconds, bounded; one second when absent or not a number. */
    static Duration retryAfter(HttpResponse<?> response) {
        try {
            long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("1").trim());
            return Duration.ofSeconds(Math.max(0, Math.min(seconds, LONGEST_RETRY_AFTER.toSeconds())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    /** Where these queries go. */
    public String baseUrl() {
        return baseUrl;
    }
}
