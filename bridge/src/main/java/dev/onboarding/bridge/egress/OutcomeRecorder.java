package dev.onboarding.bridge.egress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.schemas.topics.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Records what became of each response, on the HTTP and producer callback threads: delivered; written to
 * the retry topic with its next attempt time; or given up to the dead-letter topic. Once that outcome is
 * safe (the 2xx, or the broker's acknowledgement of the retry or dead letter) the response is
 * {@link Finished} and its offset may be committed; when the outcome could not be written it is
 * {@link Requeue}d, to be tried again whole. Both reports reach the poll thread through {@link #nextReport}.
 */
final class OutcomeRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final Producer<byte[], byte[]> producer;
    private final Topic<String, CfnResponse> retries;
    private final ResponseDeadLetters deadLetters;
    private final RetrySchedule schedule;
    private final ResponderMetrics metrics;
    private final Clock clock;
    /** Written by callbacks, read by the poll thread. */
    private final LinkedBlockingQueue<Report> reports = new LinkedBlockingQueue<>();

    /** What the poll thread learns about a response it sent. */
    sealed interface Report {
        /** The response reported on. */
        PendingResponse pending();
    }

    /** The response's outcome is recorded; its offset may be committed. */
    record Finished(PendingResponse pending) implements Report {
    }

    /** Its outcome could not be recorded (broker unavailable): try the whole thing again at its due time. */
    record Requeue(PendingResponse pending) implements Report {
    }

    /** Writes retries to {@code retries} and dead letters with {@code deadLetters}, both through {@code producer}. */
    OutcomeRecorder(Producer<byte[], byte[]> producer, Topic<String, CfnResponse> retries,
            ResponseDeadLetters deadLetters, RetrySchedule schedule, ResponderMetrics metrics, Clock clock) {
        this.producer = producer;
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.schedule = schedule;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Records the outcome of one attempt to deliver {@code pending}. */
    void attempted(PendingResponse pending, DeliveryOutcome outcome) {
        try (RequestLogContext ignored = logContext(pending)) {
            record(pending, outcome);
        }
    }

    private void record(PendingResponse pending, DeliveryOutcome outcome) {
        CfnResponse response = pending.response();
        Instant now = clock.instant();
        if (outcome instanceof DeliveryOutcome.Delivered) {
            metrics.delivered(response.getDecidedAt(), now);
            metrics.deadlineMargin(true, response.getDeadline(), now);
            LOG.debug("response {} for stack {} delivered to {} (attempt {})", response.getRequestId(),
                    response.getStackId(), host(response), response.getAttempt() + 1);
            finish(pending);
        } else if (outcome instanceof DeliveryOutcome.Retryable retryable) {
            int attemptsMade = response.getAttempt() + 1;
            Optional<Instant> next = schedule.nextAttempt(attemptsMade, now, response.getDeadline(),
                    ThreadLocalRandom.current().nextDouble());
            if (next.isEmpty()) {
                giveUp(pending, new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.DEADLINE_PASSED,
                        "no attempt fits before the deadline " + response.getDeadline() + " after " + attemptsMade
                                + " attempt(s); last error: " + retryable.detail()));
            } else {
                metrics.deadlineMargin(false, response.getDeadline(), now);
                moveToRetry(pending, attemptsMade, next.get(), retryable.detail());
            }
        } else {
            giveUp(pending, (DeliveryOutcome.GiveUp) outcome);
        }
    }

    /** Dead-letters {@code pending} for {@code giveUp}; it is finished once the broker has the dead letter. */
    void giveUp(PendingResponse pending, DeliveryOutcome.GiveUp giveUp) {
        deadLetters.send(pending.record(), giveUp, clock.instant()).whenComplete((written, error) -> {
            if (error != null) {
                requeue(pending, error);
                return;
            }
            metrics.givenUp(giveUp.reasonCode());
            CfnResponse response = pending.response();
            try (RequestLogContext ignored = logContext(pending)) {
                if (response == null) {
                    LOG.warn("gave up record {}: {} ({})", pending.position(), giveUp.reasonCode(), giveUp.reason());
                } else {
                    // An answer to a callback that matched no integration is what a forged flood makes (S3 refuses
                    // the forged URL): DEBUG, so it cannot fill the logs; the metric and the dead letter keep it.
                    LOG.atLevel(response.getIntegrationId() == null ? Level.DEBUG
                            : Level.WARN).log("gave up response {} for stack {} to {}: {} ({})",
                            response.getRequestId(), response.getStackId(), host(response), giveUp.reasonCode(),
                            giveUp.reason());
                }
            }
            finish(pending);
        });
    }

    /** Log lines about a response name its request and integration (a record that could not be read: none). */
    private static RequestLogContext logContext(PendingResponse pending) {
        CfnResponse response = pending.response();
        return response == null ? RequestLogContext.of(null, null, null)
                : RequestLogContext.of(response.getRequestId(), response.getIntegrationId(), null);
    }

    /** The outcome of {@code pending} could not be recorded: it is reported for another try after a backoff. */
    void requeue(PendingResponse pending, Throwable error) {
        Duration wait = schedule.backoff(pending.requeues() + 1, ThreadLocalRandom.current().nextDouble());
        LOG.warn("response at {}: could not record its outcome ({}); trying it again in {}", pending.position(),
                error.toString(), wait);
        reports.add(new Requeue(pending.requeued(clock.instant().plus(wait))));
    }

    /** The next report, or null when none is waiting. */
    Report nextReport() {
        return reports.poll();
    }

    /** The next report, waiting up to {@code wait} for one; null when none came. */
    Report nextReport(Duration wait) throws InterruptedException {
        return reports.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void moveToRetry(PendingResponse pending, int attemptsMade, Instant nextAttemptAt, String detail) {
        CfnResponse response = pending.response();
        CfnResponse again = CfnResponse.newBuilder(response)
                .setAttempt(attemptsMade)
                .setNextAttemptAt(nextAttemptAt)
                .setLastError(detail)
                .build();
        try {
            byte[] value = retries.valueSerde().serializer().serialize(retries.name(), again);
            producer.send(new ProducerRecord<>(retries.name(), pending.record().key(), value), (metadata, error) -> {
                if (error != null) {
                    requeue(pending, error);
                    return;
                }
                metrics.retried();
                LOG.atLevel(response.getIntegrationId() == null ? Level.DEBUG : Level.INFO).log(
                        "response {} for stack {} to {}: attempt {} failed ({}); next attempt at {}",
                        response.getRequestId(), response.getStackId(), host(response), attemptsMade, detail,
                        nextAttemptAt);
                finish(pending);
            });
        } catch (RuntimeException e) {
            requeue(pending, e);
        }
    }

    private void finish(PendingResponse pending) {
        reports.add(new Finished(pending));
    }

    private static String host(CfnResponse response) {
        return ResponseUrlPolicy.hostForLogs(response.getResponseUrl());
    }
}
