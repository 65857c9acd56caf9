package dev.onboarding.embedded;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ApicurioRegistryTest {

    private static final String SCHEMA_REGISTRY_JSON = "application/vnd.schemaregistry.v1+json";
    private static ApicurioRegistry registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startRegistry() {
        registry = ApicurioRegistry.shared();
    }

    @Test
    void registersAnAvroSchemaAndServesItById() throws Exception {
        assertThat(registry.confluentApiUrl()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
        String avro = "{\"type\":\"record\",\"name\":\"AccountOnboarded\",\"namespace\":\"dev.onboarding.test\","
                + "\"fields\":[{\"name\":\"accountId\",\"type\":\"string\"}]}";
        String body = "{\"schema\":\"" + avro.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";

        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                        URI.create(registry.confluentApiUrl() + "/subjects/test-value/versions"))
                .header("Content-Type", SCHEMA_REGISTRY_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(registered.body());
        assertThat(id.find()).as(registered.body()).isTrue();

        HttpResponse<String> fetched = http.send(HttpRequest.newBuilder(
                        URI.create(registry.confluentApiUrl() + "/schemas/ids/" + id.group(1)))
                .header("Accept", SCHEMA_REGISTRY_JSON)
                .GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).contains("AccountOnboarded").contains("accountId");
    }

    @Test
    void sharedInstanceSurvivesClose() throws Exception {
        ApicurioRegistry.shared().close(); // must not stop the registry other tests use
        HttpResponse<Void> subjects = http.send(HttpRequest.newBuilder(
                URI.create(registry.confluentApiUrl() + "/subjects")).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(ProcessHandle.of(registry.pid())).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    }
}
