package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** One AWS account per tenant, without Kafka. */
class AccountClaimsTest {
    private final AccountClaims claims = new AccountClaims();
    private final ClaimCommand first = ClaimCommand.claim("t", "111122223333", "int-1", "ext-1", "req-1");
    private final ClaimCommand second = ClaimCommand.claim("t", "111122223333", "int-2", "ext-2", "req-2");

    @Test
    void aFreeAccountIsGrantedAndStored() {
        AccountClaims.ClaimResult result = claims.claim(first, Optional.empty(), 42);
        assertThat(result.outcome().granted()).isTrue();
        assertThat(result.newHolder()).contains(new AccountClaim("int-1", "ext-1", 42));
    }

    @Test
    void aHeldAccountIsDeniedToOthersAndGrantedAgainToItsHolder() {
        Optional<AccountClaim> held = Optional.of(new AccountClaim("int-1", "ext-1", 42));
        AccountClaims.ClaimResult denied = claims.claim(second, held, 50);
        assertThat(denied.outcome().granted()).isFalse();
        assertThat(denied.outcome().holderIntegrationId()).isEqualTo("int-1");
        assertThat(denied.newHolder()).isEmpty();

        AccountClaims.ClaimResult again = claims.claim(first, held, 50);
        assertThat(again.outcome().granted()).isTrue();
        assertThat(again.newHolder()).isEmpty();
    }

    @Test
    void onlyTheHolderReleases() {
        Optional<AccountClaim> held = Optional.of(new AccountClaim("int-1", "ext-1", 42));
        assertThat(claims.releases(ClaimCommand.release("t", "111122223333", "int-2", "ext-2"), held)).isFalse();
        assertThat(claims.releases(ClaimCommand.release("t", "111122223333", "int-1", "ext-1"), held)).isTrue();
        assertThat(claims.releases(ClaimCommand.release("t", "111122223333", "int-1", "ext-1"), Optional.empty()))
                .isFalse();
    }

    @Test
    void claimRecordsSurviveTheirSerdes() {
        var claimsInTransit = ClaimSerdes.claimsInTransit();
        ClaimInTransit claim = new ClaimInTransit(first, new byte[] {0, 1, 2, (byte) 255});
        ClaimInTransit release = ClaimInTransit.release(ClaimCommand.release("tenant|odd", "111122223333", "int-1",
                "ext-1"));
        ClaimInTransit empty = new ClaimInTransit(first, new byte[0]);
        for (ClaimInTransit c : List.of(claim, release, empty)) {
            assertThat(claimsInTransit.deserializer().deserialize("t", claimsInTransit.serializer().serialize("t", c)))
                    .isEqualTo(c);
        }
        var outcomes = ClaimSerdes.outcomesInTransit();
        OutcomeInTransit outcome = new OutcomeInTransit(new ClaimOutcome(false, second, "int-1"), new byte[] {7});
        assertThat(outcomes.deserializer().deserialize("t", outcomes.serializer().serialize("t", outcome)))
                .isEqualTo(outcome);
        var holders = ClaimSerdes.claims();
        AccountClaim holder = new AccountClaim("int-1", "ext-1", 42);
        assertThat(holders.deserializer().deserialize("t", holders.serializer().serialize("t", holder)))
                .isEqualTo(holder);
        assertThat(claimsInTransit.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void aDamagedClaimRecordIsASerializationError() {
        byte[] truncated = Arrays.copyOf(ClaimSerdes.claimsInTransit().serializer().serialize("t",
                new ClaimInTransit(first, new byte[100])), 60);
        assertThatThrownBy(() -> ClaimSerdes.claimsInTransit().deserializer().deserialize("t", truncated))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> ClaimSerdes.claimsInTransit().deserializer().deserialize("t", new byte[] {9}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 9");
    }

    @Test
    void claimRecordsNeverPrintTheExternalId() {
        String ext = TestData.externalId();
        assertThat(ClaimCommand.claim("t", "111122223333", "int-1", ext, "r").toString()).doesNotContain(ext);
        assertThat(new AccountClaim("int-1", ext, 1).toString()).doesNotContain(ext);
    }
}
