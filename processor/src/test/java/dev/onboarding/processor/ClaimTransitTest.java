package dev.onboarding.processor;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.processor.claims.AccountHolder;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimInTransit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Create travels with its account claim instead of waiting in a store: what happens when two copies of
 * one Create claim at once.
 */
class ClaimTransitTest {
    private final TopologyFixture fx = new TopologyFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private CfnCallback create(String externalId, String requestId, String stack) {
        return TestData.create(externalId, requestId, ACCOUNT, stack, fx.now()).build();
    }

    @Test
    void aRedeliveryWhoseClaimReturnsAfterTheDecisionIsNotDecidedAgainAndGivesTheAccountBack() {
        String extA = TestData.externalId();
        String extB = TestData.externalId();
        fx.pending("int-a", "tenant-a", extA);
        CfnCallback connectA = create(extA, "req-a", "first");
        assertThat(fx.answer(connectA).getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        fx.integrations.readValue();
        fx.pending("int-b", "tenant-a", extB);
        CfnCallback createB = create(extB, "req-b", "second");
        assertThat(fx.answer(createB).getStatus()).isEqualTo(ResponseStatus.FAILED);
        fx.integrations.readValue();
        // The first stack goes: its account is free again.
        fx.answer(TestData.delete(extA, "req-a-delete", ACCOUNT, "first", "int-a", fx.now()).build());
        fx.integrations.readValue();

        // A redelivery of req-b claimed while the first copy's claim travelled; its claim is granted now.
        fx.internalTopic(TopologyNames.CLAIMS_BY_ACCOUNT, fx.serdes.claims().serializer())
                .pipeInput("tenant-a|" + ACCOUNT, ClaimCommand.claim("tenant-a", ACCOUNT, "int-b", extB, "req-b")
                        .inTransit(ByteBuffer.wrap(fx.travelling(createB))));

        assertThat(fx.responses.isEmpty()).as("req-b was decided once").isTrue();
        assertThat(fx.integrations.isEmpty()).isTrue();
        assertThat(fx.integrationByExternalId(extB).getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(fx.<AccountHolder>store(TopologyNames.ACCOUNT_CLAIMS_STORE).get("tenant-a|" + ACCOUNT))
                .as("the granted claim nobody uses is given back").isNull();
        // So the tenant can connect the account again, and a redelivery of req-b still gets its first answer.
        String extC = TestData.externalId();
        fx.pending("int-c", "tenant-a", extC);
        assertThat(fx.answer(create(extC, "req-c", "third")).getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        CfnResponse again = fx.answer(createB);
        assertThat(again.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(again.getReason()).contains("already connected to this workspace");
    }

    @Test
    void aCreateTravelsWithItsClaim() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback connect = create(ext, "req-1", "one");
        byte[] received = fx.catalog.cfnCallbacks().valueSerde().serializer().serialize(fx.catalog.cfnCallbacks()
                .name(), connect);
        var claims = fx.internalOutput(TopologyNames.CLAIMS_BY_ACCOUNT,
                fx.serdes.claims().deserializer());

        fx.rawCallbacks.pipeInput(ext.getBytes(StandardCharsets.UTF_8), received, fx.now());
        fx.answerVerifications();

        ByteBuffer travelling = claims.readValue().getWaitingCreate();
        byte[] bytes = new byte[travelling.remaining()];
        travelling.get(bytes);
        assertThat(fx.serdes.callbacks().deserializer().deserialize("t", bytes)).isEqualTo(connect);
        CfnResponse answer = fx.responses.readValue();
        assertThat(answer.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(answer.getRequestId()).isEqualTo("req-1");
    }

    @Test
    void twoCopiesOfOneCreateClaimingTogetherConnectOnceAndKeepTheAccount() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback connect = create(ext, "req-1", "one");
        ClaimCommand command = ClaimCommand.claim("tenant-a", ACCOUNT, "int-1", ext, "req-1");
        ClaimInTransit claim = command.inTransit(ByteBuffer.wrap(fx.travelling(connect)));
        var claims = fx.internalTopic(TopologyNames.CLAIMS_BY_ACCOUNT, fx.serdes.claims().serializer());
        claims.pipeInput(command.claimKey(), claim);
        claims.pipeInput(command.claimKey(), claim);

        CfnResponse answer = fx.responses.readValue();
        assertThat(answer.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(fx.responses.isEmpty()).isTrue();
        assertThat(fx.allStates()).extracting(Integration::getStatus).containsExactly(IntegrationStatus.CONNECTED);
        assertThat(fx.<AccountHolder>store(TopologyNames.ACCOUNT_CLAIMS_STORE).get("tenant-a|" + ACCOUNT)
                .getIntegrationId()).isEqualTo("int-1");
        assertThat(fx.answer(connect)).isEqualTo(answer);
    }
}
