package dev.onboarding.processor;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.CollectionOutcome;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.processor.health.CollectionResultIntake;
import dev.onboarding.processor.health.HealthConfig;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Collection results moving a connected integration's health, through the topology in a TopologyTestDriver. */
class IntegrationHealthTopologyTest {
    private final TopologyFixture fx = new TopologyFixture();
    private final TestInputTopic<String, CollectionResult> results = fx.driver.createInputTopic(
            fx.catalog.collectionResults().name(), new StringSerializer(),
            fx.catalog.collectionResults().valueSerde().serializer());
    private final TestOutputTopic<String, DeadLetter> resultsDlq = fx.driver.createOutputTopic(
            fx.catalog.collectionResultsDlq().name(), new StringDeserializer(),
            fx.catalog.collectionResultsDlq().valueSerde().deserializer());

    @AfterEach
    void close() {
        fx.close();
    }

    private Integration connect(String id, String externalId) {
        fx.pending(id, "tenant-a", externalId);
        CfnResponse success = fx.answer(TestData.create(externalId, "req-" + id, ACCOUNT, "onboarding", fx.now())
                .build());
        assertThat(success.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        return fx.integrations.readValue();
    }

    private void result(String id, String type, CollectionOutcome outcome, String action) {
        results.pipeInput(id, CollectionResult.newBuilder().setJobId(id + "/" + type + "/" + fx.now())
                .setIntegrationId(id).setResourceType(type).setOutcome(outcome).setAction(action)
                .setFinishedAt(fx.now()).build(), fx.now());
    }

    @Test
    void collectionResultsMoveHealthBothWaysWithOneVersionPerChange() {
        String ext = TestData.externalId();
        Integration connected = connect("int-1", ext);
        assertThat(connected.getHealth()).isNull();

        result("int-1", "AWS::EC2::Instance", CollectionOutcome.OK, null);
        Integration healthy = fx.integrations.readValue();
        assertThat(healthy.getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(healthy.getVersion()).isEqualTo(connected.getVersion() + 1);
        assertThat(healthy.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);

        // The same outcome again: no new version.
        result("int-1", "AWS::EC2::Instance", CollectionOutcome.OK, null);
        result("int-1", "AWS::EC2::Volume", CollectionOutcome.THROTTLED, null);
        assertThat(fx.integrations.isEmpty()).isTrue();

        result("int-1", "AWS::EC2::Instance", CollectionOutcome.ACCESS_DENIED, "ec2:DescribeInstances");
        Integration degraded = fx.integrations.readValue();
        assertThat(degraded.getHealth().getStatus()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(degraded.getHealth().getDeniedJobTypes()).singleElement()
                .satisfies(d -> assertThat(d.getGrantedByTemplate()).isTrue());
        assertThat(degraded.getHealth().getReason()).contains("permissions boundary");
        assertThat(degraded.getVersion()).isEqualTo(healthy.getVersion() + 1);

        result("int-1", "AWS::EC2::Instance", CollectionOutcome.OK, null);
        Integration again = fx.integrations.readValue();
        assertThat(again.getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(fx.integrationByExternalId(ext).getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void consecutiveRoleDenialsMakeItUnreachableAndASuccessMakesItHealthy() {
        connect("int-2", TestData.externalId());
        int threshold = HealthConfig.defaults().unreachableAfterDenials();
        for (int i = 0; i < threshold - 1; i++) {
            result("int-2", "AWS::EC2::Instance", CollectionOutcome.ACCESS_DENIED, "sts:AssumeRole");
            result("int-2", "AWS::EC2::Volume", CollectionOutcome.ERROR, null);
        }
        assertThat(fx.integrations.isEmpty()).as("not before %s consecutive denials", threshold).isTrue();
        result("int-2", "AWS::EC2::Instance", CollectionOutcome.ACCESS_DENIED, "sts:AssumeRole");
        Integration unreachable = fx.integrations.readValue();
        assertThat(unreachable.getHealth().getStatus()).isEqualTo(HealthStatus.UNREACHABLE);
        assertThat(unreachable.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);

        // The read-back counts integrations by health from the integrations topic.
        readBack(unreachable);
        assertThat(byHealth("UNREACHABLE")).isEqualTo(1.0);
        assertThat(byHealth("HEALTHY")).isZero();

        result("int-2", "AWS::EC2::Instance", CollectionOutcome.OK, null);
        Integration healthy = fx.integrations.readValue();
        assertThat(healthy.getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);
        readBack(healthy);
        assertThat(byHealth("UNREACHABLE")).isZero();
        assertThat(byHealth("HEALTHY")).isEqualTo(1.0);
    }

    /** Feeds a published state to the read-back, as the integrations topic would. */
    private void readBack(Integration state) {
        fx.driver.createInputTopic(fx.catalog.integrations().name(), new StringSerializer(),
                fx.catalog.integrations().valueSerde().serializer()).pipeInput(state.getIntegrationId(), state,
                fx.now());
    }

    private double byHealth(String health) {
        return fx.meters.get("processor.integrations.by.health").tag("health", health).gauge().value();
    }

    /** A periodic re-verification's result, as the bridge's verifier answers the scheduler's POSITIVE_ONLY request. */
    private void reverified(Integration connected, RoleVerification verification) {
        fx.verificationResults.pipeInput(connected.getExternalId(), RoleVerificationResult.newBuilder()
                .setVerificationId("reverify/" + connected.getIntegrationId() + "/" + fx.now())
                .setChecks(RoleCheckKind.POSITIVE_ONLY).setIntegrationId(connected.getIntegrationId())
                .setExternalId(connected.getExternalId()).setRoleArn(connected.getRoleArn()).setRequestId(null)
                .setVerification(verification).build(), fx.now());
    }

    @Test
    void reverificationsDeniedInARowMakeItUnreachableAndAVerifiedOneHealthyAgain() {
        Integration connected = connect("int-4", TestData.externalId());
        reverified(connected, TestData.verified());
        Integration healthy = fx.integrations.readValue();
        assertThat(healthy.getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);

        int threshold = HealthConfig.defaults().unreachableAfterDenials();
        for (int i = 0; i < threshold - 1; i++) {
            reverified(connected, TestData.denied());
            reverified(connected, RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.ERROR)
                    .setErrorCode("Throttling").build());
        }
        assertThat(fx.integrations.isEmpty()).as("errors neither count nor break the run").isTrue();
        reverified(connected, TestData.denied());
        Integration unreachable = fx.integrations.readValue();
        assertThat(unreachable.getHealth().getStatus()).isEqualTo(HealthStatus.UNREACHABLE);
        assertThat(unreachable.getHealth().getReason()).contains("AccessDenied");
        assertThat(unreachable.getVersion()).isEqualTo(healthy.getVersion() + 1);
        assertThat(fx.allResponses()).as("a re-verification answers no CloudFormation request").isEmpty();

        reverified(connected, TestData.verified());
        Integration back = fx.integrations.readValue();
        assertThat(back.getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(back.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void anUpdateToANewVerifiedRoleMakesAnUnreachableIntegrationHealthyAtOnce() {
        String ext = TestData.externalId();
        Integration connected = connect("int-5", ext);
        for (int i = 0; i < HealthConfig.defaults().unreachableAfterDenials(); i++) {
            reverified(connected, TestData.denied());
        }
        assertThat(fx.integrations.readValue().getHealth().getStatus()).isEqualTo(HealthStatus.UNREACHABLE);

        CfnResponse response = fx.answer(TestData.update(ext, "req-u5", ACCOUNT, "onboarding", "int-5", fx.now())
                .setRoleName("NewRole").setRoleArn(TestData.roleArn(ACCOUNT, "NewRole")).build());

        assertThat(response.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        List<Integration> states = fx.allStates();
        assertThat(states.get(0).getRoleArn()).isEqualTo(TestData.roleArn(ACCOUNT, "NewRole"));
        assertThat(states).last().satisfies(state -> {
            assertThat(state.getHealth().getStatus()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(state.getRoleArn()).isEqualTo(TestData.roleArn(ACCOUNT, "NewRole"));
        });
    }

    @Test
    void resultsForNoKnownIntegrationOrNotConnectedOnesChangeNothingAndUnusableOnesAreDeadLettered() {
        fx.pending("int-3", "tenant-a", TestData.externalId());
        result("int-3", "AWS::EC2::Instance", CollectionOutcome.OK, null);
        assertThat(fx.integrations.isEmpty()).as("a PENDING integration has no health").isTrue();

        result("int-unknown", "AWS::EC2::Instance", CollectionOutcome.OK, null);
        results.pipeInput("int-3", CollectionResult.newBuilder().setJobId("j").setIntegrationId("int-other")
                .setResourceType("AWS::EC2::Instance").setOutcome(CollectionOutcome.OK).setFinishedAt(fx.now())
                .build(), fx.now());
        List<DeadLetter> letters = resultsDlq.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getReasonCode).containsExactly(
                CollectionResultIntake.UNKNOWN_INTEGRATION, CollectionResultIntake.MALFORMED);
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void aResultWithAnOverlongResourceTypeOrActionIsDeadLetteredAndNeverReachesTheState() {
        connect("int-4", TestData.externalId());
        result("int-4", "AWS::EC2::" + "x".repeat(300), CollectionOutcome.ACCESS_DENIED, "ec2:DescribeInstances");
        result("int-4", "AWS::EC2::Instance", CollectionOutcome.ACCESS_DENIED, "ec2:" + "y".repeat(300));

        assertThat(resultsDlq.readValuesToList()).extracting(DeadLetter::getReasonCode)
                .containsExactly(CollectionResultIntake.FIELD_TOO_LONG, CollectionResultIntake.FIELD_TOO_LONG);
        assertThat(fx.integrations.isEmpty()).isTrue();
    }
}
