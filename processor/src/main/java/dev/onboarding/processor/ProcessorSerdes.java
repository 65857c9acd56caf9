package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.processor.claims.AccountHolder;
import dev.onboarding.processor.claims.ClaimInTransit;
import dev.onboarding.processor.claims.OutcomeInTransit;
import dev.onboarding.processor.ledger.DecidedAnswer;
import dev.onboarding.processor.ledger.LedgerEntry;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import java.util.Set;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.Serde;

/**
 * Serdes of the processor's internal topics and stores: contract records of their own (request events
 * re-keyed, held callbacks, travelling Creates) and the processor's own records ({@code src/main/avro}).
 * All are Avro in the Confluent wire format under subjects that belong to this application alone
 * ({@code <application.id>-<store>-changelog-value}, {@code <application.id>-<name>-repartition-value}), so they
 * always register their schema, even when the shared topics' subjects are managed by hand
 * ({@code schema.registry.auto-register=false}).
 *
 * <p>Why the registry rather than plain Avro led by a format version: during a rolling upgrade an instance
 * still on the earlier version reads what a newer one wrote to a repartition topic or changelog, and resolves
 * it against its own schema from the writer's id (fields added with defaults are skipped), as every reader of
 * the shared topics does; the registry's compatibility check guards each change, and no schema history has to
 * be kept in the code. The framing costs five bytes a record.
 *
 * @param requestEvents request events on the re-key repartition
 * @param callbacks held callbacks, and Creates travelling with their account claims
 * @param ledgerEntries states and the answers kept with them, by external ID
 * @param decidedAnswers answers decided by RequestId
 * @param claims claims and releases on their way to the task of (tenant, account)
 * @param outcomes claim outcomes on their way back
 * @param accountHolders who holds each (tenant, account)
 * @param collectionResults collection results on their way to the task of their external ID
 */
public record ProcessorSerdes(Serde<IntegrationRequestEvent> requestEvents, Serde<CfnCallback> callbacks,
        Serde<LedgerEntry> ledgerEntries, Serde<DecidedAnswer> decidedAnswers, Serde<ClaimInTransit> claims,
        Serde<OutcomeInTransit> outcomes, Serde<AccountHolder> accountHolders,
        Serde<CollectionResult> collectionResults) {
    static {
        // Avro instantiates only classes it trusts: the processor's own records, besides the contract's.
        Set<String> own = Set.of(LedgerEntry.class.getPackageName(), ClaimInTransit.class.getPackageName());
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> own.contains(type.getPackageName())));
    }

    /** Serdes backed by {@code registry}. */
    public static ProcessorSerdes using(SchemaRegistry registry) {
        return new ProcessorSerdes(
                AvroSerde.forValues(IntegrationRequestEvent.class, registry, true),
                AvroSerde.forValues(CfnCallback.class, registry, true),
                AvroSerde.forValues(LedgerEntry.class, registry, true),
                AvroSerde.forValues(DecidedAnswer.class, registry, true),
                AvroSerde.forValues(ClaimInTransit.class, registry, true),
                AvroSerde.forValues(OutcomeInTransit.class, registry, true),
                AvroSerde.forValues(AccountHolder.class, registry, true),
                AvroSerde.forValues(CollectionResult.class, registry, true));
    }
}
