package dev.onboarding.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.RequestType;
import dev.onboarding.schemas.ContractSamples;
import dev.onboarding.schemas.SchemaEdits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The serde against the in-process ({@code mock://}) registry: exact bytes, round trips, errors, evolution. */
class AvroSerdeTest {
    private static final String TOPIC = "onboarding.cfn-callbacks";

    private final String scope = "avro-serde-test-" + UUID.randomUUID();
    private final SchemaRegistry registry = SchemaRegistries.connect(RegistrySettings.of("mock://" + scope));
    private final AvroSerde<CfnCallback> callbacks = AvroSerde.forValues(CfnCallback.class, registry, true);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.drop(scope);
    }

    @Test
    void writesMagicByteBigEndianIdThenPlainAvroBinary() throws IOException {
        CfnCallback record = ContractSamples.cfnCallback();

        byte[] bytes = callbacks.serialize(TOPIC, record);

        int id = registry.idOf(TOPIC + "-value", CfnCallback.getClassSchema());
        byte[] avro = plainAvro(new SpecificDatumWriter<>(CfnCallback.class), record);
        byte[] expected = ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(id).put(avro).array();
        assertThat(bytes).isEqualTo(expected);
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void writesLargeIdsBigEndian() {
        // A registry that hands out one large id: every byte of the id differs, so byte order and sign show.
        int bigId = 0x7A0B0C0D;
        SchemaRegistry fixedId = new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                return bigId;
            }

            @Override
            public int idOf(String subject, Schema schema) {
                return bigId;
            }

            @Override
            public Schema schemaById(int id) {
                assertThat(id).isEqualTo(bigId);
                return CollectionJob.getClassSchema();
            }

            @Override
            public String url() {
                return "fixed-id";
            }
        };
        AvroSerde<CollectionJob> serde = AvroSerde.forValues(CollectionJob.class, fixedId, true);

        byte[] bytes = serde.serialize("jobs", ContractSamples.collectionJob());

        assertThat(bytes).startsWith(0, 0x7A, 0x0B, 0x0C, 0x0D);
        assertThat(serde.deserialize("jobs", bytes)).isEqualTo(ContractSamples.collectionJob());
    }

    @Test
    void usesTopicNameStrategySubjects() {
        AvroSerde<CfnCallback> keys = AvroSerde.forKeys(CfnCallback.class, registry, true);

        assertThat(callbacks.subject("t")).isEqualTo("t-value");
        assertThat(keys.subject("t")).isEqualTo("t-key");
        keys.serialize("t", ContractSamples.cfnCallback());
        assertThat(registry.idOf("t-key", CfnCallback.getClassSchema())).isPositive();
        assertThatThrownBy(() -> registry.idOf("t-value", CfnCallback.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class);
    }

    static Stream<Arguments> everySample() {
        return ContractSamples.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    <T extends SpecificRecord> void roundTripsEveryRecordType(String label, T record) {
        @SuppressWarnings("unchecked")
        AvroSerde<T> serde = AvroSerde.forValues((Class<T>) record.getClass(), registry, true);

        byte[] bytes = serde.serializer().serialize("topic", new RecordHeaders(), record);
        T back = serde.deserializer().deserialize("topic", new RecordHeaders(), bytes);

        assertThat(back).isInstanceOf(record.getClass()).isEqualTo(record);
    }

    @Test
    void readsStringsAsJavaStrings() {
        CfnCallback back = callbacks.deserialize(TOPIC, callbacks.serialize(TOPIC, ContractSamples.cfnCallback()));

        assertThat((Object) back.getRequestId()).isInstanceOf(String.class);
        assertThat((Object) back.getPhysicalResourceId()).isInstanceOf(String.class);
        AvroSerde<Integration> integrations = AvroSerde.forValues(Integration.class, registry, true);
        Integration integration = integrations.deserialize("i", integrations.serialize("i",
                ContractSamples.integration()));
        Map<String, String> tags = integration.getTags();
        assertThat(tags).isNotEmpty();
        tags.forEach((key, value) -> {
            assertThat((Object) key).isInstanceOf(String.class);
            assertThat((Object) value).isInstanceOf(String.class);
        });
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(callbacks.serializer().serialize(TOPIC, null)).isNull();
        assertThat(callbacks.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void refusesAnUnknownMagicByteNamingTopicAndType() {
        assertThatThrownBy(() -> callbacks.deserialize(TOPIC, new byte[] {1, 0, 0, 0, 1, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot deserialize CfnCallback from topic onboarding.cfn-callbacks: "
                        + "unknown magic byte 0x01 (not the Confluent wire format)");
    }

    @Test
    void refusesInputShorterThanTheHeader() {
        assertThatThrownBy(() -> callbacks.deserialize(TOPIC, new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot deserialize CfnCallback from topic onboarding.cfn-callbacks: "
                        + "too short for the Confluent wire format: 2 bytes");
        assertThatThrownBy(() -> callbacks.deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("0 bytes");
    }

    @Test
    void refusesAnUnknownSchemaIdNamingTopicAndId() {
        assertThatThrownBy(() -> callbacks.deserialize(TOPIC, new byte[] {0, 0, 0, 0x30, 0x39, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("from topic onboarding.cfn-callbacks")
                .hasMessageContaining("schema id 12345")
                .hasMessageContaining("mock://" + scope)
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void refusesACorruptPayloadNamingTheSchemaId() {
        byte[] good = callbacks.serialize(TOPIC, ContractSamples.cfnCallback());
        byte[] truncated = java.util.Arrays.copyOf(good, 12);

        assertThatThrownBy(() -> callbacks.deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot deserialize CfnCallback from topic onboarding.cfn-callbacks (schema id "
                        + ConfluentWireFormat.schemaId(good) + ")");
    }

    @Test
    void withoutAutoRegisterWritesOnlyWithARegisteredSchema() {
        AvroSerde<CfnCallback> strict = AvroSerde.forValues(CfnCallback.class, registry, false);

        assertThatThrownBy(() -> strict.serialize(TOPIC, ContractSamples.cfnCallback()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("subject onboarding.cfn-callbacks-value");

        int id = registry.register(TOPIC + "-value", CfnCallback.getClassSchema());
        assertThat(ConfluentWireFormat.schemaId(strict.serialize(TOPIC, ContractSamples.cfnCallback()))).isEqualTo(id);
    }

    @Test
    void asksTheRegistryOncePerTopicNotOncePerRecord() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        SchemaRegistry counting = new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                asked.incrementAndGet();
                return registry.register(subject, schema);
            }

            @Override
            public int idOf(String subject, Schema schema) {
                asked.incrementAndGet();
                return registry.idOf(subject, schema);
            }

            @Override
            public Schema schemaById(int id) {
                return registry.schemaById(id);
            }

            @Override
            public String url() {
                return registry.url();
            }
        };
        AvroSerde<CfnCallback> serde = AvroSerde.forValues(CfnCallback.class, counting, true);

        byte[] first = serde.serialize(TOPIC, ContractSamples.cfnCallback());
        byte[] second = serde.serialize(TOPIC, ContractSamples.cfnCallback());
        serde.serialize("other-topic", ContractSamples.cfnCallback());

        assertThat(asked).hasValue(2);
        assertThat(second).isEqualTo(first);
        assertThat(ConfluentWireFormat.schemaId(first)).isEqualTo(registry.idOf(TOPIC + "-value",
                CfnCallback.getClassSchema()));
    }

    @Test
    void newerReaderReadsDataFromAnOlderWriter() throws IOException {
        // An older release: without snsMessageId (optional) and partition (defaulted), without the DELETE symbol.
        Schema older = SchemaEdits.of(CfnCallback.getClassSchema())
                .removeField("snsMessageId").removeField("partition")
                .removeEnumSymbol("RequestType", "DELETE").schema();
        CfnCallback written = CfnCallback.newBuilder(ContractSamples.cfnCallback()).setPartition("aws-cn").build();
        GenericRecord old = convert(written, older);
        old.put("requestType", new GenericData.EnumSymbol(older.getField("requestType").schema(), "CREATE"));

        CfnCallback read = callbacks.deserialize(TOPIC, frame(register(older), new GenericDatumWriter<>(older), old));

        // Fields the older writer did not know read as their defaults.
        CfnCallback expected = CfnCallback.newBuilder(written)
                .setRequestType(RequestType.CREATE).setSnsMessageId(null).setPartition("aws").build();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void olderReaderReadsDataFromANewerWriter() throws IOException {
        // A later release: one more optional field and one more request type.
        Schema newer = SchemaEdits.of(CfnCallback.getClassSchema())
                .addField("{\"name\":\"stackName\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"x\"}")
                .addEnumSymbol("RequestType", "IMPORT").schema();
        GenericRecord next = convert(ContractSamples.cfnCallback(), newer);
        next.put("stackName", "onboarding");
        next.put("requestType", new GenericData.EnumSymbol(newer.getField("requestType").schema(), "IMPORT"));

        CfnCallback read = callbacks.deserialize(TOPIC, frame(register(newer), new GenericDatumWriter<>(newer), next));

        // The generated class is the older reader: the new field is skipped, the unknown symbol reads as the default.
        CfnCallback expected = CfnCallback.newBuilder(ContractSamples.cfnCallback())
                .setRequestType(RequestType.UNKNOWN).build();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void olderAndNewerGenericReadersReadWhatTheGeneratedClassWrites() throws IOException {
        CfnCallback record = CfnCallback.newBuilder(ContractSamples.cfnCallback())
                .setRequestType(RequestType.DELETE).build();
        byte[] bytes = callbacks.serialize(TOPIC, record);
        Schema writer = registry.schemaById(ConfluentWireFormat.schemaId(bytes));
        Schema older = SchemaEdits.of(CfnCallback.getClassSchema())
                .removeField("snsMessageId").removeEnumSymbol("RequestType", "DELETE").schema();
        Schema newer = SchemaEdits.of(CfnCallback.getClassSchema())
                .addField("{\"name\":\"stackName\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"x\"}")
                .schema();

        GenericRecord readByOlder = readGeneric(bytes, writer, older);
        GenericRecord readByNewer = readGeneric(bytes, writer, newer);

        assertThat(readByOlder.hasField("snsMessageId")).isFalse();
        assertThat(readByOlder.get("requestType")).hasToString("UNKNOWN");
        assertThat(readByOlder.get("requestId")).hasToString(record.getRequestId());
        assertThat(readByNewer.get("stackName")).isNull();
        assertThat(readByNewer.get("requestType")).hasToString("DELETE");
        assertThat(readByNewer.get("sentAt")).isEqualTo(record.getSentAt().toEpochMilli());
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        CfnCallback record = CfnCallback.newBuilder(ContractSamples.cfnCallback())
                                .setRequestId("req-" + thread + "-" + i).build();
                        assertThat(callbacks.deserialize(TOPIC, callbacks.serialize(TOPIC, record))).isEqualTo(record);
                    }
                    return 500;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private int register(Schema schema) {
        return registry.register(TOPIC + "-value", schema);
    }

    /** The specific record as a generic record of {@code target} (fields it lacks dropped, new ones defaulted). */
    private static GenericRecord convert(CfnCallback record, Schema target) throws IOException {
        byte[] avro = plainAvro(new SpecificDatumWriter<>(CfnCallback.class), record);
        return new GenericDatumReader<GenericRecord>(CfnCallback.getClassSchema(), target)
                .read(null, DecoderFactory.get().binaryDecoder(avro, null));
    }

    private static GenericRecord readGeneric(byte[] framed, Schema writer, Schema reader) throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader).read(null,
                DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    }

    private static <D> byte[] frame(int id, DatumWriter<D> writer, D datum) throws IOException {
        byte[] avro = plainAvro(writer, datum);
        return ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(id).put(avro).array();
    }

    private static <D> byte[] plainAvro(DatumWriter<D> writer, D datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
