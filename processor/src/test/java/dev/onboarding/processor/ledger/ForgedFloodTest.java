package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TopologyNames.ANSWERS;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUEST_DIGESTS_STORE;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE;
import static dev.onboarding.processor.TopologyNames.PENDING_EXPIRY_STORE;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;
import static dev.onboarding.processor.TopologyNames.VERIFYING_CALLBACKS_STORE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.processor.MockTask;
import dev.onboarding.processor.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A flood of forged Deletes, each with a 4 KB ResponseURL and an external ID nobody requested, through the
 * external-ID ledger: what the processor's stores hold afterwards (the bytes RocksDB and the changelogs hold), with
 * the retentions shortened as a test may (two minutes; the answers' one minute).
 */
class ForgedFloodTest {
    /** The bound docs/flood-bounds.md states: what a forged callback costs the stores once its answer is gone. */
    static final long BYTES_PER_FORGED_CALLBACK = 200;
    private static final int FORGED = 50_000;
    private static final List<String> STORES = List.of(INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE,
            HELD_CALLBACKS_STORE, PENDING_EXPIRY_STORE, VERIFYING_CALLBACKS_STORE, DECIDED_REQUEST_DIGESTS_STORE,
            DECIDED_REQUESTS_BY_TIME_STORE, HELD_CALLBACKS_BY_TIME_STORE);

    private final MockTask task = new MockTask(Map.of(
            "processor.decided-requests.allow-short-retention", "true",
            "processor.decided-requests.retention", "2m",
            "processor.decided-requests.answer-retention", "1m",
            "processor.decided-requests.cleanup-interval", "10s"), STORES.toArray(String[]::new));
    private final ExternalIdLedger ledger = new ExternalIdLedger(task.config, task.catalog, task.serdes.callbacks());

    @BeforeEach
    void init() {
        ledger.init(task.context);
    }

    @AfterEach
    void close() {
        task.close();
    }

    @Test
    void fiftyThousandForgedDeletesWith4KbUrlsCostTheStoresAtMost200BytesEachThenNothing() {
        long baselineKeys = keys();
        CfnCallback last = null;
        long answered = 0;
        for (int n = 0; n < FORGED; n++) {
            last = forgedDelete();
            ledger.process(task.record(last.getExternalId(), new ExternalIdInput.Callback(last)));
            if (n % 1_000 == 999) {
                answered += task.forwarded(ANSWERS).size();
                task.context.resetForwards(); // the mock keeps what was forwarded
            }
        }
        answered += task.forwarded(ANSWERS).size();
        task.context.resetForwards();
        assertThat(answered).isEqualTo(FORGED);
        assertThat(task.storedBytes(REQUESTS_STORE)).as("whole answers, for the answer retention")
                .isGreaterThan(FORGED * 4096L);

        // Past the answer retention only the RequestIds' digests remain, with their status and reason code.
        sweepFor(Duration.ofSeconds(70));
        long bytes = STORES.stream().mapToLong(task::storedBytes).sum();
        assertThat(bytes).as("bytes in the stores after %,d forged Deletes", FORGED)
                .isLessThanOrEqualTo(FORGED * BYTES_PER_FORGED_CALLBACK);
        assertThat(task.storedKeys(REQUESTS_STORE)).isZero();
        assertThat(task.storedKeys(DECIDED_REQUEST_DIGESTS_STORE)).isEqualTo(FORGED);
        // ... and a redelivery still gets its answer.
        ledger.process(task.record(last.getExternalId(), new ExternalIdInput.Callback(last)));
        assertThat(task.forwarded(ANSWERS)).hasSize(1);

        // Past the retention, the stores are back where they started.
        sweepFor(Duration.ofSeconds(60));
        assertThat(keys()).isEqualTo(baselineKeys);
    }

    private long keys() {
        return task.storedKeys(REQUESTS_STORE) + task.storedKeys(DECIDED_REQUEST_DIGESTS_STORE)
                + task.storedKeys(HELD_CALLBACKS_STORE) + task.storedKeys(HELD_CALLBACKS_BY_TIME_STORE)
                + task.storedKeys(INTEGRATIONS_BY_EXTERNAL_ID_STORE) + indexEntries();
    }

    /** Index entries, not counting the marker that says the earlier version's answers were indexed. */
    private long indexEntries() {
        long entries = task.storedKeys(DECIDED_REQUESTS_BY_TIME_STORE);
        return task.store(DECIDED_REQUESTS_BY_TIME_STORE).get(DecidedRequests.EARLIER_ANSWERS_INDEXED) == null
                ? entries : entries - 1;
    }

    private void sweepFor(Duration duration) {
        Duration step = task.config.decidedCleanupInterval();
        for (Duration passed = Duration.ZERO; passed.compareTo(duration) < 0; passed = passed.plus(step)) {
            task.advance(step, step);
        }
    }

    private CfnCallback forgedDelete() {
        String requestId = UUID.randomUUID().toString();
        String base = "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/" + requestId
                + "?X-Amz-Signature=";
        return TestData.delete(TestData.externalId(), requestId, ACCOUNT, "forged", "rejected-" + requestId,
                task.now()).setResponseUrl(base + "f".repeat(4096 - base.length())).build();
    }
}
