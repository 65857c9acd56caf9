package dev.onboarding.bridge.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.RegistrySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever arrives, the parser ends in a valid callback record, a rejection with a known reason, or an
 * SNS notice; never an exception. Inputs are real-looking requests (raw and SNS-enveloped) put through
 * random structural, value and byte-level mutations.
 */
class CallbackParserPropertiesTest {
    private static final String REGION = "eu-west-1";
    private static final Set<String> KNOWN_CODES = knownCodes();
    private static final List<String> TOP_FIELDS = List.of("RequestType", "RequestId", "StackId", "ResponseURL",
            "LogicalResourceId", "ResourceType", "PhysicalResourceId", "ResourceProperties", "OldResourceProperties",
            "ServiceToken");
    private static final List<String> PROPERTY_FIELDS = List.of("ExternalID", "ExternalId", "RoleName",
            "ServiceTimeout", "ServiceToken");

    private final CallbackParser parser = new CallbackParser(ResponseUrlPolicy.awsOnly(), Duration.ofHours(1));
    private final ResponseUrlPolicy policy = ResponseUrlPolicy.awsOnly();
    private final AvroSerde<CfnCallback> callbackSerde = AvroSerde.forValues(CfnCallback.class,
            SchemaRegistries.connect(RegistrySettings.of("mock://parser-properties-test")), true);
    private final AvroSerde<CfnResponse> responseSerde = AvroSerde.forValues(CfnResponse.class,
            SchemaRegistries.connect(RegistrySettings.of("mock://parser-properties-test")), true);

    @Property(tries = 400)
    void everyMutatedRequestEndsAsACallbackOrARejection(@ForAll("mutatedBodies") byte[] body) {
        ParseResult result = parser.parse(CfnRequests.message(REGION, body));
        Statistics.collect(result.getClass().getSimpleName());

        if (result instanceof ParsedCallback parsed) {
            CfnCallback callback = parsed.callback();
            assertThat(callback.getRequestType()).isIn(RequestType.CREATE, RequestType.UPDATE, RequestType.DELETE);
            assertThat(ExternalIds.isStsValid(callback.getExternalId())).isTrue();
            assertThat(callback.getRoleName()).matches("[\\w+=,.@-]{1,64}");
            assertThat(callback.getRegion()).isEqualTo(REGION);
            assertThat(callback.getAccountId()).matches("\\d{12}");
            assertThat(policy.check(callback.getResponseUrl(), callback.getRegion()).allowed()).isTrue();
            if (callback.getRequestType() != RequestType.CREATE) {
                assertThat(callback.getPhysicalResourceId()).isNotBlank();
            }
            assertThat(callback.getRoleArn()).isEqualTo("arn:aws:iam::" + callback.getAccountId() + ":role/"
                    + callback.getRoleName());
            // a complete record: it serializes under the contract
            assertThat(callbackSerde.serializer().serialize("t", callback)).isNotEmpty();
        } else if (result instanceof Rejection rejection) {
            assertThat(rejection.reasonCode()).isIn(KNOWN_CODES);
            assertThat(rejection.reason()).isNotBlank();
            rejection.answer(Instant.EPOCH).ifPresent(answer -> {
                assertThat(answer.getPhysicalResourceId()).isNotBlank();
                assertThat(answer.getReason()).hasSizeLessThanOrEqualTo(256);
                assertThat(policy.check(answer.getResponseUrl(), answer.getStackId().split(":")[3]).allowed())
                        .isTrue();
                assertThat(responseSerde.serializer().serialize("t", answer)).isNotEmpty();
            });
        } else {
            assertThat(result).isInstanceOf(SubscriptionNotice.class);
        }
        // The generator must reach both ends, or the property proves little.
        Statistics.coverage(checker -> {
            checker.check(ParsedCallback.class.getSimpleName()).count(c -> c > 0);
            checker.check(Rejection.class.getSimpleName()).count(c -> c > 0);
        });
    }

    @Property(tries = 200)
    void arbitraryBytesNeverThrow(@ForAll byte[] body) {
        ParseResult result = parser.parse(CfnRequests.message(REGION, body));
        assertThat(result).isInstanceOf(Rejection.class);
        assertThat(((Rejection) result).reasonCode()).isIn(KNOWN_CODES);
    }

    @Provide
    Arbitrary<byte[]> mutatedBodies() {
        Arbitrary<ObjectNode> requests = Arbitraries.of("Create", "Update", "Delete").map(this::request);
        Arbitrary<List<Mutation>> mutations = mutation().list().ofMinSize(0).ofMaxSize(4);
        Arbitrary<Boolean> enveloped = Arbitraries.of(true, false);
        Arbitrary<byte[]> json = Combinators.combine(requests, mutations, enveloped).as((request, list, sns) -> {
            for (Mutation m : list) {
                if (m.structural()) {
                    m.apply(request);
                }
            }
            String text = sns ? CfnRequests.snsEnvelope(request, REGION) : request.toString();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (Mutation m : list) {
                if (!m.structural()) {
                    bytes = m.applyBytes(bytes);
                }
            }
            return bytes;
        });
        return json;
    }

