package dev.onboarding.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An in-process registry for unit tests ({@code mock://<scope>}): every serde of the same scope in
 * one JVM shares ids. Ids mean nothing to other processes, so apps refuse it outside tests.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, Map<Schema, Integer>> subjects = new ConcurrentHashMap<>();

    private InMemorySchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of {@code scope}, created on first use. */
    public static InMemorySchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
    }

    /** Forgets the registry of {@code scope}. */
    public static void drop(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Map<Schema, Integer> versions = subjects.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer known = versions.get(schema);
        if (known != null) {
            return known;
        }
        int id = schemas.indexOf(schema);
        if (id < 0) {
            schemas.add(schema);
            id = schemas.size() - 1;
        }
        // Ids start at 1 like a real registry.
        versions.put(schema, id + 1);
        return id + 1;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer id = subjects.getOrDefault(subject, Map.of()).get(schema);
        if (id == null) {
            throw new SchemaRegistryException("schema not registered under subject " + subject + " in " + url(), 404,
                    null);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaRegistryException("no schema with id " + id + " in " + url(), 404, null);
        }
        return schemas.get(id - 1);
    }

    @Override
    public String url() {
        return "mock://" + scope;
    }
}
