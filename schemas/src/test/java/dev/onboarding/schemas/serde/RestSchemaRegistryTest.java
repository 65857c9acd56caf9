package dev.onboarding.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.Integration;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.schemas.ContractSamples;
import dev.onboarding.schemas.SchemaEdits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST client against a real Confluent-compatible registry: Apicurio Registry's ccompat API. */
class RestSchemaRegistryTest {
    private static final Schema CALLBACK = CfnCallback.getClassSchema();
    private static String url;

    private final String subject = "rest-registry-test-" + UUID.randomUUID() + "-value";

    @BeforeAll
    static void startRegistry() {
        url = ApicurioRegistry.shared().confluentApiUrl();
    }

    private static RestSchemaRegistry client() {
        return new RestSchemaRegistry(RegistrySettings.of(url));
    }

    @Test
    void registerReturnsAnIdThatFetchesTheSameSchema() {
        int id = client().register(subject, CALLBACK);

        assertThat(id).isNotNegative();
        assertThat(client().schemaById(id)).isEqualTo(CALLBACK);
    }

    @Test
    void registeringTheSameSchemaTwiceGivesTheSameIdForOneRequest() {
        RestSchemaRegistry registry = client();

        int first = registry.register(subject, CALLBACK);
        int second = registry.register(subject, CALLBACK);

        assertThat(second).isEqualTo(first);
        // the registration and its compatibility call; the second register is served by the cache
        assertThat(registry.requestsSent()).isEqualTo(2);
        // Another client (another process) gets the same id from the registry itself.
        RestSchemaRegistry other = client();
        assertThat(other.register(subject, CALLBACK)).isEqualTo(first);
        assertThat(other.idOf(subject, CALLBACK)).isEqualTo(first);
        assertThat(other.requestsSent()).isEqualTo(2);
    }

    @Test
    void registeringASubjectMakesTheRegistryEnforceFullCompatibilityOnIt() throws Exception {
        client().register(subject, CALLBACK);

        HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/config/" + subject)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        assertThat(config.body()).contains("\"FULL\"");
        // and Apicurio enforces it: a new version that old readers cannot read is refused
        Schema breaking = SchemaEdits.of(CALLBACK)
                .addField("{\"name\":\"tenantId\",\"type\":\"string\",\"doc\":\"x\"}").schema();
        assertThatThrownBy(() -> client().register(subject, breaking))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("HTTP 409");
    }

    @Test
    void schemaByIdFetchesOnceThenCaches() {
        int id = client().register(subject, CALLBACK);
        RestSchemaRegistry reader = client();

        Schema first = reader.schemaById(id);
        Schema second = reader.schemaById(id);

        assertThat(first).isEqualTo(CALLBACK);
        assertThat(second).isSameAs(first);
        assertThat(reader.requestsSent()).isEqualTo(1);
    }

    @Test
    void idOfFindsARegisteredSchemaAndRefusesAnUnknownOne() {
        int id = client().register(subject, CALLBACK);
        RestSchemaRegistry lookup = client();

        assertThat(lookup.idOf(subject, CALLBACK)).isEqualTo(id);
        assertThat(lookup.idOf(subject, CALLBACK)).isEqualTo(id);
        assertThat(lookup.requestsSent()).isEqualTo(1);
        assertThatThrownBy(() -> lookup.idOf(subject, Integration.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(subject)
                .hasMessageContaining(url)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void anUnknownIdIsAClearError() {
        assertThatThrownBy(() -> client().schemaById(Integer.MAX_VALUE))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("fetch schema id " + Integer.MAX_VALUE)
                .hasMessageContaining(url)
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void underFullCompatibilityACompatibleChangeRegistersAndABreakingOneIsRefused()
            throws IOException, InterruptedException {
        RestSchemaRegistry registry = client();
        int v1 = registry.register(subject, CALLBACK);
        setCompatibility(subject, "FULL");

        Schema compatible = SchemaEdits.of(CALLBACK)
                .addField("{\"name\":\"stackName\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"x\"}")
                .schema();
        int v2 = registry.register(subject, compatible);
        Schema breaking = SchemaEdits.of(CALLBACK)
                .addField("{\"name\":\"tenantId\",\"type\":\"string\",\"doc\":\"x\"}").schema();

        assertThat(v2).isNotEqualTo(v1);
        assertThatThrownBy(() -> registry.register(subject, breaking))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("subject " + subject)
                .hasMessageContaining(url)
                .hasMessageContaining("HTTP 409")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(409));
    }

    @Test
    void theSerdeWritesAndReadsThroughTheRealRegistry() {
        AvroSerde<CfnCallback> writer = AvroSerde.forValues(CfnCallback.class, client(), true);
        AvroSerde<CfnCallback> reader = AvroSerde.forValues(CfnCallback.class, client(), false);
        String topic = subject.substring(0, subject.length() - "-value".length());

        byte[] bytes = writer.serialize(topic, ContractSamples.cfnCallback());

        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(client().idOf(subject, CALLBACK));
        assertThat(reader.deserialize(topic, bytes)).isEqualTo(ContractSamples.cfnCallback());
    }

    @Test
    void aRegistryThatIsDownIsNamedInTheError() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String downUrl = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
        RestSchemaRegistry registry = new RestSchemaRegistry(new RegistrySettings(downUrl, Duration.ofMillis(500),
                Duration.ofSeconds(1), Optional.empty(), Optional.empty(), true));

        assertThatThrownBy(() -> registry.register(subject, CALLBACK))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema registry at " + downUrl + " is unreachable")
                .hasMessageContaining("subject " + subject)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(-1));
        assertThatThrownBy(() -> registry.schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(downUrl);
    }

    private static void setCompatibility(String subject, String level) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/config/" + subject))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains(level);
    }

    @Test
    void concurrentFirstRegistrationsOfOneSubjectAllGetTheSameId() throws Exception {
        // Apicurio answers the losers of this race 409 "already exists": the client must look the id up.
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                RestSchemaRegistry own = client();
                ids.add(pool.submit(() -> {
                    go.await();
                    return own.register(subject, CALLBACK);
                }));
            }
            go.countDown();
            Set<Integer> distinct = new HashSet<>();
            for (Future<Integer> id : ids) {
                distinct.add(id.get(60, TimeUnit.SECONDS));
            }
            assertThat(distinct).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
