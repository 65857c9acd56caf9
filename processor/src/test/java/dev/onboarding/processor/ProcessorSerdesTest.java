package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.processor.claims.AccountClaim;
import dev.onboarding.processor.claims.AccountHolder;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimInTransit;
import dev.onboarding.processor.claims.ClaimOutcome;
import dev.onboarding.processor.claims.OutcomeInTransit;
import dev.onboarding.processor.ledger.AnsweredRequest;
import dev.onboarding.processor.ledger.DecidedAnswer;
import dev.onboarding.processor.ledger.LedgerEntry;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The processor's own records on its internal topics and stores: what is written reads back, also after an upgrade. */
class ProcessorSerdesTest {
    private static final String CLAIMS_TOPIC = "app-claims-by-account-repartition";
    /** Stands for a state in the integrations topic's wire format: led by the Confluent magic byte. */
    private static final byte[] STATE = {0, 0, 0, 0, 7, 2, 4, 6, 8};
    private static final DecidedAnswer ANSWER = new DecidedAnswer(Instant.ofEpochMilli(1_900_000_000_000L),
            ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 9, 1, 3, 5}));

    private final String scope = "processor-serdes-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
    private final ProcessorSerdes serdes = ProcessorSerdes.using(registry);
    private final ClaimCommand claim = ClaimCommand.claim("tenant-ü", "123456789012", "int-1", "ext-1", "req-1");

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.drop(scope);
    }

    private static <T> T roundTrip(Serde<T> serde, String topic, T value) {
        return serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, value));
    }

    @Test
    void everyInternalRecordReadsBackWhole() {
        String changelog = "app-integrations-by-external-id-changelog";
        for (LedgerEntry entry : List.of(
                new LedgerEntry(ByteBuffer.wrap(STATE), new AnsweredRequest("req-ü-1", ANSWER), List.of()),
                new LedgerEntry(ByteBuffer.wrap(STATE), null, List.of()))) {
            assertThat(roundTrip(serdes.ledgerEntries(), changelog, entry)).isEqualTo(entry);
        }
        assertThat(roundTrip(serdes.decidedAnswers(), "app-requests-changelog", ANSWER)).isEqualTo(ANSWER);

        ClaimInTransit claiming = claim.inTransit(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}));
        ClaimInTransit release = ClaimCommand.release("tenant|odd", "111122223333", "int-1", "ext-1").inTransit(null);
        ClaimInTransit emptyCreate = claim.inTransit(ByteBuffer.wrap(new byte[0]));
        for (ClaimInTransit c : List.of(claiming, release, emptyCreate)) {
            ClaimInTransit read = roundTrip(serdes.claims(), CLAIMS_TOPIC, c);
            assertThat(read).isEqualTo(c);
            assertThat(ClaimCommand.of(read)).isEqualTo(ClaimCommand.of(c));
        }
        assertThat(ClaimCommand.of(claiming)).isEqualTo(claim);

        OutcomeInTransit outcome = new OutcomeInTransit(false, "int-2", claiming);
        OutcomeInTransit read = roundTrip(serdes.outcomes(), "app-claim-outcomes-by-external-id-repartition", outcome);
        assertThat(read).isEqualTo(outcome);
        assertThat(ClaimOutcome.of(read)).isEqualTo(new ClaimOutcome(false, claim, "int-2"));

        AccountClaim holder = new AccountClaim("int-ü", "ext-1", 1_900_000_000_000L);
        AccountHolder stored = roundTrip(serdes.accountHolders(), "app-account-claims-changelog", holder.toHolder());
        assertThat(AccountClaim.of(stored)).isEqualTo(holder);
        assertThat(serdes.claims().deserializer().deserialize(CLAIMS_TOPIC, null)).isNull();
    }

    @Test
    void theRecordsAreRegisteredUnderTheApplicationsOwnSubjects() {
        serdes.ledgerEntries().serializer().serialize("app-integrations-by-external-id-changelog",
                new LedgerEntry(ByteBuffer.wrap(STATE), null, List.of()));
        serdes.claims().serializer().serialize(CLAIMS_TOPIC, claim.inTransit(null));

        assertThat(registry.idOf("app-integrations-by-external-id-changelog-value", LedgerEntry.getClassSchema()))
                .isPositive();
        assertThat(registry.idOf(CLAIMS_TOPIC + "-value", ClaimInTransit.getClassSchema())).isPositive();
    }

    @Test
    void aRecordANewerVersionWroteReadsWithThisOne() throws IOException {
        // A later version adds a field (with a default) to a claim in transit: during a rolling upgrade this
        // version still reads what the newer one writes, resolving it by the writer's schema id.
        String added = "{\"name\":\"roleCheck\",\"type\":[\"null\",\"string\"],\"default\":null},";
        Schema newer = new Schema.Parser().parse(ClaimInTransit.getClassSchema().toString().replaceFirst(
                "\"fields\":\\[", "\"fields\":[" + added));
        int id = registry.register(CLAIMS_TOPIC + "-value", newer);
        GenericRecord written = new GenericData.Record(newer);
        written.put("roleCheck", "pending");
        written.put("kind", new GenericData.EnumSymbol(newer.getField("kind").schema(), "CLAIM"));
        written.put("tenantId", "tenant-a");
        written.put("accountId", "123456789012");
        written.put("integrationId", "int-1");
        written.put("externalId", "ext-1");
        written.put("requestId", "req-1");
        written.put("waitingCreate", ByteBuffer.wrap(new byte[] {4, 2}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(newer).write(written, encoder);
        encoder.flush();

        ClaimInTransit read = serdes.claims().deserializer().deserialize(CLAIMS_TOPIC, out.toByteArray());

        assertThat(read).isEqualTo(ClaimCommand.claim("tenant-a", "123456789012", "int-1", "ext-1", "req-1")
                .inTransit(ByteBuffer.wrap(new byte[] {4, 2})));
    }

    @Test
    void aDamagedRecordIsASerializationError() {
        byte[] whole = serdes.claims().serializer().serialize(CLAIMS_TOPIC,
                claim.inTransit(ByteBuffer.wrap(new byte[100])));
        assertThatThrownBy(() -> serdes.claims().deserializer().deserialize(CLAIMS_TOPIC, Arrays.copyOf(whole, 60)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serdes.claims().deserializer().deserialize(CLAIMS_TOPIC, new byte[] {9}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serdes.ledgerEntries().deserializer().deserialize("t", new byte[0]))
                .isInstanceOf(SerializationException.class);
    }
}
