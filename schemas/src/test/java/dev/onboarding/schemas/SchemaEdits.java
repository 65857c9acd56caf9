package dev.onboarding.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.avro.Schema;

/** Evolves a schema the way a later (or earlier) release of the contract would, for evolution tests. */
public final class SchemaEdits {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root;

    private SchemaEdits(Schema schema) {
        try {
            this.root = (ObjectNode) JSON.readTree(schema.toString());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts from {@code schema}. */
    public static SchemaEdits of(Schema schema) {
        return new SchemaEdits(schema);
    }

    /** Appends a field, given as JSON, to the top-level record. */
    public SchemaEdits addField(String fieldJson) {
        try {
            ((ArrayNode) root.get("fields")).add(JSON.readTree(fieldJson));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Removes a field of the top-level record. */
    public SchemaEdits removeField(String name) {
        Iterator<JsonNode> fields = root.get("fields").elements();
        boolean removed = false;
        while (fields.hasNext()) {
            if (fields.next().get("name").asText().equals(name)) {
                fields.remove();
                removed = true;
            }
        }
        if (!removed) {
            throw new IllegalArgumentException("no field " + name);
        }
        return this;
    }

    /** Adds a symbol to the (first inlined definition of the) enum {@code enumName}. */
    public SchemaEdits addEnumSymbol(String enumName, String symbol) {
        enumDefinition(root, enumName).withArray("symbols").add(symbol);
        return this;
    }

    /** Removes a symbol from the enum {@code enumName}. */
    public SchemaEdits removeEnumSymbol(String enumName, String symbol) {
        Iterator<JsonNode> symbols = enumDefinition(root, enumName).withArray("symbols").elements();
        while (symbols.hasNext()) {
            if (symbols.next().asText().equals(symbol)) {
                symbols.remove();
            }
        }
        return this;
    }

    /** The edited schema, parsed (so it is a valid schema). */
    public Schema schema() {
        return new Schema.Parser().parse(root.toString());
    }

    private static ObjectNode enumDefinition(JsonNode node, String enumName) {
        ObjectNode found = findEnum(node, enumName);
        if (found == null) {
            throw new IllegalArgumentException("no enum " + enumName);
        }
        return found;
    }

    private static ObjectNode findEnum(JsonNode node, String enumName) {
        if (node.isObject() && "enum".equals(node.path("type").asText())
                && enumName.equals(node.path("name").asText())) {
            return (ObjectNode) node;
        }
        for (JsonNode child : node) {
            ObjectNode found = child.isContainerNode() ? findEnum(child, enumName) : null;
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
