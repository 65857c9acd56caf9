package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.processor.TestData;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * Whatever callbacks for unknown external IDs arrive, and whenever their requests or the clock take them, the held
 * callbacks stay within both bounds after every hold, and every held callback comes out exactly once: decided over
 * the bound, at the end of its grace, or when its request arrives; never dropped, never twice.
 */
class HeldCallbacksPropertiesTest {
    private static final AvroSerde<CfnCallback> CALLBACKS = AvroSerde.forValues(CfnCallback.class,
            InMemorySchemaRegistry.scope("held-callbacks-properties"), true);
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    /** What happens next: a callback held (its URL this long), the clock moving, or a request arriving. */
    record Step(int kind, int urlLength, int seconds, int pick) {
    }

    @Property(tries = 200)
    void heldCallbacksStayWithinTheBoundsAndEachComesOutOnce(@ForAll @IntRange(min = 1, max = 12) int maxCount,
            @ForAll @IntRange(min = 65_536, max = 120_000) int maxBytes,
            @ForAll @Size(max = 120) List<@From("steps") Step> steps) {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props());
        TimestampedKeyValueStore<String, CfnCallback> store = Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("held"), Serdes.String(), CALLBACKS).withLoggingDisabled().build();
        KeyValueStore<String, String> index = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("by-time"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        index.init(context.getStateStoreContext(), index);
        HeldCallbacks held = new HeldCallbacks(store, index, maxCount, maxBytes);

        Map<String, CfnCallback> waiting = new HashMap<>();
        List<String> out = new ArrayList<>();
        long now = START.toEpochMilli();
        int n = 0;
        for (Step step : steps) {
            switch (step.kind()) {
                case 0, 1, 2 -> {
                    CfnCallback callback = callback("req-" + n++, step.urlLength(), now);
                    held.hold(callback, now);
                    waiting.put(callback.getRequestId(), callback);
                    took(held.takeOverBound(), waiting, out);
                    assertThat(held.stillWaiting()).isLessThanOrEqualTo(maxCount).isEqualTo(waiting.size());
                    assertThat(held.bytesWaiting()).isLessThanOrEqualTo(maxBytes).isEqualTo(waiting.values().stream()
                            .mapToLong(HeldCallbacks::sizeOf).sum());
                }
                case 3 -> {
                    now += step.seconds() * 1000L;
                    took(held.takeOverdue(now - 30_000), waiting, out);
                }
                default -> {
                    if (!waiting.isEmpty()) {
                        CfnCallback arrived = new ArrayList<>(waiting.values()).get(step.pick() % waiting.size());
                        took(held.takeFor(arrived.getExternalId()), waiting, out);
                    }
                }
            }
            assertThat(held.stillWaiting()).isEqualTo(waiting.size());
        }
        took(held.takeOverdue(Long.MAX_VALUE / 4), waiting, out);

        assertThat(waiting).isEmpty();
        assertThat(out).hasSize(n).doesNotHaveDuplicates();
        assertThat(held.stillWaiting()).isZero();
        assertThat(held.bytesWaiting()).isZero();
    }

    private static void took(List<CfnCallback> taken, Map<String, CfnCallback> waiting, List<String> out) {
        for (CfnCallback callback : taken) {
            assertThat(waiting.remove(callback.getRequestId())).as("taken while waiting").isEqualTo(callback);
            out.add(callback.getRequestId());
        }
    }

    private static CfnCallback callback(String requestId, int urlLength, long nowMillis) {
        String base = "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/" + requestId + "?s=";
        return TestData.create(TestData.externalId(), requestId, TestData.ACCOUNT, "s", Instant.ofEpochMilli(nowMillis))
                .setResponseUrl(base + "u".repeat(Math.max(0, urlLength - base.length()))).build();
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(100, 4096),
                Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 1000)).as(Step::new);
    }

    private static Properties props() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "held-properties");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "mock:9092");
        return props;
    }
}
