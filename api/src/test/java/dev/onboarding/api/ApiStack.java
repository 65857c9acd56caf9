package dev.onboarding.api;

import static org.awaitility.Awaitility.await;

import dev.onboarding.config.Settings;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.DevTokenIssuer;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One test class's API world on the module's shared broker and registry: its own topics, the
 * {@link ProcessorStandIn}, a {@link DevTokenIssuer}, and any number of API instances, each with its own state dir
 * (or a given one, to restart an instance on its copy).
 */
final class ApiStack implements AutoCloseable {
    static final String TEMPLATE_URL = "https://templates.example.com/onboarding/customer.json";
    static final String PROVIDER_ACCOUNT = "444455556666";

    final EmbeddedKafka kafka = EmbeddedKafka.shared();
    final String id = "api" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, String> settings = new LinkedHashMap<>();
    final TopicCatalog catalog;
    final SchemaRegistry registry;
    final DevTokenIssuer issuer;
    final ProcessorStandIn processor;
    private final List<ApiApp> apps = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    ApiStack() {
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", ApicurioRegistry.shared().confluentApiUrl());
        settings.put("topics.partitions", "3");
        for (TopicDefinition def : TopicDefinition.values()) {
            settings.put("topics." + def.id() + ".name", id + "." + def.defaultName());
        }
        settings.put("api.http.bind-address", "127.0.0.1");
        settings.put("api.http.port", "0");
        settings.put("api.rate-limit.per-second", "1000");
        settings.put("api.rate-limit.burst", "1000");
        settings.put("api.create-timeout", "10s");
        settings.put("request.template-url", TEMPLATE_URL);
        settings.put("request.provider-account-id", PROVIDER_ACCOUNT);
        issuer = DevTokenIssuer.create(newDir("issuer-"));
        settings.putAll(issuer.apiSettings());
        Settings parsed = Settings.of(settings);
        registry = SchemaRegistries.connect(RegistrySettings.from(parsed));
        TopicSettings topics = TopicSettings.from(parsed);
        catalog = TopicCatalog.create(topics, registry, true);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicCreator(admin, 60_000).createAll(topics);
        }
        processor = new ProcessorStandIn(kafka.bootstrapServers(), catalog);
    }

    /** A new instance with its own state dir, started and ready. */
    ApiApp start() {
        return start(newDir("state-"), Map.of());
    }

    /** An instance on {@code stateDir} with {@code overrides}, started and ready. */
    ApiApp start(Path stateDir, Map<String, String> overrides) {
        Map<String, String> instance = new LinkedHashMap<>(settings);
        instance.put("api.state-dir", stateDir.toString());
        instance.putAll(overrides);
        ApiApp app = ApiApp.from(Settings.of(instance), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        apps.add(app);
        app.start();
        await("API instance ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(app::isReady);
        return app;
    }

    /** A client of {@code app}. */
    static ApiClient client(ApiApp app) {
        return new ApiClient(app.url().orElseThrow());
    }

    /** A token of {@code tenant} with both scopes. */
    String token(String tenant) {
        return issuer.mint(tenant, DevTokenIssuer.ALL_SCOPES, Duration.ofMinutes(10));
    }

    Path newDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory("api-test-" + prefix);
            dirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tenant name no other test uses. */
    static String newTenant(String role) {
        return role + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        for (ApiApp app : apps) {
            app.close();
        }
        processor.close();
        registry.close();
        issuer.close();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
