package dev.onboarding.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * FULL compatibility of the current contract with every released version kept under
 * {@code src/test/resources/released}, and the structural house rules on every current schema.
 */
class SchemaCompatibilityTest {

    @TestFactory
    Stream<DynamicTest> currentSchemasAreFullyCompatibleWithEveryReleasedVersion() {
        Map<String, Schema> current = ReleasedSchemas.current();
        List<DynamicTest> tests = new ArrayList<>();
        for (String version : ReleasedSchemas.versions()) {
            ReleasedSchemas.load(version).forEach((name, released) -> tests.add(dynamicTest(version + " " + name,
                    () -> {
                        assertThat(current).as("record %s of %s still exists", name, version).containsKey(name);
                        assertThat(fullCompatibilityProblems(current.get(name), released)).isEmpty();
                    })));
        }
        return tests.stream();
    }

    @Test
    void firstReleaseKeepsEveryTopLevelRecord() {
        assertThat(ReleasedSchemas.versions()).startsWith("v1");
        assertThat(ReleasedSchemas.load("v1").keySet())
                .containsExactlyInAnyOrder("IntegrationRequestEvent", "CfnCallback", "CfnResponse", "Integration",
                        "CollectionJob", "DeadLetter");
    }

    @Test
    void releasedFilesFollowTheHouseRules() {
        for (String version : ReleasedSchemas.versions()) {
            ReleasedSchemas.load(version).values()
                    .forEach(schema -> assertThat(ContractRules.violations(schema)).as(version).isEmpty());
        }
    }

    @Test
    void catchesABreakingChangeInEitherDirection() {
        Schema released = ReleasedSchemas.load("v1").get("CfnCallback");
        // A new required field: a new reader cannot read old data.
        Schema requiredAdded = SchemaEdits.of(released)
                .addField("{\"name\":\"tenantId\",\"type\":\"string\",\"doc\":\"x\"}").schema();
        assertThat(fullCompatibilityProblems(requiredAdded, released))
                .anySatisfy(problem -> assertThat(problem).startsWith("new reader, old writer").contains("tenantId"));
        // A required field removed: an old reader cannot read new data.
        Schema requiredRemoved = SchemaEdits.of(released).removeField("stackId").schema();
        assertThat(fullCompatibilityProblems(requiredRemoved, released))
                .anySatisfy(problem -> assertThat(problem).startsWith("old reader, new writer").contains("stackId"));
    }

    @Test
    void enumDefaultsLetOldReadersReadNewSymbols() {
        Schema released = ReleasedSchemas.load("v1").get("CfnCallback");
        Schema withNewSymbol = SchemaEdits.of(released).addEnumSymbol("RequestType", "IMPORT").schema();
        assertThat(fullCompatibilityProblems(withNewSymbol, released)).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyCurrentSchemaFollowsTheHouseRules() {
        return ReleasedSchemas.current().entrySet().stream().map(entry -> dynamicTest(entry.getKey(),
                () -> assertThat(ContractRules.violations(entry.getValue())).isEmpty()));
    }

    @Test
    void houseRulesReportEachViolation() {
        Schema bad = new Schema.Parser().parse("""
                {"type": "record", "name": "Bad", "namespace": "dev.onboarding.other", "fields": [
                  {"name": "snake_case", "type": "string", "doc": "x"},
                  {"name": "noDoc", "type": "string"},
                  {"name": "nullLast", "type": ["string", "null"], "default": "a", "doc": "x"},
                  {"name": "noNullDefault", "type": ["null", "string"], "doc": "x"},
                  {"name": "createdAt", "type": "long", "doc": "x"},
                  {"name": "micros", "type": {"type": "long", "logicalType": "timestamp-micros"}, "doc": "x"},
                  {"name": "kind", "doc": "x", "type": {"type": "enum", "name": "Kind", "doc": "x",
                     "namespace": "dev.onboarding.contract", "symbols": ["A", "B"]}}
                ]}""");
        assertThat(ContractRules.violations(bad)).containsExactlyInAnyOrder(
                "dev.onboarding.other.Bad is not in namespace dev.onboarding.contract",
                "dev.onboarding.other.Bad has no doc",
                "Bad.snake_case is not camelCase",
                "Bad.noDoc has no doc",
                "Bad.nullLast: a union with null must list null first",
                "Bad.noNullDefault is optional but its default is not null",
                "Bad.createdAt is a time but not a long with logical type timestamp-millis",
                "Bad.micros uses logical type timestamp-micros (times are long timestamp-millis; nothing else is used)",
                "enum Kind has no default symbol");
    }

    /** What breaks FULL compatibility between {@code current} and {@code released}; empty when nothing does. */
    static List<String> fullCompatibilityProblems(Schema current, Schema released) {
        List<String> problems = new ArrayList<>();
        check("new reader, old writer", current, released, problems);
        check("old reader, new writer", released, current, problems);
        return problems;
    }

    private static void check(String direction, Schema reader, Schema writer, List<String> problems) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            result.getResult().getIncompatibilities().forEach(incompatibility -> problems.add(direction + ": "
                    + incompatibility.getType() + " at " + incompatibility.getLocation() + ": "
                    + incompatibility.getMessage()));
        }
    }
}
