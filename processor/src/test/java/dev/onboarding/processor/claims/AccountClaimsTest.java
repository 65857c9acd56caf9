package dev.onboarding.processor.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.processor.TestData;
import java.util.Optional;
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
    void claimRecordsNeverPrintTheExternalId() {
        String ext = TestData.externalId();
        assertThat(ClaimCommand.claim("t", "111122223333", "int-1", ext, "r").toString()).doesNotContain(ext);
        assertThat(new AccountClaim("int-1", ext, 1).toString()).doesNotContain(ext);
    }
}
