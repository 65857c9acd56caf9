package dev.onboarding.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSettingsTest {

    @Test
    void defaultsNameEveryTopicAfterItsDefinition() {
        TopicSettings settings = TopicSettings.defaults();

        List<TopicSpec> all = StreamSupport.stream(settings.all().spliterator(), false).toList();
        assertThat(all).extracting(TopicSpec::definition).containsExactly(TopicDefinition.values());
        assertThat(all).allSatisfy(spec -> {
            assertThat(spec.name()).isEqualTo(spec.definition().defaultName()).startsWith("onboarding.");
            assertThat(spec.partitions()).isEqualTo(TopicSettings.DEFAULT_PARTITIONS);
            assertThat(spec.replicationFactor()).isEqualTo((short) -1);
        });
        assertThat(settings.name(TopicDefinition.CFN_RESPONSES_RETRY)).isEqualTo("onboarding.cfn-responses.retry");
    }

    @Test
    void onlyIntegrationsCompactsAndDeadLettersLiveLonger() {
        TopicSettings settings = TopicSettings.defaults();

        assertThat(settings.spec(TopicDefinition.INTEGRATIONS).configs())
                .containsExactlyEntriesOf(Map.of("cleanup.policy", "compact"));
        assertThat(settings.spec(TopicDefinition.CFN_CALLBACKS).configs()).containsExactlyInAnyOrderEntriesOf(
                Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(Duration.ofDays(7).toMillis())));
        assertThat(settings.spec(TopicDefinition.CFN_RESPONSES_DLQ).configs())
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(14).toMillis()));
    }

    @Test
    void everyKeyOverrides() {
        TopicSettings settings = TopicSettings.from(Settings.of(Map.of(
                "topics.partitions", "3",
                "topics.replication-factor", "3",
                "topics.cfn-callbacks.name", "acme.cfn-callbacks",
                "topics.cfn-callbacks.partitions", "12",
                "topics.collection-jobs.retention", "2d"),
                Map.of("ONBOARDING_TOPICS_INTEGRATIONS_NAME", "acme.integrations")));

        TopicSpec callbacks = settings.spec(TopicDefinition.CFN_CALLBACKS);
        assertThat(callbacks.name()).isEqualTo("acme.cfn-callbacks");
        assertThat(callbacks.partitions()).isEqualTo(12);
        assertThat(settings.spec(TopicDefinition.CFN_RESPONSES).partitions()).isEqualTo(3);
        // The verification topics are keyed by external ID and read back by the callbacks' tasks: they follow it.
        assertThat(settings.spec(TopicDefinition.ROLE_VERIFICATIONS).partitions()).isEqualTo(12);
        assertThat(settings.spec(TopicDefinition.ROLE_VERIFICATION_RESULTS).partitions()).isEqualTo(12);
        assertThat(settings.name(TopicDefinition.INTEGRATIONS)).isEqualTo("acme.integrations");
        assertThat(settings.spec(TopicDefinition.COLLECTION_JOBS).retention()).isEqualTo(Duration.ofDays(2));

        NewTopic request = callbacks.newTopic();
        assertThat(request.name()).isEqualTo("acme.cfn-callbacks");
        assertThat(request.numPartitions()).isEqualTo(12);
        assertThat(request.replicationFactor()).isEqualTo((short) 3);
        assertThat(request.configs()).containsEntry("cleanup.policy", "delete");
    }

    @Test
    void leavesReplicationToTheBrokerByDefault() {
        NewTopic request = TopicSettings.defaults().spec(TopicDefinition.INTEGRATIONS).newTopic();

        assertThat(request.replicationFactor()).isEqualTo((short) -1);
        assertThat(request.configs()).containsExactlyEntriesOf(Map.of("cleanup.policy", "compact"));
    }

    @Test
    void refusesTwoTopicsWithOneName() {
        Settings settings = Settings.of(Map.of("topics.cfn-responses-retry.name", "onboarding.cfn-responses"));

        assertThatThrownBy(() -> TopicSettings.from(settings))
                .isInstanceOf(SettingsException.class)
                .hasMessage("config topics.cfn-responses-retry.name uses the name onboarding.cfn-responses already "
                        + "given to cfn-responses");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "slash/topic", "ümlaut", ".", ".."})
    void refusesAnIllegalTopicNameNamingTheKey(String name) {
        assertThatThrownBy(() -> TopicSettings.from(Settings.of(Map.of("topics.integrations.name", name))))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("config topics.integrations.name is not a legal Kafka topic name: '"
                        + name + "'");
    }

    @Test
    void refusesATopicNameLongerThanKafkaAllows() {
        assertThat(TopicSettings.from(Settings.of(Map.of("topics.integrations.name", "t".repeat(249))))
                .name(TopicDefinition.INTEGRATIONS)).hasSize(249);
        assertThatThrownBy(() -> TopicSettings.from(Settings.of(Map.of("topics.integrations.name", "t".repeat(250)))))
                .hasMessageContaining("topics.integrations.name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "topics.partitions                | 0    | must be between 1 and 10000, got 0",
        "topics.cfn-callbacks.partitions  | many | must be a whole number, got 'many'",
        "topics.replication-factor        | 0    | must be -1 (broker default) or at least 1",
        "topics.replication-factor        | -2   | must be between -1 and 32, got -2",
        "topics.cfn-callbacks.retention   | 7    | is not a duration (use e.g. 500ms, 30s, 5m, 24h, 15d): '7'"})
    void refusesBadNumbersNamingTheKey(String key, String value, String problem) {
        assertThatThrownBy(() -> TopicSettings.from(Settings.of(Map.of(key, value))))
                .isInstanceOf(SettingsException.class)
                .hasMessage("config " + key + " " + problem);
    }
}
