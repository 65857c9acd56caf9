package dev.onboarding.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.config.Settings;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.ConfluentWireFormat;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The catalog pairs every configured topic name with the serde of its value type. */
class TopicCatalogTest {
    private final String scope = "topic-catalog-test-" + UUID.randomUUID();
    private final SchemaRegistry registry = SchemaRegistries.connect(RegistrySettings.of("mock://" + scope));

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.drop(scope);
    }

    @Test
    void everyTopicHasItsConfiguredNameAndTheSerdeOfItsValueType() {
        TopicSettings settings = TopicSettings.from(Settings.of(Map.of("topics.cfn-responses-retry.name", "r.retry")));
        TopicCatalog catalog = TopicCatalog.create(settings, registry, true);

        Map<TopicDefinition, Topic<String, ? extends SpecificRecord>> topics = CatalogTopics.byDefinition(catalog);

        assertThat(topics).containsOnlyKeys(TopicDefinition.values());
        assertThat(catalog.settings()).isSameAs(settings);
        topics.forEach((definition, topic) -> {
            assertThat(topic.name()).isEqualTo(settings.name(definition));
            assertThat(((AvroSerde<?>) topic.valueSerde()).type()).isEqualTo(definition.valueType());
            assertThat(topic.keySerde()).isNotNull();
        });
        assertThat(catalog.cfnResponsesRetry().name()).isEqualTo("r.retry");
    }

    @Test
    void everyTopicRoundTripsItsSampleUnderItsOwnSubject() {
        TopicCatalog catalog = TopicCatalog.create(TopicSettings.defaults(), registry, true);

        CatalogTopics.byDefinition(catalog).forEach((definition, topic) -> {
            SpecificRecord sample = CatalogTopics.sample(definition);
            byte[] bytes = roundTrip(topic, sample);
            assertThat(registry.idOf(topic.name() + "-value", sample.getSchema()))
                    .isEqualTo(ConfluentWireFormat.schemaId(bytes));
            assertThat(topic.keySerde().deserializer().deserialize(topic.name(),
                    topic.keySerde().serializer().serialize(topic.name(), "key-1"))).isEqualTo("key-1");
        });
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> byte[] roundTrip(Topic<String, V> topic, SpecificRecord sample) {
        Serde<V> serde = topic.valueSerde();
        byte[] bytes = serde.serializer().serialize(topic.name(), (V) sample);
        assertThat(serde.deserializer().deserialize(topic.name(), bytes)).isEqualTo(sample);
        return bytes;
    }
}
