package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.schemas.answers.RequestToAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Callbacks whose role the verifier is checking, in the verifying-callbacks store keyed
 * {@code <external ID>|<RequestId>} and stamped with when they were asked about: they wait for the result (it comes
 * back to this task, keyed by the same external ID) or the end of their wait, whichever comes first. At most a
 * bounded number wait per external ID.
 */
final class VerifyingCallbacks {
    private static final StringSerializer KEYS = new StringSerializer();

    private final TimestampedKeyValueStore<String, CfnCallback> store;
    private final int maxPerExternalId;
    private final Duration timeout;

    VerifyingCallbacks(TimestampedKeyValueStore<String, CfnCallback> store, int maxPerExternalId, Duration timeout) {
        this.store = store;
        this.maxPerExternalId = maxPerExternalId;
        this.timeout = timeout;
    }

    /** Whether this callback (its RequestId) waits for a result already. */
    boolean isWaiting(CfnCallback callback) {
        return store.get(key(callback.getExternalId(), callback.getRequestId())) != null;
    }

    /** Whether one more callback of {@code externalId} may wait. */
    boolean hasRoom(String externalId) {
        int waiting = 0;
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.prefixScan(externalId + "|", KEYS)) {
            while (it.hasNext() && waiting < maxPerExternalId) {
                it.next();
                waiting++;
            }
        }
        return waiting < maxPerExternalId;
    }

    /** Whether one more callback of member account {@code accountId} under {@code externalId} may wait. */
    boolean hasRoom(String externalId, String accountId) {
        int waiting = 0;
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.prefixScan(externalId + "|", KEYS)) {
            while (it.hasNext() && waiting < maxPerExternalId) {
                if (accountId.equals(it.next().value.value().getAccountId())) {
                    waiting++;
                }
            }
        }
        return waiting < maxPerExternalId;
    }

    /** Keeps {@code callback} waiting from {@code now} on and returns the request to send to the verifier. */
    RoleVerificationRequest ask(CfnCallback callback, Integration integration, Instant now) {
        store.put(key(callback.getExternalId(), callback.getRequestId()), ValueAndTimestamp.make(callback,
                now.toEpochMilli()));
        Instant answerBy = RequestToAnswer.of(callback).deadline();
        Instant waitEnds = now.plus(timeout);
        return RoleVerificationRequest.newBuilder()
                .setVerificationId(callback.getRequestId())
                .setChecks(RoleCheckKind.FULL)
                .setIntegrationId(integration.getIntegrationId())
                .setTenantId(integration.getTenantId())
                .setExternalId(callback.getExternalId())
                .setAccountId(callback.getAccountId())
                .setPartition(callback.getPartition())
                .setRoleArn(callback.getRoleArn())
                .setRequestId(callback.getRequestId())
                .setRequestedAt(now)
                .setDeadline(answerBy.isBefore(waitEnds) ? answerBy : waitEnds)
                .setExpectedOrganizationId(integration.getExpectedOrganizationId())
                .build();
    }

    /**
     * Takes the callback {@code result} answers out of the store: the one of that external ID and RequestId, asked
     * about that role. Empty for a result nobody waits for (a duplicate, or one that came after the wait).
     */
    Optional<CfnCallback> take(String externalId, RoleVerificationResult result) {
        if (result.getRequestId() == null || !externalId.equals(result.getExternalId())) {
            return Optional.empty();
        }
        String key = key(externalId, result.getRequestId());
        ValueAndTimestamp<CfnCallback> waiting = store.get(key);
        if (waiting == null || !waiting.value().getRoleArn().equals(result.getRoleArn())) {
            return Optional.empty();
        }
        store.delete(key);
        return Optional.of(waiting.value());
    }

    /** Takes the callbacks that waited since {@code nowMillis - timeout} or earlier out of the store. */
    List<CfnCallback> takeOverdue(long nowMillis) {
        long cutoff = nowMillis - timeout.toMillis();
        List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> overdue = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.timestamp() <= cutoff) {
                    overdue.add(kv);
                }
            });
        }
        List<CfnCallback> taken = new ArrayList<>(overdue.size());
        for (KeyValue<String, ValueAndTimestamp<CfnCallback>> entry : overdue) {
            store.delete(entry.key);
            taken.add(entry.value.value());
        }
        return taken;
    }

    private static String key(String externalId, String requestId) {
        return externalId + "|" + requestId;
    }
}
