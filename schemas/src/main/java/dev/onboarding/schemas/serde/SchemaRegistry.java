package dev.onboarding.schemas.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serdes need. Implementations cache, so callers
 * may ask on every record.
 */
public interface SchemaRegistry extends AutoCloseable {
    /** Registers {@code schema} under {@code subject} (or finds it already registered) and returns its global id. */
    int register(String subject, org.apache.avro.Schema schema);

    /** Returns the id of {@code schema} already registered under {@code subject}; fails if it is not registered. */
    int idOf(String subject, Schema schema);

    /** Returns the schema with the given global id. */
    Schema schemaById(int id);

    /** Where this registry lives, for error messages (never includes credentials). */
    String url();

    @Override
    default void close() {
    }
}
