package dev.onboarding.schemas.topics;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names and settings of every topic after config: {@code topics.<id>.name},
 * {@code topics.<id>.retention}, {@code topics.<id>.partitions}, {@code topics.partitions} (default 6),
 * {@code topics.replication-factor} (default: the broker's default). The role-verification topics default to the
 * partition count of the callbacks topic, whose tasks read their results.
 */
public final class TopicSettings {
    /** Partitions of every topic unless overridden. */
    public static final int DEFAULT_PARTITIONS = 6;

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final Map<TopicDefinition, TopicSpec> specs;

    private TopicSettings(Map<TopicDefinition, TopicSpec> specs) {
        this.specs = Collections.unmodifiableMap(new EnumMap<>(specs));
    }

    /** The defaults, with nothing overridden. */
    public static TopicSettings defaults() {
        return from(Settings.of(Map.of()));
    }

    /** Reads the {@code topics.*} keys. */
    public static TopicSettings from(Settings settings) {
        int partitions = settings.integer("topics.partitions", DEFAULT_PARTITIONS, 1, 10_000);
        short replication = (short) settings.integer("topics.replication-factor", -1, -1, 32);
        if (replication == 0) {
            throw new SettingsException("topics.replication-factor", "must be -1 (broker default) or at least 1");
        }
        Map<TopicDefinition, TopicSpec> specs = new EnumMap<>(TopicDefinition.class);
        Map<String, TopicDefinition> byName = new LinkedHashMap<>();
        int callbackPartitions = settings.integer("topics." + TopicDefinition.CFN_CALLBACKS.id() + ".partitions",
                partitions, 1, 10_000);
        for (TopicDefinition def : TopicDefinition.values()) {
            String prefix = "topics." + def.id() + ".";
            String name = settings.string(prefix + "name", def.defaultName());
            if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                // Caught here, the error names the key; the broker would refuse it later with less context.
                throw new SettingsException(prefix + "name", "is not a legal Kafka topic name: '" + name
                        + "' (letters, digits, '.', '_' and '-', at most 249)");
            }
            TopicDefinition clash = byName.put(name, def);
            if (clash != null) {
                throw new SettingsException(prefix + "name", "uses the name " + name + " already given to "
                        + clash.id());
            }
            Duration retention = def.defaultRetention().compact() ? Duration.ZERO
                    : settings.duration(prefix + "retention", def.defaultRetention().retention());
            int defaultPartitions = def.followsCallbackPartitions() ? callbackPartitions : partitions;
            specs.put(def, new TopicSpec(def, name,
                    settings.integer(prefix + "partitions", defaultPartitions, 1, 10_000), replication,
                    def.defaultRetention().compact(), retention));
        }
        return new TopicSettings(specs);
    }

    /** The spec of one topic. */
    public TopicSpec spec(TopicDefinition definition) {
        return specs.get(definition);
    }

    /** The configured name of one topic. */
    public String name(TopicDefinition definition) {
        return specs.get(definition).name();
    }

    /** Every topic's spec, in definition order. */
    public Iterable<TopicSpec> all() {
        return specs.values();
    }
}
