package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Parsing and checking of the processor.* keys. */
class ProcessorConfigTest {
    @Test
    void defaultsMatchTheContract() {
        ProcessorConfig config = ProcessorConfig.defaults();
        assertThat(config.applicationId()).isEqualTo("onboarding-processor");
        assertThat(config.callbackGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.decidedRetention()).isEqualTo(Duration.ofDays(15));
        assertThat(config.standbyReplicas()).isEqualTo(1);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.httpPort()).isEqualTo(8090);
        assertThat(config.producerBatchSize()).isEqualTo(128 * 1024);
        assertThat(config.streamThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void theProducersGetTheConfiguredBatchSize() {
        ProcessorConfig config = ProcessorConfig.from(Settings.of(Map.of("processor.producer.batch-size", "65536")));
        TopicCatalog catalog = TopicCatalog.create(TopicSettings.defaults(),
                InMemorySchemaRegistry.scope("processor-config-test"), true);
        Properties props = ProcessorApp.streamsProperties(config, KafkaSettings.of("localhost:9092"),
                DeadLetterRoutes.of(catalog), Optional.empty());
        assertThat(props.get("producer.batch.size")).isEqualTo(65536);
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of("processor.producer.batch-size", "100"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("processor.producer.batch-size");
    }

    @Test
    void keysOverrideDefaultsAndEnvironmentOverridesKeys() {
        Settings settings = Settings.of(Map.of("processor.callback-grace", "5s", "processor.http.port", "0",
                "processor.standby-replicas", "0"), Map.of("ONBOARDING_PROCESSOR_APPLICATION_ID", "from-env"));
        ProcessorConfig config = ProcessorConfig.from(settings);
        assertThat(config.callbackGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.httpPort()).isZero();
        assertThat(config.standbyReplicas()).isZero();
        assertThat(config.applicationId()).isEqualTo("from-env");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of("processor.decided-requests.retention",
                "7d")))).isInstanceOf(SettingsException.class).hasMessageContaining(
                        "processor.decided-requests.retention");
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of("processor.http.port", "70000"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("processor.http.port");
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of("processor.punctuation-interval", "0s"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("processor.punctuation-interval");
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of("processor.application-id", "a b"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("processor.application-id");
    }

    @Test
    void theTopologyDescriptionNamesEveryStoreAndRepartition() {
        String description = ProcessorApp.describeTopology(Settings.of(Map.of()));
        assertThat(description).contains(TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE,
                TopologyNames.REQUESTS_STORE, TopologyNames.HELD_CALLBACKS_STORE,
                TopologyNames.ACCOUNT_CLAIMS_STORE, TopologyNames.INTEGRATIONS_BY_ID_STORE,
                TopologyNames.REQUESTS_BY_EXTERNAL_ID, TopologyNames.CLAIMS_BY_ACCOUNT,
                TopologyNames.CLAIM_OUTCOMES_BY_EXTERNAL_ID, "onboarding.cfn-callbacks",
                "onboarding.cfn-responses");
    }

    @Test
    void theFloodBoundsHaveDocumentedDefaultsAndAreChecked() {
        ProcessorConfig config = ProcessorConfig.defaults();
        assertThat(config.decidedAnswerRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(config.maxHeldCallbacks()).isEqualTo(1_000);
        assertThat(config.maxHeldCallbackBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.maxRecordedAttemptsPerHour()).isEqualTo(20);
        assertThat(config.legacyExternalIdPattern()).isEmpty();

        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of(
                "processor.decided-requests.answer-retention", "16d"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("processor.decided-requests.answer-retention");
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of(
                "processor.requests.legacy-external-id-pattern", "legacy-[")))).isInstanceOf(SettingsException.class)
                .hasMessageContaining("processor.requests.legacy-external-id-pattern");
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of(
                "processor.held-callbacks.max-per-partition", "0")))).isInstanceOf(SettingsException.class)
                .hasMessageContaining("processor.held-callbacks.max-per-partition");
        assertThat(ProcessorConfig.from(Settings.of(Map.of("processor.requests.legacy-external-id-pattern",
                "legacy-[0-9]+"))).legacyExternalIdPattern()).get().extracting(p -> p.matcher("legacy-42").matches())
                .isEqualTo(true);
    }

    @Test
    void aRetentionShorterThanSqsKeepsMessagesIsForTestsOnlyAndSaysSo() {
        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(Map.of("processor.decided-requests.retention",
                "2m")))).isInstanceOf(SettingsException.class)
                .hasMessageContaining("processor.decided-requests.allow-short-retention");

        ProcessorConfig shortened = ProcessorConfig.from(Settings.of(Map.of(
                "processor.decided-requests.allow-short-retention", "true",
                "processor.decided-requests.retention", "2m",
                "processor.decided-requests.answer-retention", "1m")));
        assertThat(shortened.decidedRetention()).isEqualTo(Duration.ofMinutes(2));
        assertThat(shortened.decidedAnswerRetention()).isEqualTo(Duration.ofMinutes(1));
    }
}
