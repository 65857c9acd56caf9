package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.schemas.ExternalIds;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever an upstream service writes, the intake's rules accept a request only within every bound and with a
 * minted (or an accepted legacy) external ID, and refuse anything else with a known reason code that never quotes
 * the external ID; they never throw.
 */
class RequestRulesPropertiesTest {
    private static final Set<String> CODES = Set.of(PendingIntegrations.FIELD_TOO_LONG, PendingIntegrations.MALFORMED,
            PendingIntegrations.EXTERNAL_ID_NOT_MINTED);
    private static final Pattern LEGACY = Pattern.compile("legacy-[0-9]{4,8}");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Property(tries = 600)
    void aRequestIsAcceptedOnlyWithinEveryBoundAndWithAMintedExternalId(@ForAll("requests") IntegrationRequestEvent event,
            @ForAll boolean legacyAccepted) {
        IntegrationRequested r = (IntegrationRequested) event.getEvent();
        Optional<PendingIntegrations.Refused> refused = PendingIntegrations.refusal(r.getIntegrationId(), event,
                legacyAccepted ? Optional.of(LEGACY) : Optional.empty());
        Statistics.collect(refused.map(PendingIntegrations.Refused::reasonCode).orElse("accepted"));

        if (refused.isEmpty()) {
            assertThat(r.getIntegrationId().length()).isLessThanOrEqualTo(128);
            assertThat(r.getTenantId().length()).isBetween(1, 256);
            assertThat(r.getName().length()).isLessThanOrEqualTo(256);
            assertThat(r.getRoleName().length()).isBetween(1, 64);
            assertThat(r.getDescription() == null ? 0 : r.getDescription().length()).isLessThanOrEqualTo(1024);
            assertThat(r.getTags()).hasSizeLessThanOrEqualTo(50).allSatisfy((k, v) -> {
                assertThat(k.length()).isLessThanOrEqualTo(128);
                assertThat(v.length()).isLessThanOrEqualTo(256);
            });
            assertThat(ExternalIds.isMintedFormat(r.getExternalId())
                    || legacyAccepted && LEGACY.matcher(r.getExternalId()).matches()).isTrue();
        } else {
            assertThat(refused.get().reasonCode()).isIn(CODES);
            if (r.getExternalId().length() >= 8) {
                assertThat(refused.get().reason()).doesNotContain(r.getExternalId());
            }
        }
    }

    @Property(tries = 200)
    void aCancelIsRefusedOnlyForItsShapeOrLengthsNeverForItsExternalId(
            @ForAll("strings") String tenant, @ForAll("strings") String reason, @ForAll("externalIds") String ext) {
        IntegrationRequestEvent cancel = new IntegrationRequestEvent(IntegrationCancelled.newBuilder()
                .setIntegrationId("int-1").setTenantId(tenant).setExternalId(ext).setReason(reason)
                .setCancelledAt(NOW).build());

        Optional<PendingIntegrations.Refused> refused = PendingIntegrations.refusal("int-1", cancel, Optional.empty());

        assertThat(refused.map(PendingIntegrations.Refused::reasonCode).orElse("accepted"))
                .isNotEqualTo(PendingIntegrations.EXTERNAL_ID_NOT_MINTED);
        boolean fits = tenant.length() <= 256 && reason.length() <= 1024 && !tenant.isBlank()
                && ExternalIds.isStsValid(ext);
        assertThat(refused.isEmpty()).isEqualTo(fits);
    }

    @Provide
    Arbitrary<IntegrationRequestEvent> requests() {
        Arbitrary<Map<String, String>> tags = Arbitraries.maps(strings(), strings()).ofMaxSize(60);
        return Combinators.combine(ids(), strings(), externalIds(), roleNames(), strings(), strings().injectNull(0.5),
                tags).as((id, tenant, ext, role, name, description, t) -> new IntegrationRequestEvent(
                        IntegrationRequested.newBuilder().setIntegrationId(id).setTenantId(tenant).setExternalId(ext)
                                .setRoleName(role).setName(name).setDescription(description).setTags(t)
                                .setRequestedAt(NOW).setExpiresAt(NOW.plusSeconds(3600)).build()));
    }

    /** Mostly short, now and then at or past a bound, once in a while far past any (a 70,000-character id). */
    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40)),
                Tuple.of(2, Arbitraries.strings().alpha().ofMinLength(120).ofMaxLength(1100)),
                Tuple.of(1, Arbitraries.integers().between(65_536, 70_000).map("t"::repeat)),
                Tuple.of(1, Arbitraries.of("", " ", "\u0000", "ü".repeat(300))));
    }

    private Arbitrary<String> ids() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)
                .map(s -> "int-" + s)), Tuple.of(1, Arbitraries.strings().alpha().ofLength(129)));
    }

    @Provide
    Arbitrary<String> externalIds() {
        ExternalIds minter = new ExternalIds();
        return Arbitraries.oneOf(
                Arbitraries.just(0).map(x -> minter.mint()),
                Arbitraries.strings().numeric().ofMinLength(4).ofMaxLength(8).map(n -> "legacy-" + n),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(32).map(s -> "onb-" + s),
                Arbitraries.strings().withChars("abcdef0123456789=,.@:/-_+").ofMinLength(2).ofMaxLength(1300),
                Arbitraries.of("has spaces", "x", "onb-", "onb-ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    }

    private Arbitrary<String> roleNames() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(64),
                Arbitraries.strings().alpha().ofMinLength(65).ofMaxLength(300), Arbitraries.of("has space", ""));
    }
}
