package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever sequence of failing callbacks arrives, an integration records at most the bound in any hour, and no
 * RequestId records the same step twice within an hour; the list kept with the state never outgrows the bound.
 */
class AttemptRecordsPropertiesTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    /** One failing callback: which RequestId (of a few), which step, how long after the one before. */
    record Attempt(int request, HandlingStep step, int secondsLater) {
    }

    @Property(tries = 300)
    void anIntegrationRecordsABoundedNumberPerHourAndARequestIdEachStepOnce(
            @ForAll @IntRange(min = 1, max = 25) int maxPerHour,
            @ForAll @Size(max = 200) List<@net.jqwik.api.From("attempts") Attempt> attempts) {
        AttemptRecords rules = new AttemptRecords(maxPerHour);
        List<RecordedStep> recorded = List.of();
        List<Instant> admittedAt = new ArrayList<>();
        List<String> admittedWhat = new ArrayList<>();
        Instant now = START;
        for (Attempt attempt : attempts) {
            now = now.plusSeconds(attempt.secondsLater());
            String requestId = "req-" + attempt.request();
            Optional<List<RecordedStep>> admitted = rules.admit(recorded, requestId, attempt.step(), now);
            if (admitted.isPresent()) {
                recorded = admitted.get();
                assertThat(recorded).hasSizeLessThanOrEqualTo(maxPerHour);
                Instant hourAgo = now.minus(AttemptRecords.WINDOW);
                String what = requestId + "/" + attempt.step();
                for (int n = 0; n < admittedAt.size(); n++) {
                    if (admittedAt.get(n).isAfter(hourAgo)) {
                        assertThat(admittedWhat.get(n)).as("recorded twice within the hour").isNotEqualTo(what);
                    }
                }
                admittedAt.add(now);
                admittedWhat.add(what);
                long inTheHour = admittedAt.stream().filter(at -> at.isAfter(hourAgo)).count();
                assertThat(inTheHour).isLessThanOrEqualTo(maxPerHour);
            }
        }
        // The bound never refuses everything: the first attempt on an empty record is always admitted.
        assertThat(admittedAt).as("nothing admitted, so nothing above was checked").hasSizeGreaterThanOrEqualTo(
                attempts.isEmpty() ? 0 : 1);
    }

    @Provide
    Arbitrary<Attempt> attempts() {
        return Combinators.combine(Arbitraries.integers().between(0, 30),
                Arbitraries.of(HandlingStep.RECEIVED, HandlingStep.VERIFIED, HandlingStep.DECIDED),
                Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, 120)),
                        Tuple.of(1, Arbitraries.integers().between(600, 4000))))
                .as(Attempt::new);
    }
}
