package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TopologyNames.ANSWERS;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUEST_DIGESTS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE;
import static dev.onboarding.processor.TopologyNames.RELEASES;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;
import static dev.onboarding.processor.TopologyNames.STATES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.processor.MockTask;
import dev.onboarding.processor.TestData;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimInTransit;
import dev.onboarding.processor.claims.ClaimKind;
import dev.onboarding.processor.claims.OutcomeInTransit;
import java.nio.ByteBuffer;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claim finisher alone: a claim's outcome in, the Create that travelled with it finished. */
class ClaimFinisherTest {
    private final MockTask task = new MockTask(INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE,
            DECIDED_REQUEST_DIGESTS_STORE, DECIDED_REQUESTS_BY_TIME_STORE);
    private final ClaimFinisher finisher = new ClaimFinisher(task.config, task.catalog,
            task.serdes.callbacks().deserializer());
    private final String ext = TestData.externalId();
    private final CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build();
    private final ClaimCommand claim = ClaimCommand.claim("tenant-a", ACCOUNT, "int-1", ext, "req-1");

    @BeforeEach
    void init() {
        finisher.init(task.context);
        // The ledger holds a pending integration for the external ID.
        IntegrationRequested requested = (IntegrationRequested) TestData.requested("int-1", "tenant-a", ext,
                task.now(), Duration.ofHours(24)).getEvent();
        Integration pending = ((PendingIntegrations.Changed) new PendingIntegrations().request(requested,
                Optional.empty(), task.now())).newState();
        byte[] state = task.catalog.integrations().valueSerde().serializer().serialize("t", pending);
        task.store(INTEGRATIONS_BY_EXTERNAL_ID_STORE).put(ext, new LedgerEntry(ByteBuffer.wrap(state), null, List.of()));
    }

    @AfterEach
    void close() {
        task.close();
    }

    private void outcome(boolean granted, String holder) {
        byte[] travelling = task.serdes.callbacks().serializer().serialize("t", create);
        ClaimInTransit sent = claim.inTransit(ByteBuffer.wrap(travelling));
        finisher.process(task.record(ext, new OutcomeInTransit(granted, holder, sent)));
    }

    private CfnResponse answer() {
        return task.catalog.cfnResponses().valueSerde().deserializer().deserialize("t",
                task.<byte[]>forwarded(ANSWERS).get(0).value());
    }

    private Integration state() {
        return task.catalog.integrations().valueSerde().deserializer().deserialize("t",
                task.<byte[]>forwarded(STATES).get(0).value());
    }

    @Test
    void aGrantedClaimConnectsThePendingIntegrationAndKeepsTheAnswerWithIt() {
        outcome(true, "int-1");

        assertThat(task.forwarded(ANSWERS)).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("req-1"));
        assertThat(answer().getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(answer().getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(state().getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(task.<LedgerEntry>store(INTEGRATIONS_BY_EXTERNAL_ID_STORE).get(ext).getAnswered().getRequestId())
                .isEqualTo("req-1");
        assertThat(task.store(REQUESTS_STORE).get("req-1")).as("kept with the state, not written twice").isNull();
        assertThat(task.forwarded(RELEASES)).isEmpty();
    }

    @Test
    void aDeniedClaimAnswersFailedAndTheIntegrationStaysPending() {
        outcome(false, "int-other");

        assertThat(answer().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer().getReason()).contains("already connected to this workspace");
        assertThat(state().getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(state().getLastRequestId()).isEqualTo("req-1");
        assertThat(task.forwarded(RELEASES)).isEmpty();
    }

    @Test
    void theOutcomeOfARequestDecidedMeanwhileOnlyGivesBackTheUnusedClaim() {
        task.store(REQUESTS_STORE).put("req-1", new DecidedAnswer(task.now(), ByteBuffer.wrap(new byte[] {1})));

        outcome(true, "int-1");

        assertThat(task.forwarded(ANSWERS)).isEmpty();
        assertThat(task.forwarded(STATES)).isEmpty();
        assertThat(task.<ClaimInTransit>forwarded(RELEASES)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("tenant-a|" + ACCOUNT);
            assertThat(r.value().getKind()).isEqualTo(ClaimKind.RELEASE);
            assertThat(r.value().getIntegrationId()).isEqualTo("int-1");
            assertThat(r.value().getWaitingCreate()).isNull();
        });
    }
}
