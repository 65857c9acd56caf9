package dev.onboarding.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
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
 * The organization additions against the released v1 schemas, on real bytes: what v1 writers wrote reads as one
 * account, and v1 readers still read an organization's request and state (without what they do not know).
 */
class OrganizationContractTest {

    @Test
    void aRequestWrittenByV1ReadsAsOneAccount() throws IOException {
        Schema v1 = ReleasedSchemas.load("v1").get("IntegrationRequestEvent");
        IntegrationRequestEvent sample = ContractSamples.integrationRequested();
        GenericRecord old = read(write(IntegrationRequestEvent.getClassSchema(), sample), IntegrationRequestEvent
                .getClassSchema(), v1);

        IntegrationRequestEvent read = new SpecificDatumReader<IntegrationRequestEvent>(v1,
                IntegrationRequestEvent.getClassSchema()).read(null,
                DecoderFactory.get().binaryDecoder(write(v1, old), null));

        IntegrationRequested requested = (IntegrationRequested) read.getEvent();
        assertThat(requested.getKind()).isEqualTo(IntegrationKind.ACCOUNT);
        assertThat(requested.getExpectedOrganizationId()).isNull();
        assertThat(requested.getOrganizationalUnitIds()).isEmpty();
        assertThat(read).isEqualTo(sample);
    }

    @Test
    void aV1ReaderReadsAnOrganizationsRequestAndState() throws IOException {
        Schema requestV1 = ReleasedSchemas.load("v1").get("IntegrationRequestEvent");
        GenericRecord request = read(write(IntegrationRequestEvent.getClassSchema(),
                ContractSamples.organizationRequested()), IntegrationRequestEvent.getClassSchema(), requestV1);
        assertThat(((GenericRecord) request.get("event")).get("integrationId")).hasToString("org-1");

        Schema stateV1 = ReleasedSchemas.load("v1").get("Integration");
        Integration organization = ContractSamples.organizationIntegration();
        GenericRecord state = read(write(Integration.getClassSchema(), organization), Integration.getClassSchema(),
                stateV1);
        assertThat(state.get("status")).hasToString("PENDING");
        assertThat(state.hasField("members")).isFalse();

        GenericRecord member = read(write(Integration.getClassSchema(), ContractSamples.memberIntegration()),
                Integration.getClassSchema(), stateV1);
        assertThat(member.get("integrationId")).hasToString("org-1-123456789012");
        assertThat(member.get("accountId")).hasToString("123456789012");
    }

    @Test
    void anOrganizationsStateKeepsItsMembersAndSummary() throws IOException {
        Integration organization = ContractSamples.organizationIntegration();

        Integration read = new SpecificDatumReader<Integration>(Integration.class).read(null,
                DecoderFactory.get().binaryDecoder(write(Integration.getClassSchema(), organization), null));

        assertThat(read.getMembers()).extracting(m -> m.getAccountId() + " " + m.getStatus())
                .containsExactly("123456789012 CONNECTED", "210987654321 FAILED", "345678901234 PENDING");
        assertThat(read.getMemberSummary().getConnected()).isEqualTo(1);
        assertThat(read.getMemberSummary().getFailed()).isEqualTo(1);
        assertThat(read.getMemberSummary().getPending()).isEqualTo(1);
        assertThat(ContractSamples.integration().getKind()).isEqualTo(IntegrationKind.ACCOUNT);
        assertThat(ContractSamples.integration().getMembers()).isEmpty();
        assertThat(ContractSamples.integration().getMemberSummary()).isNull();
    }

    private static byte[] write(Schema schema, Object record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        if (record instanceof GenericRecord generic && !(record instanceof org.apache.avro.specific.SpecificRecord)) {
            new GenericDatumWriter<GenericRecord>(schema).write(generic, encoder);
        } else {
            new SpecificDatumWriter<Object>(schema).write(record, encoder);
        }
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord read(byte[] bytes, Schema writer, Schema reader) throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader).read(null,
                DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
