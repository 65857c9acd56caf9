package dev.onboarding.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistrySettingsTest {

    @Test
    void refusesToStartWithoutARegistryUrl() {
        assertThatThrownBy(() -> RegistrySettings.from(Settings.of(Map.of("schema.registry.url", " "))))
                .isInstanceOf(SettingsException.class)
                .hasMessage("config schema.registry.url is required but not set (property schema.registry.url or "
                        + "environment variable ONBOARDING_SCHEMA_REGISTRY_URL)")
                .satisfies(e -> assertThat(((SettingsException) e).key()).isEqualTo("schema.registry.url"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://registry:8081        | must be an http://, https:// or mock:// URL",
        "registry:8081              | must be an http://, https:// or mock:// URL",
        "http://bad host:8081       | is not a URL",
        "http:/registry             | must name a host",
        "https://user:pw@registry   | must not carry credentials; set them in schema.registry.basic-auth.user-info"})
    void refusesAnUnusableUrlNamingTheKey(String url, String problem) {
        assertThatThrownBy(() -> RegistrySettings.from(Settings.of(Map.of("schema.registry.url", url))))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("config schema.registry.url " + problem)
                .hasMessageNotContaining(":pw@");
    }

    @Test
    void readsEveryKeyWithEnvironmentOverrides() {
        Settings settings = Settings.of(Map.of(
                "schema.registry.url", "https://registry.internal:8081",
                "schema.registry.connect-timeout", "2s",
                "schema.registry.request-timeout", "PT3S",
                "schema.registry.auto-register", "false",
                "schema.registry.ssl.truststore.location", "/etc/onboarding/trust.p12",
                "schema.registry.ssl.truststore.password", "trust-pw"),
                Map.of("ONBOARDING_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "svc:secret-pw"));

        RegistrySettings registry = RegistrySettings.from(settings);

        assertThat(registry.url()).isEqualTo("https://registry.internal:8081");
        assertThat(registry.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(registry.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(registry.autoRegister()).isFalse();
        assertThat(registry.basicAuthUserInfo()).contains("svc:secret-pw");
        assertThat(registry.trustStore()).contains(
                new RegistrySettings.TrustStore("/etc/onboarding/trust.p12", "trust-pw", "PKCS12"));
        assertThat(registry.toString()).doesNotContain("secret-pw").doesNotContain("trust-pw");
    }

    @Test
    void defaultsEverythingButTheUrl() {
        RegistrySettings registry = RegistrySettings.from(Settings.of(Map.of("schema.registry.url", "mock://unit")));

        assertThat(registry).isEqualTo(RegistrySettings.of("mock://unit"));
        assertThat(registry.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(registry.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(registry.basicAuthUserInfo()).isEmpty();
        assertThat(registry.trustStore()).isEmpty();
        assertThat(registry.autoRegister()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"schema.registry.connect-timeout, 0s", "schema.registry.request-timeout, 0ms",
        "schema.registry.request-timeout, soon"})
    void refusesAnUnusableTimeoutNamingTheKey(String key, String value) {
        Settings settings = Settings.of(Map.of("schema.registry.url", "http://registry:8081", key, value));

        assertThatThrownBy(() -> RegistrySettings.from(settings))
                .isInstanceOf(SettingsException.class)
                .satisfies(e -> assertThat(((SettingsException) e).key()).isEqualTo(key));
    }

    @Test
    void mockUrlsGiveTheSharedInProcessRegistryOfTheirScope() {
        SchemaRegistry first = SchemaRegistries.connect(RegistrySettings.of("mock://registry-settings-a"));
        SchemaRegistry again = SchemaRegistries.connect(RegistrySettings.of("mock://registry-settings-a"));
        SchemaRegistry other = SchemaRegistries.connect(RegistrySettings.of("mock://registry-settings-b"));
        try {
            assertThat(first).isInstanceOf(InMemorySchemaRegistry.class).isSameAs(again).isNotSameAs(other);
            assertThat(first.url()).isEqualTo("mock://registry-settings-a");
            int id = first.register("s-value", dev.onboarding.contract.Integration.getClassSchema());
            assertThat(again.schemaById(id)).isEqualTo(dev.onboarding.contract.Integration.getClassSchema());
            assertThatThrownBy(() -> other.schemaById(id)).isInstanceOf(SchemaRegistryException.class)
                    .hasMessage("no schema with id " + id + " in mock://registry-settings-b");
        } finally {
            InMemorySchemaRegistry.drop("registry-settings-a");
            InMemorySchemaRegistry.drop("registry-settings-b");
        }
    }

    @Test
    void httpUrlsGiveTheRestClient() {
        SchemaRegistry registry = SchemaRegistries.connect(new RegistrySettings("http://127.0.0.1:8081/",
                Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty(), Optional.empty(), true));

        assertThat(registry).isInstanceOf(RestSchemaRegistry.class);
        assertThat(registry.url()).isEqualTo("http://127.0.0.1:8081");
    }
}
