package dev.onboarding.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-HTTP stand-in on 127.0.0.1 for the S3 pre-signed URLs CloudFormation hands to custom resources for their
 * response. It records every request exactly as received and answers 200 unless scripted otherwise.
 *
 * <p>Built on the JDK's {@code HttpServer} rather than WireMock: nothing sits between the socket and the recording
 * (no stub matching, no body decoding), and scripted delays simply block a handler thread.
 *
 * <p>Paths given to the methods below may be raw ({@code %7C}) or decoded ({@code |}) or a full URL from
 * {@link #responseUrlFor}; they are compared after percent-decoding, without the query string.
 *
 * <p>Another process (e.g. {@code onboarding simulate launch-stack --wait}) reads what was received over HTTP:
 * {@code GET /__onboarding/requests[?contains=TEXT]} answers a JSON array of the recorded requests (oldest first,
 * optionally only those whose decoded path contains TEXT), each with {@code method}, {@code path}, {@code query}
 * (without the signature), {@code headers}, {@code body} (UTF-8 text) and {@code receivedAt}. Admin calls are not
 * recorded and are never failed, delayed or redirected by the scripts.
 */
public final class S3ResponseStandIn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3ResponseStandIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_PREFIX = "/__onboarding/";

    /** Path of the admin route that lists the recorded requests. */
    public static final String ADMIN_REQUESTS_PATH = "/__onboarding/requests";

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * One request as received.
     *
     * @param method     the HTTP method
     * @param path       the request path, undecoded (e.g. with {@code %3A} and {@code %7C})
     * @param rawQuery   the query string, undecoded, or null
     * @param headers    every header; names are case-insensitive (the JDK server normalizes their case), values
     *                   exactly as sent, in order
     * @param body       the body bytes
     * @param receivedAt when the request arrived
     * @param status     the HTTP status it was answered with (2xx: the answer was delivered)
     */
    public record RecordedRequest(String method, String path, String rawQuery, Map<String, List<String>> headers,
                                  byte[] body, Instant receivedAt, int status) {

        /** Copies the arguments; the header map is case-insensitive. */
        public RecordedRequest {
            TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
            headers = Collections.unmodifiableMap(copy);
            body = body.clone();
        }

        /** The body bytes (a copy). */
        @Override
        public byte[] body() {
            return body.clone();
        }

        /** The body decoded as UTF-8. */
        public String bodyAsString() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of header {@code name}, if the header was sent. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** Whether header {@code name} was sent at all (even with an empty value). */
        public boolean hasHeader(String name) {
            return headers.containsKey(name);
        }

        /** The Content-Type header as sent; empty when the client sent none (what S3 pre-signed PUTs need). */
        public Optional<String> contentType() {
            return header("Content-Type");
        }

        /** Whether the request was answered with a 2xx status, i.e. the PUT reached its target. */
        public boolean delivered() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return method + " " + path + (rawQuery == null ? "" : "?" + rawQuery) + " headers=" + headers
                    + " body=" + body.length + " bytes at " + receivedAt + " answered " + status;
        }
    }

    private static final class Script {
        private final int[] statuses;
        private int next;

        Script(int[] statuses) {
            this.statuses = statuses;
        }

        synchronized int nextStatus() {
            int status = statuses[Math.min(next, statuses.length - 1)];
            next++;
            return status;
        }
    }

    private final List<RecordedRequest> recorded = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, Integer> refusedPrefixes = new ConcurrentHashMap<>();
    private volatile Instant failAllUntil = Instant.MIN;
    private volatile int failAllStatus;
    private final byte[] signingKey = new byte[32];
    private final HttpServer server;
    private final ExecutorService handlers;

    private S3ResponseStandIn() throws IOException {
        new SecureRandom().nextBytes(signingKey);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Support.LOOPBACK), 0), 50);
        AtomicInteger threadNumber = new AtomicInteger();
        // Unbounded so a scripted delay on one path never holds up requests to other paths.
        handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "s3-stand-in-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a stand-in on a free loopback port. */
    public static S3ResponseStandIn start() {
        try {
            S3ResponseStandIn s3 = new S3ResponseStandIn();
            LOG.info("S3 response stand-in listening on {}", s3.origin());
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the S3 response stand-in", e);
        }
    }

    /** The base URI, {@code http://127.0.0.1:<port>/}. */
    public URI endpoint() {
        return URI.create(origin() + "/");
    }

    /** Scheme, host and port, {@code http://127.0.0.1:<port>} (no trailing slash). */
    public String origin() {
        return "http://" + Support.LOOPBACK + ":" + server.getAddress().getPort();
    }

    /**
     * A realistic pre-signed response URL on this stand-in for a custom resource with logical id "CustomResource";
     * see {@link #responseUrlFor(String, String, String, String)}.
     */
    public String responseUrlFor(String region, String stackId, String requestId) {
        return responseUrlFor(region, stackId, "CustomResource", requestId);
    }

    /**
     * A realistic pre-signed response URL on this stand-in, shaped like CloudFormation's:
     * {@code /cloudformation-custom-resource-response-<region without dashes>/<url-encoded stackId|logicalId|requestId>}
     * with X-Amz-* query parameters and a signature unique to the path. The same arguments give the same path.
     */
    public String responseUrlFor(String region, String stackId, String logicalResourceId, String requestId) {
        return responseUrl(origin(), signingKey, Instant.now(), region, stackId, logicalResourceId, requestId);
    }

    /**
     * The same URL shape on any stand-in {@code origin} (for callers in another process that know only the
     * endpoint), signed with {@code signingKey}: the stand-in never checks signatures.
     */
    public static String responseUrl(String origin, byte[] signingKey, Instant now, String region, String stackId,
            String logicalResourceId, String requestId) {
        String path = "/cloudformation-custom-resource-response-" + region.replace("-", "") + "/"
                + encodePath(stackId + "|" + logicalResourceId + "|" + requestId);
        String date = AMZ_DATE.format(now);
        String credential = "AKIA" + HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(signingKey, 8))
                + "/" + date.substring(0, 8) + "/" + region + "/s3/aws4_request";
        return origin.replaceAll("/+$", "") + path
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Date=" + date
                + "&X-Amz-SignedHeaders=host"
                + "&X-Amz-Expires=7200"
                + "&X-Amz-Credential=" + encodePath(credential).replace("/", "%2F")
                + "&X-Amz-Signature=" + sign(signingKey, path + date);
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** The requests received for {@code path}, oldest first. */
    public List<RecordedRequest> requestsForPath(String path) {
        String wanted = canonical(path);
        return requests().stream().filter(r -> canonical(r.path()).equals(wanted)).toList();
    }

    /** How many requests were received so far. */
    public int requestCount() {
        return recorded.size();
    }

    /**
     * The requests received since the last call (or since the start), oldest first, and forgets them: for a caller
     * that follows a long run without keeping every request twice.
     */
    public List<RecordedRequest> takeRequests() {
        synchronized (recorded) {
            List<RecordedRequest> taken = List.copyOf(recorded);
            recorded.clear();
            return taken;
        }
    }

    /**
     * Answers every request whose path starts with {@code pathPrefix} with {@code status}, as S3 refuses a URL whose
     * signature it does not accept (403): a forged ResponseURL on the stand-in's origin.
     */
    public void refuseUnder(String pathPrefix, int status) {
        refusedPrefixes.put(pathPrefix, status);
    }

    /** Forgets recorded requests only; scripted answers stay. */
    public void clearRequests() {
        recorded.clear();
    }

    /** Forgets recorded requests and every scripted answer: back to 200 for everything. */
    public void reset() {
        recorded.clear();
        scripts.clear();
        delays.clear();
        redirects.clear();
        refusedPrefixes.clear();
        failAllUntil = Instant.MIN;
    }

    /** Answers requests to {@code path} with these statuses in turn; the last one repeats. */
    public void respondWith(String path, int... statuses) {
        if (statuses.length == 0) {
            throw new IllegalArgumentException("at least one status is needed");
        }
        scripts.put(canonical(path), new Script(statuses.clone()));
    }

    /** Holds every answer to {@code path} for {@code delay} before sending it. */
    public void delay(String path, Duration delay) {
        delays.put(canonical(path), delay);
    }

    /** Every request (any path) gets {@code status} for the next {@code window}; scripted sequences are not consumed. */
    public void failAllFor(Duration window, int status) {
        failAllStatus = status;
        failAllUntil = Instant.now().plus(window);
    }

    /** Answers requests to {@code path} with 307 and {@code Location: location} (for not-following-redirects tests). */
    public void redirectTo(String path, String location) {
        redirects.put(canonical(path), location);
    }

    /** Stops the server at once; requests in flight (e.g. delayed ones) are cut off. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            URI uri = exchange.getRequestURI();
            if (uri.getRawPath().startsWith(ADMIN_PREFIX)) {
                admin(exchange, uri);
                return;
            }
            Instant receivedAt = Instant.now();
            String key = canonical(uri.getRawPath());
            // The answer is chosen on arrival, so the recording can say what the client was told.
            String location = redirects.get(key);
            Script script = scripts.get(key);
            Integer refused = refusedPrefixes.isEmpty() ? null : refusedPrefixes.entrySet().stream()
                    .filter(e -> uri.getRawPath().startsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
            int status = receivedAt.isBefore(failAllUntil) ? failAllStatus
                    : location != null ? 307
                    : refused != null ? refused
                    : script == null ? 200 : script.nextStatus();
            recorded.add(new RecordedRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    exchange.getRequestHeaders(), body, receivedAt, status));

            Duration delay = delays.get(key);
            if (delay != null && !delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis()); // a scripted slow S3, not a wait in a test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // closing
                }
            }
            if (status == 307) {
                exchange.getResponseHeaders().add("Location", location);
                exchange.sendResponseHeaders(307, -1);
                return;
            }
            respond(exchange, status);
        } catch (IOException | RuntimeException e) {
            LOG.debug("S3 stand-in could not answer (client gone?)", e);
        }
    }

    /** The admin route: the recorded requests as JSON, for a process that cannot call {@link #requests()}. */
    private void admin(HttpExchange exchange, URI uri) throws IOException {
        int status;
        String body;
        if (!ADMIN_REQUESTS_PATH.equals(uri.getRawPath())) {
            status = 404;
            body = "{\"error\":\"no such admin route\"}";
        } else if (!"GET".equals(exchange.getRequestMethod())) {
            status = 405;
            body = "{\"error\":\"use GET\"}";
        } else {
            String contains = queryParameter(uri.getRawQuery(), "contains");
            ArrayNode list = JSON.createArrayNode();
            for (RecordedRequest r : requests()) {
                if (contains == null || canonical(r.path()).contains(contains)) {
                    list.add(toJson(r));
                }
            }
            status = 200;
            body = JSON.writeValueAsString(list);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode toJson(RecordedRequest r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("method", r.method());
        node.put("path", r.path());
        node.put("query", withoutSignature(r.rawQuery()));
        ObjectNode headers = node.putObject("headers");
        r.headers().forEach((name, values) -> {
            ArrayNode list = headers.putArray(name);
            values.forEach(list::add);
        });
        node.put("body", r.bodyAsString());
        node.put("receivedAt", r.receivedAt().toString());
        node.put("status", r.status());
        return node;
    }

    /** The signature is what makes a pre-signed URL usable: the admin listing leaves it out. */
    private static String withoutSignature(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty() || pair.startsWith("X-Amz-Signature=")) {
                continue;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair);
        }
        return out.toString();
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.getResponseHeaders().add("x-amz-request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase());
        if (status >= 200 && status < 300) {
            exchange.getResponseHeaders().add("ETag", "\"" + UUID.randomUUID().toString().replace("-", "") + "\"");
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        // S3 answers errors with a small XML document.
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + s3ErrorCode(status)
                + "</Code><Message>Scripted by S3ResponseStandIn</Message><RequestId>"
                + UUID.randomUUID() + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, xml.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(xml);
        }
    }

    private static String s3ErrorCode(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 403 -> "AccessDenied";
            case 404 -> "NoSuchKey";
            case 500 -> "InternalError";
            case 503 -> "SlowDown";
            default -> "Error" + status;
        };
    }

    // ---------------------------------------------------------------- paths

    /** Reduces a raw or decoded path, or a full URL, to its percent-decoded path without query. */
    static String canonical(String pathOrUrl) {
        String s = pathOrUrl;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int slash = s.indexOf('/', scheme + 3);
            s = slash < 0 ? "/" : s.substring(slash);
        }
        int query = s.indexOf('?');
        if (query >= 0) {
            s = s.substring(0, query);
        }
        return percentDecode(s);
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters and '/', as S3 keys appear in URLs. */
    private static String encodePath(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static String sign(byte[] signingKey, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
