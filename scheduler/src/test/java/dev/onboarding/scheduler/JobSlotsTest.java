package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.CollectionPlan.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class JobSlotsTest {
    private static final long YEAR_2025 = 1_735_689_600_000L;
    private static final long YEAR_2100 = 4_102_444_800_000L;

    @Property
    void theLastSlotAtOrBeforeATimeBracketsIt(@ForAll @StringLength(min = 1, max = 40) String id,
            @ForAll @IntRange(min = 1, max = 400) int targets, @ForAll @LongRange(min = 1_000,
                    max = 31L * 86_400_000) long intervalMillis, @ForAll @IntRange(min = 1, max = 400) int wantedSlots,
            @ForAll @LongRange(min = YEAR_2025, max = YEAR_2100) long t) {
        JobSlots slots = JobSlots.of(id, intervalClass(targets, intervalMillis, Math.min(wantedSlots, targets)));

        long n = slots.lastSlotAtOrBefore(t);

        assertThat(slots.slotTime(n)).isLessThanOrEqualTo(t);
        assertThat(slots.slotTime(n + 1)).isGreaterThan(t);
        assertThat(slots.firstSlotAfter(t)).isEqualTo(n + 1);
        assertThat(slots.slotTime(slots.firstSlotAtOrAfter(t))).isGreaterThanOrEqualTo(t);
        assertThat(slots.slotTime(slots.firstSlotAtOrAfter(t) - 1)).isLessThan(t);
    }

    @Property
    void everyTargetIsDueExactlyOncePerInterval(@ForAll @StringLength(min = 1, max = 40) String id,
            @ForAll @IntRange(min = 1, max = 200) int targets, @ForAll @IntRange(min = 1, max = 200) int wantedSlots,
            @ForAll @LongRange(min = 1_000, max = 86_400_000) long intervalMillis,
            @ForAll @LongRange(min = YEAR_2025, max = YEAR_2100) long from) {
        IntervalClass c = intervalClass(targets, intervalMillis, Math.min(wantedSlots, targets));
        JobSlots slots = JobSlots.of(id, c);

        // Any window of one interval holds each target exactly once, and each slot recurs one interval later.
        List<Target> seen = new ArrayList<>();
        long first = slots.firstSlotAtOrAfter(from);
        for (long n = first; slots.slotTime(n) < from + intervalMillis; n++) {
            seen.addAll(slots.targetsOf(n));
            assertThat(slots.slotTime(n + c.slots())).isEqualTo(slots.slotTime(n) + intervalMillis);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(c.targets());
    }

    @Test
    void slotsAreEvenlySpacedOverTheInterval() {
        JobSlots slots = JobSlots.of("int-1", intervalClass(7, 60_000, 6));
        long first = slots.firstSlotAfter(YEAR_2025);

        for (long n = first; n < first + 12; n++) {
            assertThat(slots.slotTime(n + 1) - slots.slotTime(n)).isEqualTo(10_000);
        }
        // 7 targets over 6 slots: one slot holds two, the others one.
        List<Integer> sizes = new ArrayList<>();
        for (long n = first; n < first + 6; n++) {
            sizes.add(slots.targetsOf(n).size());
        }
        assertThat(sizes).containsExactlyInAnyOrder(2, 1, 1, 1, 1, 1);
    }

    @Test
    void phasesAreDeterministicAndUniformEvenForSequentialIds() {
        long interval = 3_600_000;
        int buckets = 10;
        int[] counts = new int[buckets];
        for (int i = 0; i < 20_000; i++) {
            long phase = JobSlots.phase("integration-" + i, interval);
            assertThat(phase).isBetween(0L, interval - 1);
            counts[(int) (phase * buckets / interval)]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(1_800, 2_200);
        }
        assertThat(JobSlots.phase("integration-1", interval)).isEqualTo(JobSlots.phase("integration-1", interval));
        assertThat(JobSlots.phase("integration-1", interval)).isNotEqualTo(JobSlots.phase("integration-1", 900_000));
    }

    private static IntervalClass intervalClass(int targets, long intervalMillis, int slots) {
        List<Target> list = new ArrayList<>();
        for (int k = 0; k < targets; k++) {
            list.add(new Target("svc", "AWS::Svc::T" + k, "us-east-1"));
        }
        return new IntervalClass(Duration.ofMillis(intervalMillis), list, slots);
    }
}