    private ObjectNode request(String type) {
        ObjectNode create = CfnRequests.create(REGION, "123456789012", ExternalIds.PREFIX + "a".repeat(32),
                "ProviderReadOnly");
        return switch (type) {
            case "Update" -> CfnRequests.update(create, "integration-1", ExternalIds.PREFIX + "b".repeat(32),
                    "ProviderReadOnly");
            case "Delete" -> CfnRequests.delete(create, "integration-1");
            default -> create;
        };
    }

    /** One random change: to the JSON tree, or to the bytes after encoding. */
    interface Mutation {
        boolean structural();

        default void apply(ObjectNode request) {
        }

        default byte[] applyBytes(byte[] bytes) {
            return bytes;
        }
    }

    private Arbitrary<Mutation> mutation() {
        Arbitrary<String> topField = Arbitraries.of(TOP_FIELDS);
        Arbitrary<String> propertyField = Arbitraries.of(PROPERTY_FIELDS);
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(TextNode::valueOf),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1000).ofMaxLength(5000).map(TextNode::valueOf),
                Arbitraries.integers().map(i -> CfnRequests.JSON.getNodeFactory().numberNode(i)),
                Arbitraries.just(CfnRequests.JSON.getNodeFactory().nullNode()),
                Arbitraries.just(CfnRequests.JSON.getNodeFactory().booleanNode(true)),
                Arbitraries.just((JsonNode) CfnRequests.JSON.createObjectNode()),
                Arbitraries.just((JsonNode) array()),
                Arbitraries.of("Create", "Update", "Delete", "create", "", " ", "arn:aws:cloudformation:eu-west-1:"
                        + "123456789012:stack/x/1", "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1",
                        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x",
                        "http://127.0.0.1:4566/x", "onb-\u0000zero", "é".repeat(600)).map(TextNode::valueOf));

        Arbitrary<Mutation> removeTop = topField.map(f -> structural(r -> r.remove(f)));
        Arbitrary<Mutation> replaceTop = Combinators.combine(topField, values).as((f, v) -> structural(r -> r.set(f, v)));
        Arbitrary<Mutation> removeProperty = propertyField.map(f -> structural(r -> {
            if (r.get("ResourceProperties") instanceof ObjectNode p) {
                p.remove(f);
            }
        }));
        Arbitrary<Mutation> replaceProperty = Combinators.combine(propertyField, values).as((f, v) -> structural(r -> {
            if (r.get("ResourceProperties") instanceof ObjectNode p) {
                p.set(f, v);
            }
        }));
        Arbitrary<Mutation> truncate = Arbitraries.doubles().between(0, 1).map(fraction -> bytes(b ->
                Arrays.copyOf(b, (int) (b.length * fraction))));
        Arbitrary<Mutation> flip = Combinators.combine(Arbitraries.doubles().between(0, 0.99),
                Arbitraries.bytes()).as((at, value) -> bytes(b -> {
                    byte[] copy = b.clone();
                    if (copy.length > 0) {
                        copy[(int) (copy.length * at)] = value;
                    }
                    return copy;
                }));
        Arbitrary<Mutation> nest = Arbitraries.integers().between(20, 200).map(depth -> bytes(b ->
                ("[".repeat(depth) + new String(b, StandardCharsets.UTF_8) + "]".repeat(depth))
                        .getBytes(StandardCharsets.UTF_8)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, removeTop),
                net.jqwik.api.Tuple.of(4, replaceTop),
                net.jqwik.api.Tuple.of(2, removeProperty),
                net.jqwik.api.Tuple.of(3, replaceProperty),
                net.jqwik.api.Tuple.of(1, truncate),
                net.jqwik.api.Tuple.of(2, flip),
                net.jqwik.api.Tuple.of(1, nest));
    }

    private static ArrayNode array() {
        ArrayNode array = CfnRequests.JSON.createArrayNode();
        array.add("x");
        array.add(1);
        return array;
    }

    private static Mutation structural(java.util.function.Consumer<ObjectNode> change) {
        return new Mutation() {
            @Override
            public boolean structural() {
                return true;
            }

            @Override
            public void apply(ObjectNode request) {
                change.accept(request);
            }
        };
    }

    private static Mutation bytes(java.util.function.UnaryOperator<byte[]> change) {
        return new Mutation() {
            @Override
            public boolean structural() {
                return false;
            }

            @Override
            public byte[] applyBytes(byte[] bytes) {
                return change.apply(bytes);
            }
        };
    }

    private static Set<String> knownCodes() {
        List<String> codes = new ArrayList<>(Arrays.stream(RejectReason.values()).map(Enum::name)
                .filter(code -> !code.equals("INTERNAL_ERROR")).toList());
        codes.addAll(List.of("RESPONSE_URL_MISSING", "RESPONSE_URL_TOO_LONG", "RESPONSE_URL_INVALID",
                "RESPONSE_URL_USER_INFO", "RESPONSE_URL_PATH", "RESPONSE_URL_NOT_HTTPS", "RESPONSE_URL_IP_LITERAL",
                "RESPONSE_URL_PORT", "RESPONSE_URL_REGION", "RESPONSE_URL_HOST"));
        return codes.stream().collect(Collectors.toUnmodifiableSet());
    }
}
