package dev.onboarding.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializer, deserializer and Kafka Streams {@link Serde} for one generated record class, in the
 * Confluent wire format with the {@code TopicNameStrategy} subject ({@code <topic>-value} or
 * {@code <topic>-key}). Built fully configured: {@link #configure} has nothing left to do.
 *
 * <p>Reading resolves the writer's schema (fetched by id) against this class's schema, so old data
 * reads with a newer class and new data with an older one, as FULL compatibility promises.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    static {
        // Avro refuses to instantiate classes it was not told to trust; trust the contract's package.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith("dev.onboarding.contract.")));
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final SchemaRegistry registry;
    private final boolean isKey;
    private final boolean autoRegister;
    private final SpecificDatumWriter<T> writer;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    /** The id this serde's schema has under each topic's subject: registries never change it once given. */
    private final Map<String, Integer> idsByTopic = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    private AvroSerde(Class<T> type, SchemaRegistry registry, boolean isKey, boolean autoRegister) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.registry = registry;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.writer = new SpecificDatumWriter<>(readerSchema, model);
    }

    /** A value serde for {@code type}. */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, SchemaRegistry registry,
            boolean autoRegister) {
        return new AvroSerde<>(type, registry, false, autoRegister);
    }

    /** A key serde for {@code type}. */
    public static <T extends SpecificRecord> AvroSerde<T> forKeys(Class<T> type, SchemaRegistry registry,
            boolean autoRegister) {
        return new AvroSerde<>(type, registry, true, autoRegister);
    }

    /** The subject this serde uses for {@code topic}. */
    public String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** Encodes {@code record} for {@code topic}; null stays null (tombstones). */
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Integer known = idsByTopic.get(topic);
        int id;
        if (known != null) {
            id = known;
        } else {
            String subject = subject(topic);
            id = autoRegister ? registry.register(subject, readerSchema) : registry.idOf(subject, readerSchema);
            idsByTopic.put(topic, id);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ConfluentWireFormat.MAGIC_BYTE);
            out.write(id >>> 24);
            out.write(id >>> 16);
            out.write(id >>> 8);
            out.write(id);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + type.getSimpleName() + " for topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Decodes Confluent-framed bytes from {@code topic}; null stays null. Anything that makes the record
     * unreadable (framing, unknown or unreachable writer schema, corrupt payload) is a
     * {@link SerializationException} naming the topic.
     */
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id;
        try {
            id = ConfluentWireFormat.schemaId(data);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + ": " + e.getMessage());
        }
        SpecificDatumReader<T> reader;
        try {
            reader = readersByWriterId.computeIfAbsent(id,
                    writerId -> new SpecificDatumReader<>(registry.schemaById(writerId), readerSchema, model));
        } catch (SchemaRegistryException e) {
            // Like Confluent's deserializer: one exception type for "this record cannot be read", cause kept.
            throw new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + ": writer schema id " + id + " unavailable: " + e.getMessage(), e);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_SIZE,
                    data.length - ConfluentWireFormat.HEADER_SIZE, decoders.get());
            decoders.set(decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + " (schema id " + id + "): " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    /** The class this serde reads and writes. */
    public Class<T> type() {
        return type;
    }
}
