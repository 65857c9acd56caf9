package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What {@code docker-compose.yml} promises, read from the file (SnakeYAML resolves its anchors and merge keys as
 * Compose does; CI also validates it with {@code docker-compose config}): the stack starts in any order, apps
 * restart on failure, the registry keeps its schemas, and nothing but loopback sees a published port.
 */
class ComposeFileTest {
    private static final List<String> APPS = List.of("bridge", "processor", "scheduler", "api");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        try (Reader in = Files.newBufferedReader(Path.of("..", "docker-compose.yml"))) {
            compose = new Yaml().load(in);
        }
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void noObsoleteVersionKey() {
        assertThat(compose).doesNotContainKey("version");
    }

    @Test
    void everyAppWaitsForKafkaTheTopicsAndTheRegistryAndRestartsOnFailure() {
        for (String app : APPS) {
            assertThat(services).as("service %s", app).containsKey(app);
            Map<String, String> conditions = conditions(app);
            assertThat(conditions).as("%s depends_on", app)
                    .containsEntry("kafka", "service_healthy")
                    .containsEntry("topics", "service_completed_successfully")
                    .containsEntry("registry", "service_healthy");
            assertThat(services.get(app).get("restart")).as("%s restart", app).isIn("on-failure", "unless-stopped",
                    "always");
            assertThat(services.get(app).get("command")).as("%s command", app).isEqualTo(List.of(app));
        }
        assertThat(conditions("bridge")).containsKey("sqs");
    }

    @Test
    void topicsAreCreatedOnceKafkaIsHealthyAndRetried() {
        Map<String, Object> topics = services.get("topics");
        assertThat(topics.get("command")).isEqualTo(List.of("topics", "create"));
        assertThat(conditions("topics")).containsEntry("kafka", "service_healthy");
        assertThat(topics.get("restart")).isEqualTo("on-failure");
    }

    @Test
    void kafkaAndTheRegistryHaveHealthChecksAndTheRegistryKeepsItsSchemasInKafka() {
        assertThat(healthCheck("kafka")).isNotEmpty();
        assertThat(healthCheck("registry")).anyMatch(part -> part.contains("/health/ready"));
        Map<String, Object> registry = services.get("registry");
        assertThat((String) registry.get("image")).startsWith("apicurio/apicurio-registry-kafkasql:2.6.13");
        assertThat(environment("registry")).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(conditions("registry")).containsEntry("kafka", "service_healthy");
        assertThat((List<?>) services.get("kafka").get("volumes")).as("Kafka's data outlives its container")
                .anySatisfy(v -> assertThat(v.toString()).endsWith(":/var/lib/kafka/data"));
    }

    @Test
    void kafkaIsReachableFromTheHostForTheCli() {
        assertThat(ports("kafka")).contains("127.0.0.1:9094:9094");
        assertThat(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("127.0.0.1:9094");
    }

    @Test
    void publishedPortsListenOnLoopbackOnlyAndTheQueriesStayThere() {
        services.keySet().forEach(service -> assertThat(ports(service)).as("%s ports", service)
                .allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:")));
        assertThat(ports("processor")).contains("127.0.0.1:8090:8090");
    }

    @Test
    void everyAppSettingIsOneTheAppsKnow() {
        for (String app : APPS) {
            Map<String, String> variables = environment(app);
            dev.onboarding.config.Settings.of(Map.of(), variables).requireKnownKeys(PipelineApps.configKeys());
            assertThat(variables).containsKey("ONBOARDING_KAFKA_BOOTSTRAP_SERVERS");
        }
        assertThat(environment("processor")).containsEntry("ONBOARDING_PROCESSOR_HTTP_ADVERTISED_HOST", "processor");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> conditions(String service) {
        Object dependsOn = services.get(service).get("depends_on");
        assertThat(dependsOn).as("%s depends_on with conditions", service).isInstanceOf(Map.class);
        Map<String, String> out = new java.util.TreeMap<>();
        ((Map<String, Map<String, String>>) dependsOn).forEach((k, v) -> out.put(k, v.get("condition")));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> healthCheck(String service) {
        Map<String, Object> check = (Map<String, Object>) services.get(service).get("healthcheck");
        assertThat(check).as("%s healthcheck", service).isNotNull();
        return ((List<Object>) check.get("test")).stream().map(Object::toString).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(String service) {
        List<Object> ports = (List<Object>) services.get(service).getOrDefault("ports", List.of());
        return ports.stream().map(Object::toString).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(String service) {
        Map<String, Object> env = (Map<String, Object>) services.get(service).getOrDefault("environment", Map.of());
        Map<String, String> out = new java.util.TreeMap<>();
        env.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
