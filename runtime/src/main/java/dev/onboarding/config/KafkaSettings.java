package dev.onboarding.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka client properties of one process: {@code kafka.bootstrap.servers} (required) and any other
 * Kafka client property under {@code kafka.} (security.protocol, sasl.*, ssl.*, ...), each also
 * settable through its environment variable ({@code ONBOARDING_KAFKA_SASL_JAAS_CONFIG}).
 */
public final class KafkaSettings {
    /** The prefix that marks a pass-through Kafka client property. */
    public static final String PREFIX = "kafka.";

    private final Map<String, String> properties;

    private KafkaSettings(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    /** Reads {@code kafka.*}; fails naming {@code kafka.bootstrap.servers} when it is missing. */
    public static KafkaSettings from(Settings settings) {
        settings.string(PREFIX + "bootstrap.servers");
        return new KafkaSettings(settings.withPrefix(PREFIX, knownClientKeys()));
    }

    /** Settings pointing at {@code bootstrapServers} and nothing else (tests, the local run). */
    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** The bootstrap servers. */
    public String bootstrapServers() {
        return properties.get("bootstrap.servers");
    }

    /** A mutable copy of the client properties, ready to add app-specific ones to. */
    public Map<String, Object> clientProperties() {
        return new TreeMap<>(properties);
    }

    private static Set<String> knownClientKeys() {
        Set<String> keys = new TreeSet<>();
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        keys.addAll(streamsKeys());
        return keys;
    }

    /**
     * Kafka Streams' own keys where this process runs Kafka Streams (the processor, the scheduler); none where it
     * does not, so that the contract and the bridge need not carry Streams and RocksDB for a few names.
     */
    private static Set<String> streamsKeys() {
        try {
            return StreamsConfig.configDef().names();
        } catch (NoClassDefFoundError e) {
            return Set.of();
        }
    }

    @Override
    public String toString() {
        // Only the address: other properties may hold credentials.
        return "KafkaSettings[bootstrap.servers=" + bootstrapServers() + ", " + (properties.size() - 1)
                + " more properties]";
    }
}
