package dev.onboarding.schemas;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The house rules every schema of the contract follows, as a checker that lists each violation: one
 * namespace, camelCase fields, a doc on every field and named type, a default on every enum, optional
 * fields as {@code ["null", T]} with default null, and times as {@code long} with {@code timestamp-millis}.
 */
public final class ContractRules {
    /** The one namespace of the contract. */
    public static final String NAMESPACE = "dev.onboarding.contract";

    private static final Pattern CAMEL_CASE = Pattern.compile("[a-z][a-zA-Z0-9]*");
    private static final Pattern PASCAL_CASE = Pattern.compile("[A-Z][a-zA-Z0-9]*");
    private static final Pattern ENUM_SYMBOL = Pattern.compile("[A-Z][A-Z0-9_]*");
    // A field named like a point in time must hold one.
    private static final Pattern TIME_FIELD = Pattern.compile(".*At|deadline|timestamp|scheduledFor");

    private final List<String> violations = new ArrayList<>();
    private final Set<String> visited = new HashSet<>();

    private ContractRules() {
    }

    /** Every rule {@code schema} (and every type it contains) breaks; empty when it follows them all. */
    public static List<String> violations(Schema schema) {
        ContractRules rules = new ContractRules();
        rules.visit(schema, schema.getFullName());
        return rules.violations;
    }

    private void visit(Schema schema, String where) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!visited.add(schema.getFullName())) {
                    return;
                }
                checkNamed(schema);
                for (Schema.Field field : schema.getFields()) {
                    checkField(schema, field);
                    visit(field.schema(), schema.getName() + "." + field.name());
                }
            }
            case ENUM -> {
                if (!visited.add(schema.getFullName())) {
                    return;
                }
                checkNamed(schema);
                if (schema.getEnumDefault() == null) {
                    violations.add("enum " + schema.getName() + " has no default symbol");
                }
                schema.getEnumSymbols().stream().filter(s -> !ENUM_SYMBOL.matcher(s).matches())
                        .forEach(s -> violations.add("enum " + schema.getName() + " symbol " + s
                                + " is not UPPER_SNAKE"));
            }
            case FIXED -> checkNamed(schema);
            case ARRAY -> visit(schema.getElementType(), where + "[]");
            case MAP -> visit(schema.getValueType(), where + "{}");
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                boolean hasNull = branches.stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
                if (hasNull && branches.get(0).getType() != Schema.Type.NULL) {
                    violations.add(where + ": a union with null must list null first");
                }
                branches.forEach(branch -> visit(branch, where));
            }
            default -> checkLogicalType(schema, where);
        }
    }

    private void checkNamed(Schema schema) {
        if (!NAMESPACE.equals(schema.getNamespace())) {
            violations.add(schema.getFullName() + " is not in namespace " + NAMESPACE);
        }
        if (!PASCAL_CASE.matcher(schema.getName()).matches()) {
            violations.add(schema.getFullName() + " is not PascalCase");
        }
        if (isBlank(schema.getDoc())) {
            violations.add(schema.getFullName() + " has no doc");
        }
    }

    private void checkField(Schema record, Schema.Field field) {
        String where = record.getName() + "." + field.name();
        if (!CAMEL_CASE.matcher(field.name()).matches()) {
            violations.add(where + " is not camelCase");
        }
        if (isBlank(field.doc())) {
            violations.add(where + " has no doc");
        }
        Schema type = field.schema();
        if (type.getType() == Schema.Type.UNION && type.getTypes().get(0).getType() == Schema.Type.NULL
                && field.defaultVal() != JsonProperties.NULL_VALUE) {
            violations.add(where + " is optional but its default is not null");
        }
        if (TIME_FIELD.matcher(field.name()).matches() && !isTimestampMillis(nonNull(type))) {
            violations.add(where + " is a time but not a long with logical type timestamp-millis");
        }
    }

    private void checkLogicalType(Schema schema, String where) {
        LogicalType logicalType = schema.getLogicalType();
        if (logicalType != null && !isTimestampMillis(schema)) {
            violations.add(where + " uses logical type " + logicalType.getName()
                    + " (times are long timestamp-millis; nothing else is used)");
        }
    }

    private static boolean isTimestampMillis(Schema schema) {
        return schema.getType() == Schema.Type.LONG && schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).findFirst().orElse(schema);
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
