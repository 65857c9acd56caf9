package dev.onboarding.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the ledger keeps for one external ID: its integration's state, and the answer decided together with
 * the callback that last changed that state. Keeping that answer here, rather than in the requests store,
 * spares a store write and a changelog record on every callback that changes a state (a connecting Create
 * above all); the duplicate check reads this entry anyway. When a later callback's answer takes its place,
 * the earlier answer moves to the requests store, so every decided RequestId stays answerable.
 *
 * @param state the integration in the integrations topic's wire format
 * @param answered the answer decided with the state's latest change by a callback, or null
 */
record LedgerEntry(byte[] state, AnsweredRequest answered) {
    /** Tag of this format. */
    static final byte TAG = 'L';

    /** Requires the state. */
    LedgerEntry {
        Objects.requireNonNull(state, "state");
    }

    /** The answer kept for {@code requestId}, if it is the one this entry holds. */
    RequestState.Decided answerFor(String requestId) {
        return answered != null && answered.requestId().equals(requestId) ? answered.decided() : null;
    }

    /** The same entry with a new state, keeping its answer. */
    LedgerEntry withState(byte[] newState) {
        return new LedgerEntry(newState, answered);
    }

    /**
     * A decided answer with the RequestId it answers.
     *
     * @param requestId the CloudFormation RequestId
     * @param decided its answer
     */
    record AnsweredRequest(String requestId, RequestState.Decided decided) {
        /** Requires both. */
        AnsweredRequest {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(decided, "decided");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LedgerEntry e && Arrays.equals(state, e.state) && Objects.equals(answered, e.answered);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(state) + Objects.hashCode(answered);
    }

    @Override
    public String toString() {
        return "LedgerEntry[state=" + state.length + " bytes, answered=" + (answered == null ? "none"
                : answered.requestId()) + "]";
    }

    /**
     * The store's serde. Format: the tag; the state's length (4 bytes) and bytes; then, when an answer is
     * kept, the RequestId's length (2 bytes) and UTF-8 bytes, the decision time (8 bytes, epoch millis) and
     * the answer's wire bytes to the end.
     */
    static Serde<LedgerEntry> serde() {
        return Serdes.serdeFrom((topic, entry) -> entry == null ? null : encode(entry), (topic, bytes) -> {
            try {
                return bytes == null ? null : decode(bytes);
            } catch (RuntimeException e) {
                if (e instanceof SerializationException se) {
                    throw se;
                }
                throw new SerializationException("cannot decode ledger entry: " + e.getMessage(), e);
            }
        });
    }

    private static byte[] encode(LedgerEntry entry) {
        AnsweredRequest answered = entry.answered();
        byte[] requestId = answered == null ? null : answered.requestId().getBytes(StandardCharsets.UTF_8);
        if (requestId != null && requestId.length > 0xFFFF) {
            throw new SerializationException("RequestId too long to store: " + requestId.length + " bytes");
        }
        int size = 1 + Integer.BYTES + entry.state().length
                + (answered == null ? 0 : 2 + requestId.length + Long.BYTES + answered.decided().answer().length);
        ByteBuffer out = ByteBuffer.allocate(size).put(TAG).putInt(entry.state().length).put(entry.state());
        if (answered != null) {
            out.putShort((short) requestId.length).put(requestId).putLong(answered.decided().decidedAtMillis())
                    .put(answered.decided().answer());
        }
        return out.array();
    }

    private static LedgerEntry decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new SerializationException("empty ledger entry");
        }
        if (bytes[0] != TAG) {
            throw new SerializationException("unknown ledger entry tag " + bytes[0]);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        byte[] state = new byte[length(in, in.getInt(), "state")];
        in.get(state);
        if (!in.hasRemaining()) {
            return new LedgerEntry(state, null);
        }
        byte[] requestId = new byte[length(in, Short.toUnsignedInt(in.getShort()), "RequestId")];
        in.get(requestId);
        long decidedAt = in.getLong();
        byte[] answer = new byte[in.remaining()];
        in.get(answer);
        return new LedgerEntry(state, new AnsweredRequest(new String(requestId, StandardCharsets.UTF_8),
                new RequestState.Decided(decidedAt, answer)));
    }

    private static int length(ByteBuffer in, int length, String what) {
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException("bad " + what + " length " + length + " in ledger entry");
        }
        return length;
    }
}
