package dev.onboarding.schemas.topics;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic as it should exist on the broker.
 *
 * @param definition which topic
 * @param name its configured name
 * @param partitions partition count
 * @param replicationFactor replication factor, or -1 for the broker's default
 * @param compact whether the topic is compacted
 * @param retention how long a delete-policy topic keeps data
 */
public record TopicSpec(TopicDefinition definition, String name, int partitions, short replicationFactor,
        boolean compact, Duration retention) {

    /** Topic-level configs this spec requires. */
    public Map<String, String> configs() {
        return compact
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    /** The admin request that creates this topic. */
    public NewTopic newTopic() {
        return new NewTopic(name, Optional.of(partitions),
                replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor)).configs(configs());
    }
}
