package dev.onboarding.processor;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.RoleVerificationState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;

/**
 * The integrations topic as the topology tests read it: the states that decisions and requests write, in order. The
 * versions that only show a callback's role being verified (progress PENDING, written when the processor asks the
 * verifier) are set aside in {@link #verifying}, in order, for the tests of that step. Set aside is not unseen:
 * {@link #isEmpty()} also says whether such a version came after the last state or verifying versions read, so that
 * "nothing was written" still fails on a stray one.
 */
final class DecidedStates {
    private final TestOutputTopic<String, Integration> topic;
    private final Deque<KeyValue<String, Integration>> unread = new ArrayDeque<>();
    /** Every version written because a verification was asked for, in order. */
    private final List<Integration> verifying = new ArrayList<>();
    /** How many of {@link #verifying} came before the last read: a read answers for them. */
    private int verifyingSeen;

    DecidedStates(TestOutputTopic<String, Integration> topic) {
        this.topic = topic;
    }

    /** The next state, its key included. */
    KeyValue<String, Integration> readKeyValue() {
        drain();
        if (unread.isEmpty()) {
            throw new NoSuchElementException("no state written");
        }
        verifyingSeen = verifying.size();
        return unread.removeFirst();
    }

    /** The next state. */
    Integration readValue() {
        return readKeyValue().value;
    }

    /** Every state not read yet. */
    List<Integration> readValuesToList() {
        drain();
        verifyingSeen = verifying.size();
        List<Integration> values = new ArrayList<>();
        while (!unread.isEmpty()) {
            values.add(unread.removeFirst().value);
        }
        return values;
    }

    /** Whether no state is left to read, and no verifying version came since the last read. */
    boolean isEmpty() {
        drain();
        return unread.isEmpty() && verifyingSeen == verifying.size();
    }

    /** The versions written as a verification was asked for, so far, in order. */
    List<Integration> verifying() {
        drain();
        verifyingSeen = verifying.size();
        return List.copyOf(verifying);
    }

    private void drain() {
        while (!topic.isEmpty()) {
            KeyValue<String, Integration> next = topic.readKeyValue();
            if (isVerifying(next.value)) {
                verifying.add(next.value);
            } else {
                unread.addLast(next);
            }
        }
    }

    private static boolean isVerifying(Integration state) {
        return state != null && state.getProgress() != null && state.getProgress().getRoleVerification() != null
                && state.getProgress().getRoleVerification().getState() == RoleVerificationState.PENDING;
    }
}
