package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUEST_DIGESTS_STORE;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.processor.MockTask;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sweep of decided requests forgets in slices, so that what a flood left due never lands in one go. */
class DecidedRequestsTest {
    private final MockTask task = new MockTask(REQUESTS_STORE, DECIDED_REQUEST_DIGESTS_STORE,
            DECIDED_REQUESTS_BY_TIME_STORE);

    @AfterEach
    void close() {
        task.close();
    }

    @Test
    void aSweepForgetsAtMostASliceOfEachKindAndSaysWhetherMoreIsDue() {
        DecidedRequests decided = new DecidedRequests(task.contextOf());
        for (int n = 0; n < 5; n++) {
            decided.keep("req-" + n, new DecidedAnswer(task.now(), ByteBuffer.wrap(new byte[] {1})));
        }
        long later = task.now().plus(Duration.ofDays(16)).toEpochMilli();

        DecidedRequests.Forgotten first = decided.forget(later, Duration.ofHours(1), Duration.ofDays(15), 2);
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.more()).isTrue();
        assertThat(task.storedKeys(REQUESTS_STORE)).isEqualTo(3);
        assertThat(decided.forget(later, Duration.ofHours(1), Duration.ofDays(15), 2).count()).isEqualTo(2);

        DecidedRequests.Forgotten last = decided.forget(later, Duration.ofHours(1), Duration.ofDays(15), 2);
        assertThat(last.count()).isEqualTo(1);
        assertThat(last.more()).as("a slice not filled: nothing more was due").isFalse();
        assertThat(task.storedKeys(REQUESTS_STORE)).isZero();
    }
}
