package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.processor.TestData;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * For any callback whose external ID names no integration, the decision remembered in a few bytes rebuilds the
 * first answer exactly from a redelivery, and never answers a callback of another type under the same RequestId.
 */
class RememberedAnswersPropertiesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final CallbackDecider decider = new CallbackDecider();

    @Property(tries = 500)
    void aRedeliveryIsAnsweredExactlyAsTheFirstCopyFromAFewBytes(@ForAll("forged") CfnCallback callback,
            @ForAll boolean mayHold) throws IOException {
        CallbackDecision decision = decider.decide(callback, Optional.empty(), mayHold, NOW);
        if (!(decision instanceof CallbackDecision.Answer answer)) {
            Statistics.collect("held");
            assertThat(callback.getRequestType()).isEqualTo(RequestType.CREATE);
            return;
        }
        CfnResponse first = answer.response();
        Optional<RememberedDecision> remembered = RememberedAnswers.remember(callback, first);
        Statistics.collect(remembered.map(r -> r.getReason().name()).orElse("kept whole"));

        // Only an unsupported request type (a symbol of a newer bridge) keeps its whole answer.
        assertThat(remembered.isPresent()).isEqualTo(callback.getRequestType() != RequestType.UNKNOWN);
        if (remembered.isPresent()) {
            assertThat(remembered.get().toByteBuffer().remaining()).isLessThan(32);
            assertThat(RememberedAnswers.rebuild(CfnCallback.newBuilder(callback).build(), remembered.get()))
                    .contains(first);
            for (RequestType other : RequestType.values()) {
                if (other != callback.getRequestType()) {
                    assertThat(RememberedAnswers.rebuild(CfnCallback.newBuilder(callback).setRequestType(other)
                            .build(), remembered.get())).isEmpty();
                }
            }
        }
    }

    @Provide
    Arbitrary<CfnCallback> forged() {
        Arbitrary<String> requestIds = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(128);
        Arbitrary<String> urls = Arbitraries.integers().between(80, 4096).map(n -> {
            String base = "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x?X-Amz-Signature=";
            return base + "s".repeat(Math.max(0, n - base.length()));
        });
        Arbitrary<String> physicalIds = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(300)
                .injectNull(0.3);
        Arbitrary<Integer> oldIds = Arbitraries.integers().between(0, 2);
        Arbitrary<Integer> timeouts = Arbitraries.integers().between(0, 3600);
        return Combinators.combine(Arbitraries.of(RequestType.class), requestIds, urls, physicalIds, oldIds, timeouts,
                Arbitraries.longs().between(0, 86_400_000)).as((type, requestId, url, physicalId, old, timeout, ago) -> {
                    String ext = TestData.externalId();
                    return TestData.create(ext, requestId, TestData.ACCOUNT, "forged", NOW.minusMillis(ago))
                            .setRequestType(type)
                            .setResponseUrl(url)
                            .setPhysicalResourceId(type == RequestType.CREATE ? null : physicalId)
                            .setOldExternalId(old == 0 ? null : old == 1 ? ext : TestData.externalId())
                            .setServiceTimeoutSeconds(timeout)
                            .build();
                });
    }
}
