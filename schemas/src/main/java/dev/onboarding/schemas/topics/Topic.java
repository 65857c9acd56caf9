package dev.onboarding.schemas.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its serdes, so a producer, a consumer or a topology cannot pair a topic with the wrong serde.
 *
 * @param name the configured topic name
 * @param keySerde serde of the keys
 * @param valueSerde serde of the values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
