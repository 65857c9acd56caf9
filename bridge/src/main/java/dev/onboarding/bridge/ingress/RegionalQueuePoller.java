package dev.onboarding.bridge.ingress;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One poller thread on one regional queue. It long-polls batches, hands every message to its
 * {@link MessageHandler} without waiting for it, and deletes messages in batches of up to ten once
 * their handling completed (that is: once Kafka acknowledged everything they produced). A message
 * whose handling fails, or whose delete fails, is simply not deleted: SQS redelivers it after its
 * visibility timeout. While a message is in flight its visibility is extended, so slow work (a role
 * verification) does not cause a duplicate delivery; at most {@code maxInFlight} messages are held.
 *
 * <p>The loop never dies on an exception: a failing receive backs off, a failing handler only costs
 * its own message.
 */
public final class RegionalQueuePoller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionalQueuePoller.class);
    private static final int SQS_BATCH = 10;
    /** A partial delete batch waits at most this long for company while the queue is busy. */
    private static final long PARTIAL_BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration MAX_RECEIVE_BACKOFF = Duration.ofSeconds(30);

    /**
     * How the poller polls.
     *
     * @param waitTime long-poll wait when nothing is in flight
     * @param maxMessages messages per receive (1-10)
     * @param visibilityTimeout visibility requested on receive, and granted again while in flight
     * @param maxInFlight messages held at once
     * @param drainTimeout how long a stopping poller waits for its in-flight messages
     */
    public record PollSettings(Duration waitTime, int maxMessages, Duration visibilityTimeout, int maxInFlight,
            Duration drainTimeout) {
    }

    private final String region;
    private final String queueUrl;
    private final SqsClient receiver;
    private final SqsClient operations;
    private final MessageHandler handler;
    private final PollSettings settings;
    private final IngressMetrics metrics;
    private final Clock clock;
    private final AtomicInteger gauge;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Queue<InFlight> completed = new ConcurrentLinkedQueue<>();
    private final List<InFlight> toDelete = new ArrayList<>(); // poller thread only
    private final Object progress = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean interrupted;
    private boolean lastReceiveFull; // poller thread only

    /**
     * A poller on {@code queueUrl}. {@code receiver} serves only the long polls (closing its HTTP client
     * aborts them on shutdown); {@code operations} deletes and extends visibility.
     */
    public RegionalQueuePoller(String region, String queueUrl, SqsClient receiver, SqsClient operations,
            MessageHandler handler, PollSettings settings, IngressMetrics metrics, Clock clock) {
        this.region = region;
        this.queueUrl = queueUrl;
        this.receiver = receiver;
        this.operations = operations;
        this.handler = handler;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.gauge = metrics.inFlight(region);
    }

    /** The region of the queue. */
    public String region() {
        return region;
    }

    /** The queue. */
    public String queueUrl() {
        return queueUrl;
    }

    /** Messages received and not yet deleted or given up. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Whether the loop is running and has not been asked to stop. */
    public boolean isPolling() {
        return started && running && stopped.getCount() > 0;
    }

    @Override
    public void run() {
        started = true;
        Duration backoff = Duration.ZERO;
        try {
            while (running) {
                try {
                    deleteCompleted(false);
                    int room = settings.maxInFlight() - inFlight.size();
                    if (room <= 0) {
                        awaitProgress(100);
                        continue;
                    }
                    boolean idle = inFlight.isEmpty();
                    // Long-poll only when idle: with work in flight, come back soon to delete what completed.
                    int waitSeconds = idle ? (int) settings.waitTime().toSeconds() : lastReceiveFull ? 0 : 1;
                    List<Message> messages = receive(Math.min(Math.min(settings.maxMessages(), SQS_BATCH), room),
                            waitSeconds);
                    backoff = Duration.ZERO;
                    lastReceiveFull = messages.size() == settings.maxMessages();
                    if (!messages.isEmpty()) {
                        metrics.received(region, messages.size());
                        Instant receivedAt = clock.instant();
                        long visibleUntil = System.nanoTime() + settings.visibilityTimeout().toNanos();
                        for (Message message : messages) {
                            start(message, receivedAt, visibleUntil);
                        }
                    }
                } catch (Throwable e) { // the loop must outlive any single failure
                    if (!running) {
                        break;
                    }
                    metrics.receiveFailed(region);
                    backoff = backoff.isZero() ? Duration.ofMillis(200)
                            : backoff.multipliedBy(2).compareTo(MAX_RECEIVE_BACKOFF) > 0 ? MAX_RECEIVE_BACKOFF
                            : backoff.multipliedBy(2);
                    LOG.warn("poller on the {} queue failed; retrying in {} ms", region, backoff.toMillis(), e);
                    awaitProgress(backoff.toMillis());
                }
            }
        } finally {
            drain();
            stopped.countDown();
        }
    }

    /** Asks the loop to stop after its current receive; in-flight messages are still finished and deleted. */
    public void stop() {
        running = false;
        signal();
    }

    /** Waits until the loop has drained and ended. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Extends the visibility of in-flight messages that would soon become visible again; run on a timer. */
    public void extendVisibility() {
        long now = System.nanoTime();
        long threshold = settings.visibilityTimeout().toNanos() / 2;
        List<InFlight> due = new ArrayList<>();
        for (InFlight entry : inFlight.values()) {
            if (entry.visibleUntil - now < threshold) {
                due.add(entry);
            }
        }
        int seconds = (int) settings.visibilityTimeout().toSeconds();
        for (int from = 0; from < due.size(); from += SQS_BATCH) {
            List<InFlight> chunk = due.subList(from, Math.min(due.size(), from + SQS_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                        .receiptHandle(chunk.get(i).message.receiptHandle()).visibilityTimeout(seconds).build());
            }
            try {
                ChangeMessageVisibilityBatchResponse response = operations.changeMessageVisibilityBatch(b -> b
                        .queueUrl(queueUrl).entries(entries));
                response.successful().forEach(ok -> chunk.get(Integer.parseInt(ok.id())).visibleUntil =
                        now + settings.visibilityTimeout().toNanos());
                metrics.visibilityExtended(region, response.successful().size());
                for (BatchResultErrorEntry failed : response.failed()) {
                    LOG.debug("could not extend visibility of message {} on the {} queue: {}",
                            chunk.get(Integer.parseInt(failed.id())).message.messageId(), region, failed.code());
                }
            } catch (RuntimeException e) {
                LOG.warn("could not extend visibility on the {} queue", region, e);
            }
        }
    }

    private List<Message> receive(int max, int waitSeconds) {
        long start = System.nanoTime();
        List<Message> messages = receiver.receiveMessage(b -> b
                .queueUrl(queueUrl)
                .maxNumberOfMessages(max)
                .waitTimeSeconds(waitSeconds)
                .visibilityTimeout((int) settings.visibilityTimeout().toSeconds())
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        metrics.pollLatency(region, Duration.ofNanos(System.nanoTime() - start));
        return messages;
    }

    private void start(Message message, Instant receivedAt, long visibleUntil) {
        QueueMessage queued = toQueueMessage(message, receivedAt);
        InFlight entry = new InFlight(queued, visibleUntil);
        if (inFlight.putIfAbsent(message.receiptHandle(), entry) != null) {
            return; // the same delivery twice in one response: handled once
        }
        gauge.incrementAndGet();
        CompletableFuture<Void> handled;
        try {
            handled = handler.handle(queued);
            if (handled == null) {
                handled = CompletableFuture.failedFuture(new IllegalStateException("handler returned no future"));
            }
        } catch (Throwable e) { // a handler bug costs this message a redelivery, never the poller
            handled = CompletableFuture.failedFuture(e);
        }
        handled.whenComplete((ok, error) -> {
            if (error == null) {
                entry.completedAt = System.nanoTime();
                completed.add(entry);
            } else {
                metrics.leftForRedelivery(region);
                LOG.warn("message {} on the {} queue not handled, left for redelivery: {}", queued.messageId(),
                        region, String.valueOf(error));
                release(entry);
            }
            signal();
        });
    }

    private QueueMessage toQueueMessage(Message message, Instant receivedAt) {
        Map<MessageSystemAttributeName, String> attributes = message.attributes();
        int receiveCount = 0;
        Optional<Instant> sentAt = Optional.empty();
        try {
            String count = attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            receiveCount = count == null ? 0 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            LOG.debug("unreadable ApproximateReceiveCount on message {}", message.messageId());
        }
        try {
            String sent = attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP);
            sentAt = sent == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(sent)));
        } catch (NumberFormatException e) {
            LOG.debug("unreadable SentTimestamp on message {}", message.messageId());
        }
        String body = message.body() == null ? "" : message.body();
        return new QueueMessage(region, queueUrl, message.messageId(), message.receiptHandle(),
                body.getBytes(StandardCharsets.UTF_8), receiveCount, sentAt, receivedAt);
    }

    /** Deletes completed messages: full batches now, a partial one when forced, idle, or old enough. */
    private void deleteCompleted(boolean force) {
        for (InFlight entry = completed.poll(); entry != null; entry = completed.poll()) {
            toDelete.add(entry);
        }
        while (toDelete.size() >= SQS_BATCH) {
            deleteBatch(SQS_BATCH);
        }
        if (!toDelete.isEmpty() && (force || !lastReceiveFull
                || System.nanoTime() - toDelete.get(0).completedAt > PARTIAL_BATCH_NANOS)) {
            deleteBatch(toDelete.size());
        }
    }

    private void deleteBatch(int count) {
        List<InFlight> batch = new ArrayList<>(toDelete.subList(0, count));
        toDelete.subList(0, count).clear();
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(batch.get(i).message.receiptHandle()).build());
        }
        try {
            DeleteMessageBatchResponse response = operations.deleteMessageBatch(b -> b.queueUrl(queueUrl)
                    .entries(entries));
            metrics.deleted(region, response.successful().size());
            if (response.hasFailed() && !response.failed().isEmpty()) {
                metrics.deleteFailed(region, response.failed().size());
                for (BatchResultErrorEntry failed : response.failed()) {
                    // Typically a superseded receipt handle: the message will come back and be deduped downstream.
                    LOG.info("delete of message {} on the {} queue failed ({}); it will be redelivered",
                            batch.get(Integer.parseInt(failed.id())).message.messageId(), region, failed.code());
                }
            }
        } catch (RuntimeException e) {
            metrics.deleteFailed(region, batch.size());
            LOG.warn("deleting {} messages on the {} queue failed; they will be redelivered", batch.size(), region, e);
        } finally {
            batch.forEach(this::release);
        }
    }

    /** Waits for in-flight work after the loop stopped, deleting what completes. */
    private void drain() {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        try {
            while (!inFlight.isEmpty() && System.nanoTime() < deadline && !interrupted) {
                deleteCompleted(true);
                if (inFlight.size() > toDelete.size()) {
                    awaitProgress(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
                }
            }
            deleteCompleted(true);
        } catch (RuntimeException e) {
            LOG.warn("poller on the {} queue failed while draining", region, e);
        }
        if (!inFlight.isEmpty()) {
            LOG.warn("{} message(s) still in flight on the {} queue at shutdown; SQS will redeliver them",
                    inFlight.size(), region);
            inFlight.values().forEach(this::release);
        }
    }

    private void release(InFlight entry) {
        if (inFlight.remove(entry.message.receiptHandle(), entry)) {
            gauge.decrementAndGet();
        }
    }

    private void signal() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void awaitProgress(long millis) {
        synchronized (progress) {
            if (completed.isEmpty() && millis > 0 && !interrupted) {
                try {
                    progress.wait(millis);
                } catch (InterruptedException e) {
                    // Only a forced shutdown interrupts a poller: stop waiting, and stop draining.
                    interrupted = true;
                    running = false;
                }
            }
        }
    }

    /** A message between receive and delete. */
    private static final class InFlight {
        final QueueMessage message;
        volatile long visibleUntil;
        volatile long completedAt;

        InFlight(QueueMessage message, long visibleUntil) {
            this.message = message;
            this.visibleUntil = visibleUntil;
        }
    }
}
