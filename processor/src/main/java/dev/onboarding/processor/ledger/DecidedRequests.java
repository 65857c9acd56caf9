package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUEST_DIGESTS_STORE;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The decided RequestIds of one external-ID task, remembered so that a redelivered callback gets the identical
 * answer, and forgotten by time:
 * <ul>
 *   <li>an answer that names an integration (or cannot be rebuilt) stays whole, by RequestId in the requests store,
 *       for the retention ({@code processor.decided-requests.retention});</li>
 *   <li>an answer to a callback that matched no integration stays whole for the answer retention
 *       ({@code processor.decided-requests.answer-retention}), its ResponseURL included; its RequestId's digest with
 *       the status and reason code ({@link RememberedDecision}, a few dozen bytes) stay in the decided-request-digests
 *       store for the retention, and rebuild the answer from a redelivered callback once the whole one is gone
 *       ({@link RememberedAnswers}).</li>
 * </ul>
 * Every entry is also indexed by when it was decided ({@link TimeIndex}, decided-requests-by-time), one kind per
 * retention, so the sweep reads what expires and nothing else. Answers that an earlier version kept without an
 * index are indexed once, in slices, when a task first runs this version ({@link #indexEarlierAnswers}).
 */
final class DecidedRequests {
    /** Index kind: whole answers kept for the retention (RequestId). */
    private static final String WHOLE = "r";
    /** Index kind: whole answers kept for the answer retention (RequestId). */
    private static final String BRIEF = "a";
    /** Index kind: digests kept for the retention (digest). */
    private static final String DIGEST = "d";
    /** Key in the index store saying every answer of the requests store is indexed. */
    static final String EARLIER_ANSWERS_INDEXED = "~earlier-answers-indexed";

    private final KeyValueStore<String, DecidedAnswer> answers;
    private final KeyValueStore<String, RememberedDecision> digests;
    private final KeyValueStore<String, String> indexStore;
    private final TimeIndex byTime;
    private String earlierAnswersFrom;

    DecidedRequests(ProcessorContext<?, ?> context) {
        this.answers = context.getStateStore(REQUESTS_STORE);
        this.digests = context.getStateStore(DECIDED_REQUEST_DIGESTS_STORE);
        this.indexStore = context.getStateStore(DECIDED_REQUESTS_BY_TIME_STORE);
        this.byTime = new TimeIndex(indexStore);
        this.earlierAnswersFrom = indexStore.get(EARLIER_ANSWERS_INDEXED) == null ? "" : null;
    }

    /** The whole answer kept for {@code requestId}, or null. */
    DecidedAnswer answer(String requestId) {
        return answers.get(requestId);
    }

    /** The decision remembered by {@code requestId}'s digest, or null. */
    RememberedDecision remembered(String requestId) {
        return digests.get(RequestDigests.of(requestId));
    }

    /** Whether {@code requestId} was decided (and is still remembered). */
    boolean isDecided(String requestId) {
        return answer(requestId) != null || remembered(requestId) != null;
    }

    /** Keeps a whole answer for the retention. */
    void keep(String requestId, DecidedAnswer answer) {
        answers.put(requestId, answer);
        byTime.add(WHOLE, answer.getDecidedAt().toEpochMilli(), requestId, "");
    }

    /**
     * Keeps the answer to a callback that matched no integration: whole for {@code answerRetention} (not at all when
     * it is zero), then only as {@code remembered} under the RequestId's digest until the retention ends.
     */
    void keepBriefly(String requestId, DecidedAnswer answer, RememberedDecision remembered,
            Duration answerRetention) {
        long decidedAt = answer.getDecidedAt().toEpochMilli();
        if (!answerRetention.isZero()) {
            answers.put(requestId, answer);
            byTime.add(BRIEF, decidedAt, requestId, "");
        }
        String digest = RequestDigests.of(requestId);
        digests.put(digest, remembered);
        byTime.add(DIGEST, decidedAt, digest, "");
    }

    /**
     * Forgets what is past its retention at {@code nowMillis}: whole answers of callbacks that matched no
     * integration after {@code answerRetention}, everything else after {@code retention}. Reads only what it
     * forgets.
     *
     * @return how many entries were forgotten
     */
    Forgotten forget(long nowMillis, Duration answerRetention, Duration retention, int slice) {
        int forgotten = 0;
        boolean more = false;
        List<TimeIndex.Entry> due = byTime.takeDue(BRIEF, nowMillis - answerRetention.toMillis(), slice);
        due.forEach(brief -> answers.delete(brief.id()));
        forgotten += due.size();
        more |= due.size() == slice;
        due = byTime.takeDue(WHOLE, nowMillis - retention.toMillis(), slice);
        due.forEach(whole -> answers.delete(whole.id()));
        forgotten += due.size();
        more |= due.size() == slice;
        due = byTime.takeDue(DIGEST, nowMillis - retention.toMillis(), slice);
        due.forEach(digest -> digests.delete(digest.id()));
        forgotten += due.size();
        more |= due.size() == slice;
        return new Forgotten(forgotten, more);
    }

    /**
     * What one sweep forgot.
     *
     * @param count entries forgotten
     * @param more whether a kind filled its slice, so more may be due
     */
    record Forgotten(int count, boolean more) {
    }

    /**
     * Indexes up to {@code slice} whole answers that an earlier version kept without an index (for the retention,
     * as it did), resuming where the last call stopped; once every one is indexed the index store says so and later
     * calls do nothing. A task that restarts before the end starts again from the first (indexing is idempotent).
     *
     * @return how many were indexed
     */
    int indexEarlierAnswers(int slice) {
        if (earlierAnswersFrom == null) {
            return 0;
        }
        List<KeyValue<String, DecidedAnswer>> read = new ArrayList<>(slice);
        boolean more;
        try (KeyValueIterator<String, DecidedAnswer> it = earlierAnswersFrom.isEmpty() ? answers.all()
                : answers.range(earlierAnswersFrom, null)) {
            while (it.hasNext() && read.size() < slice) {
                KeyValue<String, DecidedAnswer> kv = it.next();
                if (!kv.key.equals(earlierAnswersFrom)) {
                    read.add(kv);
                }
            }
            more = it.hasNext();
        }
        int indexed = 0;
        for (KeyValue<String, DecidedAnswer> kv : read) {
            long decidedAt = kv.value.getDecidedAt().toEpochMilli();
            if (!byTime.contains(WHOLE, decidedAt, kv.key) && !byTime.contains(BRIEF, decidedAt, kv.key)) {
                byTime.add(WHOLE, decidedAt, kv.key, "");
                indexed++;
            }
        }
        if (more && !read.isEmpty()) {
            earlierAnswersFrom = read.get(read.size() - 1).key;
        } else {
            indexStore.put(EARLIER_ANSWERS_INDEXED, "");
            earlierAnswersFrom = null;
        }
        return indexed;
    }
}
