package dev.onboarding.processor.claims;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TopologyNames.ACCOUNT_CLAIMS_STORE;
import static dev.onboarding.processor.TopologyNames.OUTCOMES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.processor.MockTask;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The account-claims processor alone: claims and releases in, outcomes out. */
class AccountClaimProcessorTest {
    private static final String KEY = "tenant-a|" + ACCOUNT;

    private final MockTask task = new MockTask(ACCOUNT_CLAIMS_STORE);
    private final AccountClaimProcessor processor = new AccountClaimProcessor();

    @BeforeEach
    void init() {
        processor.init(task.context);
    }

    @AfterEach
    void close() {
        task.close();
    }

    private ClaimInTransit claim(String integrationId) {
        return ClaimCommand.claim("tenant-a", ACCOUNT, integrationId, "ext-" + integrationId, "req-" + integrationId)
                .inTransit(ByteBuffer.wrap(new byte[] {0, 1, 2}));
    }

    private void release(String integrationId) {
        processor.process(task.record(KEY, ClaimCommand.release("tenant-a", ACCOUNT, integrationId,
                "ext-" + integrationId).inTransit(null)));
    }

    @Test
    void aFreeAccountIsGrantedAndTheCreateGoesBackUntouched() {
        ClaimInTransit sent = claim("int-1");

        processor.process(task.record(KEY, sent));

        assertThat(task.<OutcomeInTransit>forwarded(OUTCOMES)).singleElement().satisfies(r -> {
            assertThat(r.key()).as("back to the task of the external ID").isEqualTo("ext-int-1");
            assertThat(r.value().getGranted()).isTrue();
            assertThat(r.value().getHolderIntegrationId()).isEqualTo("int-1");
            assertThat(r.value().getClaim()).isEqualTo(sent);
        });
        AccountHolder holder = task.<AccountHolder>store(ACCOUNT_CLAIMS_STORE).get(KEY);
        assertThat(AccountClaim.of(holder)).isEqualTo(new AccountClaim("int-1", "ext-int-1",
                task.now().toEpochMilli()));
    }

    @Test
    void aHeldAccountIsDeniedToAnotherIntegration() {
        processor.process(task.record(KEY, claim("int-1")));
        task.context.resetForwards();

        processor.process(task.record(KEY, claim("int-2")));

        assertThat(task.<OutcomeInTransit>forwarded(OUTCOMES)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("ext-int-2");
            assertThat(r.value().getGranted()).isFalse();
            assertThat(r.value().getHolderIntegrationId()).isEqualTo("int-1");
        });
        assertThat(task.<AccountHolder>store(ACCOUNT_CLAIMS_STORE).get(KEY).getIntegrationId()).isEqualTo("int-1");
    }

    @Test
    void onlyTheHolderReleasesAndAReleaseAnswersNothing() {
        processor.process(task.record(KEY, claim("int-1")));
        task.context.resetForwards();

        release("int-2");
        assertThat(task.<AccountHolder>store(ACCOUNT_CLAIMS_STORE).get(KEY)).isNotNull();
        release("int-1");
        assertThat(task.<AccountHolder>store(ACCOUNT_CLAIMS_STORE).get(KEY)).isNull();
        assertThat(task.context.forwarded()).isEmpty();
    }
}
