package dev.onboarding.scheduler;

import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.CollectionPlan.Target;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** The PERIODIC job ids a plan calls for in a time window, worked out from {@link JobSlots} alone. */
final class ExpectedSlots {
    private ExpectedSlots() {
    }

    /** Ids of every PERIODIC job of {@code integrationIds} with a slot in {@code (after, upTo]}. */
    static Set<String> jobIds(CollectionPlan plan, Collection<String> integrationIds, Instant after, Instant upTo) {
        Set<String> ids = new HashSet<>();
        for (String id : integrationIds) {
            for (IntervalClass c : plan.classes()) {
                JobSlots slots = JobSlots.of(id, c);
                for (long n = slots.firstSlotAfter(after.toEpochMilli()); slots.slotTime(n) <= upTo.toEpochMilli();
                        n++) {
                    for (Target t : slots.targetsOf(n)) {
                        ids.add(JobIds.of(id, t.resourceType(), t.region(), slots.slotTime(n)));
                    }
                }
            }
        }
        return ids;
    }
}
