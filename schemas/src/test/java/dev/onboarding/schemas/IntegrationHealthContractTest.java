package dev.onboarding.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The health addition to the integration state against the released v1 schema, in bytes: a v1 reader (a scheduler
 * or API not yet upgraded) reads a state with health, and the current reader reads a v1 state as "not checked yet".
 */
class IntegrationHealthContractTest {
    private static final Schema RELEASED = ReleasedSchemas.load("v1").get("Integration");

    @Test
    void aReleasedReaderReadsAStateWithHealthAndSkipsIt() throws IOException {
        Integration current = ContractSamples.integration();
        assertThat(current.getHealth().getStatus()).isEqualTo(HealthStatus.DEGRADED);
        byte[] bytes = write(current);

        GenericRecord old = new GenericDatumReader<GenericRecord>(Integration.getClassSchema(), RELEASED)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(old.getSchema().getField("health")).isNull();
        assertThat(old.get("status")).hasToString("CONNECTED");
        assertThat(old.get("integrationId")).hasToString("int-1");
        assertThat(old.get("version")).isEqualTo(3L);
    }

    @Test
    void aReleasedStateReadsAsNotCheckedYet() throws IOException {
        GenericRecord old = new GenericData.Record(RELEASED);
        for (Schema.Field field : RELEASED.getFields()) {
            if (field.hasDefaultValue()) {
                old.put(field.name(), GenericData.get().getDefaultValue(field));
            }
        }
        old.put("integrationId", "int-1");
        old.put("tenantId", "tenant-7");
        old.put("externalId", "onb-x");
        old.put("status", new GenericData.EnumSymbol(RELEASED.getField("status").schema(), "CONNECTED"));
        old.put("roleName", "Role");
        old.put("requestedAt", 1L);
        old.put("expiresAt", 2L);
        old.put("updatedAt", 3L);
        old.put("version", 4L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(RELEASED).write(old, encoder);
        encoder.flush();

        Integration read = new SpecificDatumReader<Integration>(RELEASED, Integration.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.getHealth()).isNull();
        assertThat(read.getVersion()).isEqualTo(4L);
    }

    @Test
    void anUnknownHealthSymbolReadsAsHealthySoOlderSchedulersKeepCollecting() {
        Schema withNewSymbol = SchemaEdits.of(Integration.getClassSchema()).addEnumSymbol("HealthStatus", "SUSPENDED")
                .schema();
        assertThat(SchemaCompatibilityTest.fullCompatibilityProblems(withNewSymbol, Integration.getClassSchema()))
                .isEmpty();
        assertThat(Integration.getClassSchema().getField("health").schema().getTypes().get(1).getField("status")
                .schema().getEnumDefault()).isEqualTo("HEALTHY");
    }

    @Test
    void anUnknownCollectionOutcomeReadsAsErrorWhichNeverMovesHealth() {
        assertThat(CollectionResult.getClassSchema().getField("outcome").schema().getEnumDefault())
                .isEqualTo("ERROR");
    }

    private static byte[] write(Integration integration) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Integration.class).write(integration, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
