package dev.onboarding.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The flood's forged messages are what the benchmark says they are, and its options are checked. */
class FloodTrafficTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "http://127.0.0.1:4566";
    private final FloodTraffic traffic = new FloodTraffic(new CustomResourceBodies(ORIGIN), ORIGIN, "us-east-1",
            "123456789012");

    @Test
    void forgedDeletesAndUpdatesCarryA4KbResponseUrlUnderTheRefusedPath() throws Exception {
        for (FloodTraffic.Kind kind : new FloodTraffic.Kind[] {FloodTraffic.Kind.DELETE_UNKNOWN,
            FloodTraffic.Kind.UPDATE_UNKNOWN}) {
            JsonNode request = request(traffic.body(kind));
            assertThat(request.path("ResponseURL").asText()).startsWith(ORIGIN + FloodTraffic.FORGED_PATH)
                    .hasSize(FloodTraffic.LONG_URL);
            assertThat(request.path("RequestType").asText()).isEqualTo(kind == FloodTraffic.Kind.DELETE_UNKNOWN
                    ? "Delete" : "Update");
        }
    }

    @Test
    void victimCreatesNameTheVictimsAccountAndRandomOnesAnother() throws Exception {
        assertThat(request(traffic.body(FloodTraffic.Kind.CREATE_VICTIM)).path("StackId").asText())
                .contains(":123456789012:");
        JsonNode random = request(traffic.body(FloodTraffic.Kind.CREATE_RANDOM));
        assertThat(random.path("StackId").asText()).doesNotContain(":123456789012:");
        assertThat(random.path("ResourceProperties").path("ExternalID").asText()).matches("onb-[a-z2-7]{32}");
    }

    @Test
    void junkIsNotJsonAndAsLargeAsSqsAllows() {
        String junk = traffic.body(FloodTraffic.Kind.JUNK);
        assertThat(junk.getBytes(StandardCharsets.UTF_8)).hasSize(FloodTraffic.JUNK_BYTES);
        assertThat(FloodTraffic.JUNK_BYTES).isBetween(255 * 1024, 256 * 1024);
        assertThatThrownBy(() -> JSON.readTree(junk)).isInstanceOf(Exception.class);
    }

    @Test
    void optionsAreParsedAndCheckedAndTheProcessorGetsTheShortenedRetentions() {
        FloodOptions options = FloodOptions.parse("seconds=20", "retention=3m", "answer-retention=30s");
        assertThat(options.seconds()).isEqualTo(20);
        assertThat(options.retention()).isEqualTo(Duration.ofMinutes(3));
        assertThat(options.creates()).isTrue();
        assertThat(FloodOptions.parse("creates=false").creates()).isFalse();
        assertThat(options.processorSettings()).containsEntry("processor.decided-requests.retention", "180s")
                .containsEntry("processor.decided-requests.answer-retention", "30s")
                .containsEntry("processor.decided-requests.allow-short-retention", "true");
        assertThatThrownBy(() -> FloodOptions.parse("speed=1")).hasMessageContaining("unknown option 'speed=1'");
        assertThatThrownBy(() -> FloodOptions.parse("answer-retention=5m"))
                .hasMessageContaining("answer-retention must not exceed retention");
    }

    private static JsonNode request(String body) throws Exception {
        return JSON.readTree(JSON.readTree(body).path("Message").asText());
    }
}
