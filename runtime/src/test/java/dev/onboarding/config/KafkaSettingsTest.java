package dev.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void requiresBootstrapServersNamingTheKey() {
        assertThatThrownBy(() -> KafkaSettings.from(Settings.of(Map.of("kafka.acks", "all"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("config kafka.bootstrap.servers is required")
                .hasMessageContaining("ONBOARDING_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void passesEveryKafkaKeyThroughWithoutThePrefix() {
        KafkaSettings kafka = KafkaSettings.from(Settings.of(Map.of(
                "kafka.bootstrap.servers", "broker-1:9092,broker-2:9092",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.client.rack", "euw1-az1",
                "bridge.queues", "not-kafka")));

        assertThat(kafka.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(kafka.clientProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "broker-1:9092,broker-2:9092",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "client.rack", "euw1-az1"));
    }

    @Test
    void environmentOverridesAnyKnownKafkaKey() {
        KafkaSettings kafka = KafkaSettings.from(Settings.of(
                Map.of("kafka.bootstrap.servers", "file:9092", "kafka.security.protocol", "PLAINTEXT"),
                Map.of("ONBOARDING_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                        "ONBOARDING_KAFKA_SECURITY_PROTOCOL", "SSL",
                        "ONBOARDING_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https",
                        "ONBOARDING_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule "
                                + "required username=\"svc\" password=\"jaas-secret\";",
                        "ONBOARDING_KAFKA_NOT_A_KAFKA_KEY", "ignored")));

        assertThat(kafka.bootstrapServers()).isEqualTo("env:9092");
        assertThat(kafka.clientProperties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsKey("sasl.jaas.config")
                .doesNotContainKey("not.a.kafka.key");
        assertThat(kafka.toString()).contains("env:9092").doesNotContain("jaas-secret");
    }

    @Test
    void environmentOverridesKafkaStreamsKeysWhereStreamsRuns() {
        KafkaSettings kafka = KafkaSettings.from(Settings.of(Map.of("kafka.bootstrap.servers", "file:9092"),
                Map.of("ONBOARDING_KAFKA_STATESTORE_CACHE_MAX_BYTES", "1048576")));

        assertThat(kafka.clientProperties()).containsEntry("statestore.cache.max.bytes", "1048576");
    }

    @Test
    void bootstrapServersMayComeFromTheEnvironmentAlone() {
        KafkaSettings kafka = KafkaSettings.from(Settings.of(Map.of(),
                Map.of("ONBOARDING_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")));

        assertThat(kafka.clientProperties()).containsExactlyEntriesOf(Map.of("bootstrap.servers", "127.0.0.1:9092"));
    }

    @Test
    void clientPropertiesAreAFreshMutableCopy() {
        KafkaSettings kafka = KafkaSettings.of("127.0.0.1:9092");

        kafka.clientProperties().put("acks", "all");

        assertThat(kafka.clientProperties()).containsExactlyEntriesOf(Map.of("bootstrap.servers", "127.0.0.1:9092"));
    }
}
