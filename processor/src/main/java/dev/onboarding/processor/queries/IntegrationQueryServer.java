package dev.onboarding.processor.queries;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.onboarding.contract.Integration;
import dev.onboarding.processor.TopologyNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over HTTP (JDK server): {@code GET /integrations/{id}} and
 * {@code GET /tenants/{tenant}/integrations} answer the JSON state of integrations (see
 * {@link IntegrationJson}). The stores are materialized from the processor's own output topic, keyed by
 * integration id. For one integration, the instance that receives the request asks Kafka Streams which
 * instance holds the key and forwards the request there when it is not itself. A tenant's integrations
 * are spread over all partitions: every instance answers for its own (through a local tenant index) and
 * the receiving one merges.
 *
 * <p>Under exactly-once, a store is updated while its task processes a record, before that task's
 * transaction commits: an answer may show a state a moment (about one commit interval) before it is
 * committed. The states themselves come from the committed output topic, so an aborted transaction's
 * state is never shown.
 */
public final class IntegrationQueryServer implements AutoCloseable {
    /** Header marking a request forwarded by another instance (it is never forwarded twice). */
    public static final String FORWARDED_HEADER = "X-Onboarding-Forwarded";

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationQueryServer.class);
    private static final StringSerializer KEYS = new StringSerializer();
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

    private final HttpServer server;
    private final ExecutorService executor;
    private final HostInfo self;
    private final HttpClient client;
    private volatile KafkaStreams streams;
    private volatile String integrationsTopic;
    private volatile Serde<Integration> integrations;

    private IntegrationQueryServer(HttpServer server, ExecutorService executor, HostInfo self) {
        this.server = server;
        this.executor = executor;
        this.self = self;
        this.client = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
    }

    /**
     * Binds and starts the server; requests answer 503 until {@link #serve} gives it the Streams instance.
     *
     * @param bindAddress address to bind
     * @param port port, 0 for any free one
     * @param advertisedHost the host other instances reach this one by
     */
    public static IntegrationQueryServer start(String bindAddress, int port, String advertisedHost) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the query server to " + bindAddress + ":" + port, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "integration-queries");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        IntegrationQueryServer queries = new IntegrationQueryServer(server, executor,
                new HostInfo(advertisedHost, server.getAddress().getPort()));
        server.createContext("/", queries::handle);
        server.start();
        return queries;
    }

    /**
     * Starts answering from {@code streams}' stores, which hold the integrations topic's bytes.
     *
     * @param streams the running processor
     * @param topic the integrations topic
     * @param serde its value serde
     */
    public void serve(KafkaStreams streams, String topic, Serde<Integration> serde) {
        this.integrationsTopic = topic;
        this.integrations = serde;
        this.streams = streams;
    }

    /** This instance as Kafka Streams advertises it ({@code application.server}). */
    public HostInfo hostInfo() {
        return self;
    }

    /** The base URL of this server, e.g. {@code http://host:8090}. */
    public URI url() {
        return URI.create("http://" + self.host() + ":" + self.port());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 405, IntegrationJson.error("only GET is supported"));
                return;
            }
            List<String> path = segments(exchange.getRequestURI().getRawPath());
            boolean forwarded = exchange.getRequestHeaders().containsKey(FORWARDED_HEADER);
            if (path.size() == 2 && path.get(0).equals("integrations")) {
                byId(exchange, path.get(1), forwarded);
            } else if (path.size() == 3 && path.get(0).equals("tenants") && path.get(2).equals("integrations")) {
                byTenant(exchange, path.get(1), forwarded);
            } else {
                reply(exchange, 404, IntegrationJson.error("no such resource"));
            }
        } catch (InvalidStateStoreException e) {
            LOG.debug("store not queryable right now", e);
            unavailable(exchange, "state is moving between instances; retry");
        } catch (RuntimeException e) {
            LOG.warn("query {} failed", exchange.getRequestURI().getRawPath(), e);
            reply(exchange, 500, IntegrationJson.error("internal error"));
        } finally {
            exchange.close();
        }
    }

    private void byId(HttpExchange exchange, String integrationId, boolean forwarded) throws IOException {
        KafkaStreams running = runningStreams(exchange);
        if (running == null) {
            return;
        }
        KeyQueryMetadata where = running.queryMetadataForKey(TopologyNames.INTEGRATIONS_BY_ID_STORE,
                integrationId, KEYS);
        if (!isLocal(exchange, where, forwarded)) {
            return;
        }
        Integration integration = decode(store(running, TopologyNames.INTEGRATIONS_BY_ID_STORE,
                where.partition()).get(integrationId));
        if (integration == null) {
            reply(exchange, 404, IntegrationJson.error("no integration " + integrationId));
        } else {
            reply(exchange, 200, IntegrationJson.of(integration));
        }
    }

    /**
     * A tenant's integrations are spread over the partitions of the by-id store (its key is the integration
     * id), so every instance holding some answers for its own partitions and the receiving one merges.
     */
    private void byTenant(HttpExchange exchange, String tenantId, boolean forwarded) throws IOException {
        KafkaStreams running = runningStreams(exchange);
        if (running == null) {
            return;
        }
        List<StreamsMetadata> holders = List.copyOf(
                running.streamsMetadataForStore(TopologyNames.TENANT_INDEX_STORE));
        List<String> parts = new ArrayList<>();
        if (holders.stream().anyMatch(holder -> holder.hostInfo().equals(self))) {
            parts.add(IntegrationJson.array(localIntegrationsOf(running, tenantId)));
        }
        if (!forwarded) {
            for (StreamsMetadata other : holders) {
                if (other.hostInfo().equals(self)) {
                    continue;
                }
                HttpResponse<String> response = ask(other.hostInfo(), exchange.getRequestURI().getRawPath());
                if (response == null || response.statusCode() != 200) {
                    unavailable(exchange, "an instance holding part of this tenant does not answer; retry");
                    return;
                }
                parts.add(IntegrationJson.integrationsOf(response.body()));
            }
        }
        reply(exchange, 200, IntegrationJson.ofTenantParts(tenantId, parts));
    }

    private List<Integration> localIntegrationsOf(KafkaStreams streams, String tenantId) {
        ReadOnlyKeyValueStore<String, String> index = streams.store(StoreQueryParameters.fromNameAndType(
                TopologyNames.TENANT_INDEX_STORE, QueryableStoreTypes.<String, String>keyValueStore()));
        ReadOnlyKeyValueStore<String, byte[]> byId = streams.store(StoreQueryParameters.fromNameAndType(
                TopologyNames.INTEGRATIONS_BY_ID_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
        List<Integration> found = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.prefixScan(TenantKeys.prefix(tenantId), KEYS)) {
            while (it.hasNext()) {
                Integration integration = decode(byId.get(it.next().value));
                if (integration != null) {
                    found.add(integration);
                }
            }
        }
        return found;
    }

    /** Whether this instance holds the key; otherwise answers (forwarded, or 503) and returns false. */
    private boolean isLocal(HttpExchange exchange, KeyQueryMetadata where, boolean forwarded) throws IOException {
        if (where == null || where.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            unavailable(exchange, "no instance holds this key right now; retry");
            return false;
        }
        if (where.activeHost().equals(self)) {
            return true;
        }
        if (forwarded) {
            // Another instance thought we hold it: metadata is changing under a rebalance.
            unavailable(exchange, "state is moving between instances; retry");
            return false;
        }
        forward(exchange, where.activeHost());
        return false;
    }

    private void forward(HttpExchange exchange, HostInfo owner) throws IOException {
        HttpResponse<String> response = ask(owner, exchange.getRequestURI().getRawPath());
        if (response == null) {
            unavailable(exchange, "the instance holding this key does not answer; retry");
        } else {
            reply(exchange, response.statusCode(), response.body());
        }
    }

    /** Asks another instance (marked as forwarded, so it answers for itself only); null when it does not answer. */
    private HttpResponse<String> ask(HostInfo owner, String rawPath) {
        URI target = URI.create("http://" + owner.host() + ":" + owner.port() + rawPath);
        HttpRequest request = HttpRequest.newBuilder(target).timeout(FORWARD_TIMEOUT).header(FORWARDED_HEADER, "1")
                .GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.warn("cannot query {}:{}: {}", owner.host(), owner.port(), e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private KafkaStreams runningStreams(HttpExchange exchange) throws IOException {
        KafkaStreams current = streams;
        if (current == null || (current.state() != KafkaStreams.State.RUNNING
                && current.state() != KafkaStreams.State.REBALANCING)) {
            unavailable(exchange, "the processor is not running yet");
            return null;
        }
        return current;
    }

    private static ReadOnlyKeyValueStore<String, byte[]> store(KafkaStreams streams, String name, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<String, byte[]>keyValueStore()).withPartition(partition));
    }

    private Integration decode(byte[] bytes) {
        return bytes == null ? null : integrations.deserializer().deserialize(integrationsTopic, bytes);
    }

    private static void unavailable(HttpExchange exchange, String why) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        reply(exchange, 503, IntegrationJson.error(why));
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The path of {@code GET /integrations/{id}}. */
    public static String integrationPath(String integrationId) {
        return "/integrations/" + URLEncoder.encode(integrationId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The path of {@code GET /tenants/{tenant}/integrations}. */
    public static String tenantPath(String tenantId) {
        return "/tenants/" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/integrations";
    }
}
