package dev.onboarding.bench.soak;

import dev.onboarding.schemas.ExternalIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * An attacker's traffic on the provider's SNS topic, as SNS delivers it to the regional queue: Creates with random
 * external IDs and accounts, Creates naming one victim account, Deletes and Updates for unknown external IDs with
 * 4 KB ResponseURLs, and 256 KB junk bodies. Every ResponseURL points under {@link #FORGED_PATH} on the S3
 * stand-in, which answers 403 there, as S3 does to a URL it did not sign.
 */
final class FloodTraffic {
    /** Path prefix of every forged ResponseURL. */
    static final String FORGED_PATH = "/forged-";
    /** The ResponseURL length of forged Deletes and Updates: the most the bridge accepts. */
    static final int LONG_URL = 4096;
    /** A junk body: SQS's most (256 KiB) less room for the message's own attributes. */
    static final int JUNK_BYTES = 256 * 1024 - 512;

    /** What a forged message is. */
    enum Kind {
        CREATE_RANDOM, CREATE_VICTIM, DELETE_UNKNOWN, UPDATE_UNKNOWN, JUNK
    }

    private static final Kind[] ALL_ANSWERABLE = {Kind.CREATE_RANDOM, Kind.CREATE_VICTIM, Kind.DELETE_UNKNOWN,
        Kind.UPDATE_UNKNOWN};
    private static final Kind[] WITHOUT_CREATES = {Kind.DELETE_UNKNOWN, Kind.UPDATE_UNKNOWN};

    private final CustomResourceBodies bodies;
    private final String origin;
    private final String region;
    private final String victimAccount;
    private final ExternalIds externalIds = new ExternalIds();
    private final AtomicLongArray sent = new AtomicLongArray(Kind.values().length);
    private final Kind[] answerable;

    /** Traffic to {@code region}'s queue whose ResponseURLs point at the stand-in at {@code s3Origin}. */
    FloodTraffic(CustomResourceBodies bodies, String s3Origin, String region, String victimAccount) {
        this(bodies, s3Origin, region, victimAccount, true);
    }

    /** As above; without {@code creates}, the answerable kinds are the Deletes and Updates alone. */
    FloodTraffic(CustomResourceBodies bodies, String s3Origin, String region, String victimAccount,
            boolean creates) {
        this.answerable = creates ? ALL_ANSWERABLE : WITHOUT_CREATES;
        this.bodies = bodies;
        this.origin = s3Origin.replaceAll("/+$", "");
        this.region = region;
        this.victimAccount = victimAccount;
    }

    /** The body of a forged message of {@code kind}. */
    String body(Kind kind) {
        String requestId = UUID.randomUUID().toString();
        return switch (kind) {
            case CREATE_RANDOM -> create(randomAccount(), requestId);
            case CREATE_VICTIM -> create(victimAccount, requestId);
            case DELETE_UNKNOWN, UPDATE_UNKNOWN -> {
                String stackId = CustomResourceBodies.stackId(region, randomAccount());
                yield bodies.request(kind == Kind.DELETE_UNKNOWN ? "Delete" : "Update", region, stackId, requestId,
                        "rejected-" + requestId, externalIds.mint(), "ProviderReadOnly",
                        forgedUrl(requestId, LONG_URL), kind == Kind.UPDATE_UNKNOWN);
            }
            case JUNK -> junk();
        };
    }

    private String create(String account, String requestId) {
        String stackId = CustomResourceBodies.stackId(region, account);
        return bodies.request("Create", region, stackId, requestId, null, externalIds.mint(), "ProviderReadOnly",
                forgedUrl(requestId, 0));
    }

    /** A ResponseURL under {@link #FORGED_PATH}, padded to {@code length} characters if longer than it is. */
    String forgedUrl(String requestId, int length) {
        String url = origin + FORGED_PATH + "cloudformation-custom-resource-response-" + region.replace("-", "")
                + "/" + requestId + "?X-Amz-Signature=";
        return url + "0".repeat(Math.max(16, length - url.length()));
    }

    private static String randomAccount() {
        return String.format("%012d", ThreadLocalRandom.current().nextLong(1_000_000_000_000L));
    }

    private static String junk() {
        StringBuilder body = new StringBuilder(JUNK_BYTES).append("junk ").append(UUID.randomUUID()).append(' ');
        while (body.length() < JUNK_BYTES) {
            body.append("not a custom-resource request; ");
        }
        body.setLength(JUNK_BYTES);
        return body.toString();
    }

    /**
     * Sends forged messages at {@code rate} per second for {@code duration}, {@code junkRate} of them junk and the
     * rest the four answerable kinds in turn, from {@code threads} threads; returns when the window is over.
     * Messages go in batches of ten (junk alone: SQS bounds a batch to 256 KiB).
     */
    void send(SqsClient sqs, String queueUrl, int rate, int junkRate, Duration duration, int threads) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        AtomicLong slots = new AtomicLong();
        inParallel(threads, "flood-sender-", () -> {
            while (true) {
                long first = slots.getAndAdd(10);
                long due = start + (first + 9) * TimeUnit.SECONDS.toNanos(1) / rate;
                if (due > end) {
                    return;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the attacker, not waiting for a result
                }
                List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
                for (long slot = first; slot < first + 10; slot++) {
                    Kind kind = slot * junkRate / rate != (slot + 1) * junkRate / rate ? Kind.JUNK
                            : answerable[(int) (slot % answerable.length)];
                    if (kind == Kind.JUNK) {
                        String body = body(kind);
                        retrying(() -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)));
                    } else {
                        batch.add(SendMessageBatchRequestEntry.builder().id(Long.toString(slot))
                                .messageBody(body(kind)).build());
                    }
                    sent.incrementAndGet(kind.ordinal());
                }
                if (!batch.isEmpty()) {
                    sendBatch(sqs, queueUrl, batch);
                }
            }
        });
    }

    /** Sends {@code count} forged Deletes as fast as {@code threads} threads can (to measure the bridge alone). */
    void sendDeletes(SqsClient sqs, String queueUrl, int count, int threads) {
        AtomicLong left = new AtomicLong(count);
        inParallel(threads, "flood-calibration-", () -> {
            long n;
            while ((n = Math.min(10, left.getAndAdd(-10))) > 0) {
                List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
                for (int i = 0; i < n; i++) {
                    batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .messageBody(body(Kind.DELETE_UNKNOWN)).build());
                }
                sendBatch(sqs, queueUrl, batch);
                sent.addAndGet(Kind.DELETE_UNKNOWN.ordinal(), n);
            }
        });
    }

    /** Runs {@code work} on {@code threads} threads and waits until every one returned. */
    private static void inParallel(int threads, String name, Runnable work) {
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(work, name + t);
            thread.setDaemon(true);
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sendBatch(SqsClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> batch) {
        List<SendMessageBatchRequestEntry> left = batch;
        for (int attempt = 0; !left.isEmpty(); attempt++) {
            List<SendMessageBatchRequestEntry> toSend = left;
            SendMessageBatchResponse response = retrying(() -> sqs.sendMessageBatch(b -> b.queueUrl(queueUrl)
                    .entries(toSend)));
            if (!response.hasFailed() || response.failed().isEmpty()) {
                return;
            }
            if (attempt == 5) {
                throw new IllegalStateException("SQS refused forged messages: " + response.failed());
            }
            List<String> failed = response.failed().stream().map(f -> f.id()).toList();
            left = toSend.stream().filter(e -> failed.contains(e.id())).toList();
        }
    }

    private static <T> T retrying(java.util.function.Supplier<T> call) {
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw new IllegalStateException("cannot send to the queue", failure);
    }

    /** Forged messages sent so far, per kind. */
    Map<Kind, Long> sent() {
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            counts.put(kind, sent.get(kind.ordinal()));
        }
        return counts;
    }

    /** Forged messages sent so far that the pipeline must answer (every kind but junk). */
    long answerable() {
        long n = 0;
        for (Kind kind : ALL_ANSWERABLE) {
            n += sent.get(kind.ordinal());
        }
        return n;
    }
}
