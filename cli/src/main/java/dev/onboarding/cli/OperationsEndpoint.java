package dev.onboarding.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.onboarding.runtime.Service;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's view of one process: {@code /health} (alive), {@code /ready} (every service doing its
 * job: pollers up, Streams RUNNING) and {@code /metrics} (Prometheus text). Apps may mount more
 * routes (the processor's queries).
 */
public final class OperationsEndpoint implements AutoCloseable {
    /** The default of {@code ops.http.port} (the image exposes it and its health check calls it). */
    public static final int DEFAULT_PORT = 8080;

    private final HttpServer server;
    private final ExecutorService executor;

    private OperationsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Serves on {@code host:port} (port 0 picks a free one). */
    public static OperationsEndpoint start(String host, int port, List<? extends Service> services,
            PrometheusMeterRegistry metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "onboarding-ops-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/health", exchange -> {
                boolean alive = services.stream().allMatch(Service::isAlive);
                respond(exchange, alive ? 200 : 503, "text/plain", status(services, alive, true));
            });
            server.createContext("/ready", exchange -> {
                boolean ready = services.stream().allMatch(Service::isReady);
                respond(exchange, ready ? 200 : 503, "text/plain", status(services, ready, false));
            });
            server.createContext("/metrics", exchange -> respond(exchange, 200,
                    "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
            server.start();
            return new OperationsEndpoint(server, executor);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the operations endpoint on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Mounts another route (e.g. interactive queries). */
    void mount(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    private static String status(List<? extends Service> services, boolean ok, boolean liveness) {
        StringBuilder body = new StringBuilder(ok ? "OK\n" : "NOT OK\n");
        for (Service s : services) {
            boolean up = liveness ? s.isAlive() : s.isReady();
            body.append(s.name()).append(' ').append(up ? "UP" : "DOWN").append('\n');
        }
        return body.toString();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
