package dev.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Settings#requireKnownKeys}: a typo under an app's prefix stops start-up naming the key. */
class KnownKeysTest {
    private static final List<ConfigKeys> APPS = List.of(
            ConfigKeys.of("bridge.", "bridge.queues", "bridge.sqs.wait-time", "bridge.sqs.max-messages",
                    "bridge.sqs.endpoint.<region>"),
            ConfigKeys.of("processor.", "processor.state-dir", "processor.http.port"));

    @Test
    void knownKeysPlaceholdersAndOtherPrefixesPass() {
        Settings settings = Settings.of(
                Map.of("bridge.queues", "us-east-1=q", "bridge.sqs.endpoint.eu-west-1", "http://127.0.0.1:1",
                        "kafka.whatever.client.property", "x", "topics.partitions", "3", "request.ttl", "1h"),
                Map.of("ONBOARDING_PROCESSOR_HTTP_PORT", "1", "ONBOARDING_BRIDGE_SQS_ENDPOINT_US_EAST_1", "http://x",
                        "ONBOARDING_KAFKA_SASL_MECHANISM", "PLAIN", "ONBOARDING_LOG_LEVEL", "DEBUG", "PATH", "/bin"));

        assertThatCode(() -> settings.requireKnownKeys(APPS)).doesNotThrowAnyException();
    }

    @Test
    void aTypoInThePropertiesNamesTheKeyAndItsNeighbours() {
        Settings settings = Settings.of(Map.of("bridge.sqs.wait-tme", "1s"));

        assertThatThrownBy(() -> settings.requireKnownKeys(APPS))
                .isInstanceOfSatisfying(SettingsException.class,
                        e -> assertThat(e.key()).isEqualTo("bridge.sqs.wait-tme"))
                .hasMessageContaining("bridge.sqs.wait-tme is not a setting")
                .hasMessageContaining("bridge.sqs.wait-time")
                .hasMessageContaining("bridge.sqs.max-messages")
                .hasMessageNotContaining("bridge.queues");
    }

    @Test
    void aPlaceholderTakesOneNameOnly() {
        Settings settings = Settings.of(Map.of("bridge.sqs.endpoint", "http://127.0.0.1:1"));

        assertThatThrownBy(() -> settings.requireKnownKeys(APPS)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("bridge.sqs.endpoint is not a setting");
    }

    @Test
    void aTypoInTheEnvironmentNamesTheVariable() {
        Settings settings = Settings.of(Map.of(), Map.of("ONBOARDING_PROCESSOR_STATE_DIRECTORY", "/var/state"));

        assertThatThrownBy(() -> settings.requireKnownKeys(APPS))
                .isInstanceOfSatisfying(SettingsException.class,
                        e -> assertThat(e.key()).isEqualTo("ONBOARDING_PROCESSOR_STATE_DIRECTORY"))
                .hasMessageContaining("names no setting under processor.")
                .hasMessageContaining("processor.state-dir");
    }

    @Test
    void kubernetesServiceLinksLookLikeSettings() {
        // A Service named onboarding-processor injects these into every pod unless enableServiceLinks is false.
        Settings settings = Settings.of(Map.of(), Map.of("ONBOARDING_PROCESSOR_SERVICE_HOST", "10.0.0.1"));

        assertThatThrownBy(() -> settings.requireKnownKeys(APPS)).isInstanceOf(SettingsException.class)
                .hasMessageContaining("ONBOARDING_PROCESSOR_SERVICE_HOST")
                .hasMessageContaining("service links");
    }

    @Test
    void blankVariablesAreUnsetAsEverywhere() {
        Settings settings = Settings.of(Map.of(), Map.of("ONBOARDING_PROCESSOR_TYPO", " "));

        assertThatCode(() -> settings.requireKnownKeys(APPS)).doesNotThrowAnyException();
    }

    @Test
    void keysOfOneAppJoinAndMustBeUnderTheirPrefix() {
        ConfigKeys joined = ConfigKeys.of("bridge.", "bridge.a").and(ConfigKeys.of("bridge.", "bridge.b"));

        assertThat(joined.keys()).containsExactly("bridge.a", "bridge.b");
        assertThatThrownBy(() -> ConfigKeys.of("bridge.", "processor.a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> joined.and(ConfigKeys.of("api.", "api.a")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsTheKeysItWasAskedFor() {
        Settings settings = Settings.of(Map.of("a.b", "1"));
        settings.integer("a.b", 0, 0, 10);
        settings.duration("c.d", java.time.Duration.ZERO);

        assertThat(settings.keysLookedUp()).containsExactlyInAnyOrder("a.b", "c.d");
    }
}
