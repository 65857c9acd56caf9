package dev.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    @ParameterizedTest
    @CsvSource({
        "bridge.queues, ONBOARDING_BRIDGE_QUEUES",
        "schema.registry.basic-auth.user-info, ONBOARDING_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
        "topics.cfn-callbacks-dlq.name, ONBOARDING_TOPICS_CFN_CALLBACKS_DLQ_NAME",
        "kafka.security.protocol, ONBOARDING_KAFKA_SECURITY_PROTOCOL"})
    void namesTheEnvironmentVariableOfAKey(String key, String variable) {
        assertThat(Settings.environmentVariable(key)).isEqualTo(variable);
    }

    @Test
    void environmentOverridesTheFileAndBlankMeansUnset() {
        Settings settings = Settings.of(
                Map.of("a.key", "from-file", "b.key", "from-file", "c.key", "  ", "d.key", "  padded  "),
                Map.of("ONBOARDING_A_KEY", "from-env", "ONBOARDING_B_KEY", " "));

        assertThat(settings.find("a.key")).contains("from-env");
        assertThat(settings.find("b.key")).contains("from-file");
        assertThat(settings.find("c.key")).isEmpty();
        assertThat(settings.find("d.key")).contains("padded");
        assertThat(settings.find("missing")).isEmpty();
    }

    @Test
    void withAddsKeysThatStillLoseToTheEnvironment() {
        Settings settings = Settings.of(Map.of("a", "1"), Map.of("ONBOARDING_B", "env"))
                .with(Map.of("a", "2", "b", "file"));

        assertThat(settings.string("a")).isEqualTo("2");
        assertThat(settings.string("b")).isEqualTo("env");
    }

    @Test
    void aMissingRequiredKeyNamesTheKeyAndItsVariable() {
        assertThatThrownBy(() -> Settings.of(Map.of()).string("bridge.queues"))
                .isInstanceOf(SettingsException.class)
                .hasMessage("config bridge.queues is required but not set (property bridge.queues or environment "
                        + "variable ONBOARDING_BRIDGE_QUEUES)")
                .satisfies(e -> assertThat(((SettingsException) e).key()).isEqualTo("bridge.queues"));
        assertThat(Settings.of(Map.of()).string("bridge.queues", "fallback")).isEqualTo("fallback");
    }

    @Test
    void integersAreParsedAndRangeChecked() {
        Settings settings = Settings.of(Map.of("n", "12", "big", "5000", "word", "twelve"));

        assertThat(settings.integer("n", 1, 1, 100)).isEqualTo(12);
        assertThat(settings.integer("unset", 7, 1, 100)).isEqualTo(7);
        assertThatThrownBy(() -> settings.integer("big", 1, 1, 100))
                .hasMessage("config big must be between 1 and 100, got 5000");
        assertThatThrownBy(() -> settings.integer("word", 1, 1, 100))
                .hasMessage("config word must be a whole number, got 'twelve'");
        assertThatThrownBy(() -> settings.integer("unset", 0, 1, 100))
                .as("a default outside the range is a bug too").hasMessageContaining("got 0");
        assertThatThrownBy(() -> Settings.of(Map.of("n", "3000000000")).integer("n", 1, 1, 100))
                .hasMessage("config n must be a whole number, got '3000000000'");
    }

    @Test
    void longsAreParsedAndRangeChecked() {
        Settings settings = Settings.of(Map.of("n", "3000000000", "neg", "-1"));

        assertThat(settings.longValue("n", 0, 0, Long.MAX_VALUE)).isEqualTo(3_000_000_000L);
        assertThatThrownBy(() -> settings.longValue("neg", 0, 0, 10))
                .hasMessage("config neg must be between 0 and 10, got -1");
        assertThatThrownBy(() -> Settings.of(Map.of("n", "1.5")).longValue("n", 0, 0, 10))
                .hasMessage("config n must be a whole number, got '1.5'");
    }

    @Test
    void booleansAreStrict() {
        Settings settings = Settings.of(Map.of("t", "TRUE", "f", "false", "y", "yes"));

        assertThat(settings.bool("t", false)).isTrue();
        assertThat(settings.bool("f", true)).isFalse();
        assertThat(settings.bool("unset", true)).isTrue();
        assertThatThrownBy(() -> settings.bool("y", false)).hasMessage("config y must be true or false, got 'yes'");
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "24h, PT24H", "15d, PT360H", "PT30S, PT30S",
        "pt1m, PT1M", "P1D, PT24H", "'  10 s ', PT10S", "0s, PT0S"})
    void durationsTakeShortFormsAndIso(String raw, String expected) {
        assertThat(Settings.of(Map.of("d", raw)).duration("d", Duration.ZERO)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10x                    | is not a duration (use e.g. 500ms, 30s, 5m, 24h, 15d): '10x'",
        "ten seconds            | is not a duration (use e.g. 500ms, 30s, 5m, 24h, 15d): 'ten seconds'",
        "-5s                    | is not a duration (use e.g. 500ms, 30s, 5m, 24h, 15d): '-5s'",
        "PTxS                   | is not a duration: 'PTxS'",
        "PT-5S                  | must not be negative, got PT-5S",
        "99999999999999999999s  | is too long a duration: '99999999999999999999s'",
        "9223372036854775807d   | is too long a duration: '9223372036854775807d'"})
    void badDurationsNameTheKey(String raw, String problem) {
        assertThatThrownBy(() -> Settings.of(Map.of("retry.backoff", raw)).duration("retry.backoff", Duration.ZERO))
                .isInstanceOf(SettingsException.class)
                .hasMessage("config retry.backoff " + problem);
    }

    @Test
    void durationDefaultsApplyWhenUnset() {
        assertThat(Settings.of(Map.of()).duration("d", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void listsAreCommaSeparatedTrimmedAndSkipBlanks() {
        Settings settings = Settings.of(Map.of("l", " eu-west-1, us-east-1,,ap-south-1 ,"),
                Map.of("ONBOARDING_E", "a,b"));

        assertThat(settings.list("l")).containsExactly("eu-west-1", "us-east-1", "ap-south-1");
        assertThat(settings.list("e")).containsExactly("a", "b");
        assertThat(settings.list("unset")).isEmpty();
        assertThat(settings.list("l")).isInstanceOf(List.class);
    }

    @Test
    void withPrefixPassesKeysThroughWithoutThePrefix() {
        Settings settings = Settings.of(Map.of("kafka.acks", "all", "kafka.linger.ms", "5", "kafkaesque", "x",
                "kafka.empty", " "), Map.of("ONBOARDING_KAFKA_ACKS", "1", "ONBOARDING_KAFKA_BATCH_SIZE", "1000"));

        assertThat(settings.withPrefix("kafka.")).containsExactlyInAnyOrderEntriesOf(
                Map.of("acks", "all", "linger.ms", "5"));
        assertThat(settings.withPrefix("kafka.", List.of("acks", "batch.size", "retries")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("acks", "1", "linger.ms", "5", "batch.size", "1000"));
    }

    @Test
    void loadsAPropertiesFileAndRefusesAMissingOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "# comment\nbridge.queues = q1, q2  \nschema.registry.url=mock://x\n");

        Settings settings = Settings.load(Optional.of(file));

        assertThat(settings.list("bridge.queues")).containsExactly("q1", "q2");
        assertThat(settings.properties()).containsEntry("schema.registry.url", "mock://x");
        assertThatThrownBy(() -> Settings.load(Optional.of(dir.resolve("nope.properties"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("nope.properties does not exist");
    }
}
