package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CloudFormationResponseBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STACK = "arn:aws:cloudformation:eu-west-1:123456789012:stack/onboarding/"
            + "0a1b2c3d-1111-2222-3333-444455556666";

    static CfnResponse.Builder response(ResponseStatus status) {
        return CfnResponse.newBuilder()
                .setRequestId("5d3c1a2b-aaaa-bbbb-cccc-0123456789ab")
                .setResponseUrl("https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x")
                .setStatus(status)
                .setPhysicalResourceId("onboarding-integration-42")
                .setStackId(STACK)
                .setLogicalResourceId("ProviderNotification")
                .setDeadline(Instant.parse("2030-01-01T00:00:00Z"));
    }

    private static JsonNode parse(CloudFormationResponseBody.Encoded encoded) throws IOException {
        return JSON.readTree(encoded.bytes());
    }

    @Test
    void successCarriesTheProtocolFieldsAndNothingElse() throws IOException {
        CloudFormationResponseBody.Encoded encoded = CloudFormationResponseBody.encode(response(ResponseStatus.SUCCESS)
                .setData(Map.of("IntegrationId", "int-42")).setIntegrationId("int-42").setAttempt(3).build());
        JsonNode body = parse(encoded);
        assertThat(encoded.cut()).isFalse();
        assertThat(fieldNames(body)).containsExactly("Status", "PhysicalResourceId", "StackId", "RequestId",
                "LogicalResourceId", "Data");
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("onboarding-integration-42");
        assertThat(body.get("StackId").asText()).isEqualTo(STACK);
        assertThat(body.get("RequestId").asText()).isEqualTo("5d3c1a2b-aaaa-bbbb-cccc-0123456789ab");
        assertThat(body.get("LogicalResourceId").asText()).isEqualTo("ProviderNotification");
        assertThat(body.get("Data").get("IntegrationId").asText()).isEqualTo("int-42");
        assertThat(new String(encoded.bytes())).doesNotContain("amazonaws.com");
    }

    @Test
    void failedAlwaysHasAReason() throws IOException {
        assertThat(parse(CloudFormationResponseBody.encode(response(ResponseStatus.FAILED)
                .setReason("External ID does not match").build())).get("Reason").asText())
                .isEqualTo("External ID does not match");
        assertThat(parse(CloudFormationResponseBody.encode(response(ResponseStatus.FAILED).build()))
                .get("Reason").asText()).isEqualTo(CloudFormationResponseBody.DEFAULT_FAILED_REASON);
    }

    @Test
    void noEchoIsSentOnlyWhenSet() throws IOException {
        assertThat(parse(CloudFormationResponseBody.encode(response(ResponseStatus.SUCCESS).setNoEcho(true).build()))
                .get("NoEcho").asBoolean()).isTrue();
        assertThat(parse(CloudFormationResponseBody.encode(response(ResponseStatus.SUCCESS).build())).has("NoEcho"))
                .isFalse();
    }

    @Test
    void aLongFailedReasonIsCutToFitWithAMarkerAndDataGoesFirst() throws IOException {
        String reason = "role verification failed: " + "x".repeat(10_000);
        CloudFormationResponseBody.Encoded encoded = CloudFormationResponseBody.encode(response(ResponseStatus.FAILED)
                .setReason(reason).setData(Map.of("Detail", "y".repeat(500))).build());
        JsonNode body = parse(encoded);
        assertThat(encoded.cut()).isTrue();
        assertThat(encoded.bytes().length).isLessThanOrEqualTo(CloudFormationResponseBody.MAX_BYTES)
                .isGreaterThan(CloudFormationResponseBody.MAX_BYTES - 10);
        assertThat(body.has("Data")).isFalse();
        assertThat(body.get("Reason").asText()).startsWith("role verification failed: xxx")
                .endsWith(CloudFormationResponseBody.CUT_MARKER);
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("onboarding-integration-42");
    }

    @Test
    void onSuccessTheReasonGivesWayBeforeData() throws IOException {
        CloudFormationResponseBody.Encoded encoded = CloudFormationResponseBody.encode(response(ResponseStatus.SUCCESS)
                .setReason("r".repeat(5_000)).setData(Map.of("RoleArn", "arn:aws:iam::123456789012:role/x")).build());
        JsonNode body = parse(encoded);
        assertThat(encoded.bytes().length).isLessThanOrEqualTo(CloudFormationResponseBody.MAX_BYTES);
        assertThat(body.get("Data").get("RoleArn").asText()).isEqualTo("arn:aws:iam::123456789012:role/x");
        assertThat(body.get("Reason").asText()).endsWith(CloudFormationResponseBody.CUT_MARKER);
    }

    @Test
    void dataLosesWholeEntriesLargestFirstNeverCutValues() throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("Small", "s");
        data.put("Huge", "h".repeat(3_000));
        data.put("Medium", "m".repeat(1_500));
        data.put("Other", "o".repeat(100));
        CloudFormationResponseBody.Encoded encoded = CloudFormationResponseBody.encode(
                response(ResponseStatus.SUCCESS).setData(data).build());
        JsonNode kept = parse(encoded).get("Data");
        assertThat(encoded.cut()).isTrue();
        assertThat(fieldNames(kept)).containsExactly("Small", "Medium", "Other");
        assertThat(kept.get("Medium").asText()).isEqualTo("m".repeat(1_500));
    }

    @Test
    void multiByteAndEscapedCharactersAreCountedAsBytesAndNeverSplit() throws IOException {
        String reason = "\uD83D\uDE80\"\n\u00e9".repeat(2_000); // rocket (4 bytes), quote, newline, e-acute
        CloudFormationResponseBody.Encoded encoded = CloudFormationResponseBody.encode(
                response(ResponseStatus.FAILED).setReason(reason).build());
        assertThat(encoded.bytes().length).isLessThanOrEqualTo(CloudFormationResponseBody.MAX_BYTES);
        String kept = parse(encoded).get("Reason").asText();
        String withoutMarker = kept.substring(0, kept.length() - CloudFormationResponseBody.CUT_MARKER.length());
        assertThat(reason).startsWith(withoutMarker);
        assertThat(Character.isHighSurrogate(withoutMarker.charAt(withoutMarker.length() - 1))).isFalse();
    }

    @Test
    void aBlankPhysicalResourceIdOrOversizedIdsCannotBeSent() {
        assertThatThrownBy(() -> CloudFormationResponseBody.encode(response(ResponseStatus.SUCCESS)
                .setPhysicalResourceId(" ").build()))
                .isInstanceOf(CloudFormationResponseBody.InvalidResponseException.class)
                .hasMessageContaining("PhysicalResourceId");
        assertThatThrownBy(() -> CloudFormationResponseBody.encode(response(ResponseStatus.SUCCESS)
                .setPhysicalResourceId("p".repeat(5_000)).build()))
                .isInstanceOf(CloudFormationResponseBody.InvalidResponseException.class)
                .hasMessageContaining("4096");
    }

    @Property(tries = 200)
    void everyBodyFitsAndKeepsItsIds(@ForAll @StringLength(max = 6_000) String reason,
            @ForAll @Size(max = 8) List<@StringLength(max = 1_500) String> values, @ForAll boolean success)
            throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            data.put("Key" + i, values.get(i));
        }
        CloudFormationResponseBody.Encoded encoded = CloudFormationResponseBody.encode(
                response(success ? ResponseStatus.SUCCESS : ResponseStatus.FAILED).setReason(reason).setData(data)
                        .build());
        assertThat(encoded.bytes().length).isLessThanOrEqualTo(CloudFormationResponseBody.MAX_BYTES);
        JsonNode body = parse(encoded);
        assertThat(body.get("StackId").asText()).isEqualTo(STACK);
        assertThat(body.get("RequestId").asText()).isEqualTo("5d3c1a2b-aaaa-bbbb-cccc-0123456789ab");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("onboarding-integration-42");
        if (!success) {
            assertThat(body.has("Reason")).isTrue();
        }
        if (body.has("Data")) {
            body.get("Data").fields().forEachRemaining(e -> assertThat(e.getValue().asText())
                    .isEqualTo(data.get(e.getKey())));
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }
}
