package dev.onboarding.bridge.egress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPut;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/**
 * Sends one response body to its ResponseURL: HTTP/1.1 {@code PUT} with no Content-Type header (a
 * non-empty one breaks the pre-signed signature), redirects never followed, no automatic retries (the
 * caller's schedule decides), bounded connect and whole-request times.
 *
 * <p>Apache HttpClient with one blocking thread per request in flight: on this project's 2-core
 * machines it needs about half the CPU per request of the JDK's asynchronous client. The caller bounds
 * how many requests are in flight; {@code maxConcurrent} sizes the threads and connections to match.
 */
public final class ResponseDelivery implements AutoCloseable {
    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager connections;
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timeouts;
    private final Duration requestTimeout;

    /** A client for up to {@code maxConcurrent} requests at once with these timeouts. */
    public ResponseDelivery(Duration connectTimeout, Duration requestTimeout, int maxConcurrent) {
        this.requestTimeout = requestTimeout;
        this.connections = new PoolingHttpClientConnectionManager();
        connections.setMaxTotal(maxConcurrent);
        connections.setDefaultMaxPerRoute(maxConcurrent);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                // A forged or hijacked endpoint must not steer us elsewhere.
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                        .setSocketTimeout(timeoutMs)
                        .setConnectionRequestTimeout(timeoutMs)
                        .build())
                .build();
        // Extra requests queue instead of failing: the caller's bound normally keeps the queue empty.
        this.workers = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("cfn-response-http-"));
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        this.timeouts = new ScheduledThreadPoolExecutor(1, daemonThreads("cfn-response-timeout-"));
        timeouts.setRemoveOnCancelPolicy(true);
    }

    /**
     * PUTs {@code body} to {@code url}; the future never fails, every problem becomes an outcome.
     * {@code url} must already have passed the ResponseUrlPolicy.
     */
    public CompletableFuture<DeliveryOutcome> put(URI url, byte[] body) {
        CompletableFuture<DeliveryOutcome> outcome = new CompletableFuture<>();
        try {
            workers.execute(() -> outcome.complete(send(url, body)));
        } catch (RejectedExecutionException e) {
            outcome.complete(new DeliveryOutcome.Retryable("delivery is shutting down"));
        }
        return outcome;
    }

    private DeliveryOutcome send(URI url, byte[] body) {
        HttpPut put;
        try {
            put = new HttpPut(url);
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.INVALID_RESPONSE,
                    "the ResponseURL cannot be requested");
        }
        // No content type given, so none is sent: what S3 pre-signed PUTs need.
        put.setEntity(new ByteArrayEntity(body));
        AtomicBoolean timedOut = new AtomicBoolean();
        // The socket timeout bounds each read; this bounds the whole exchange (a trickling endpoint).
        ScheduledFuture<?> deadline = timeouts.schedule(() -> {
            timedOut.set(true);
            put.abort();
        }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try (CloseableHttpResponse response = client.execute(put)) {
            EntityUtils.consumeQuietly(response.getEntity());
            return classify(response.getStatusLine().getStatusCode());
        } catch (IOException | RuntimeException e) {
            return failure(e, timedOut.get());
        } finally {
            deadline.cancel(false);
        }
    }

    /** The outcome of an answer with {@code status}: 2xx delivered, 5xx and 429 retried, the rest given up. */
    public static DeliveryOutcome classify(int status) {
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome.Delivered(status);
        }
        if (status >= 500 || status == 429) {
            return new DeliveryOutcome.Retryable("HTTP " + status);
        }
        if (status >= 300 && status < 400) {
            return new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.REDIRECT_REFUSED,
                    "the response endpoint answered with a redirect (HTTP " + status + "), which is never followed");
        }
        return DeliveryOutcome.GiveUp.rejected(status);
    }

    private static DeliveryOutcome failure(Exception error, boolean timedOut) {
        // Client messages can name the host and port; only our own words go into the detail.
        String detail;
        if (timedOut || error instanceof SocketTimeoutException) {
            detail = "request timed out";
        } else if (error instanceof ConnectTimeoutException) {
            detail = "connect timed out";
        } else if (error instanceof ConnectException) {
            detail = "connection refused or unreachable";
        } else if (error instanceof InterruptedIOException) {
            detail = "request interrupted";
        } else if (error instanceof IOException) {
            detail = "I/O error (" + error.getClass().getSimpleName() + ")";
        } else {
            detail = "unexpected error (" + error.getClass().getSimpleName() + ")";
        }
        return new DeliveryOutcome.Retryable(detail);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the threads and closes the connections; requests still running are abandoned. */
    @Override
    public void close() {
        workers.shutdownNow();
        timeouts.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // Closing sockets: nothing left to do.
        }
    }
}
