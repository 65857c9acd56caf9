package dev.onboarding.schemas.topics;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic with its serdes, so a topology cannot pair a topic with the wrong serde.
 *
 * @param name the configured topic name
 * @param keySerde serde of the keys
 * @param valueSerde serde of the values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    /** For {@code builder.stream(topic.name(), topic.consumed())}. */
    public Consumed<K, V> consumed() {
        return Consumed.with(keySerde, valueSerde);
    }

    /** For {@code stream.to(topic.name(), topic.produced())}. */
    public Produced<K, V> produced() {
        return Produced.with(keySerde, valueSerde);
    }
}
