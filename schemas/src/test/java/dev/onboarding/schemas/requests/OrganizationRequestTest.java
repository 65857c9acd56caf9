package dev.onboarding.schemas.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An integration request of kind ORGANIZATION, its checks, and the StackSet commands handed to the customer. */
class OrganizationRequestTest {
    private static final OrganizationScope ACME = new OrganizationScope("o-a1b2c3d4e5", List.of("ou-ab12-34cd56ef"));

    @Test
    void anOrganizationRequestCarriesItsKindOrganizationAndUnits() {
        IntegrationRequest request = new IntegrationRequest("tenant-1", "Role", "Acme", Optional.empty(), Map.of(),
                Optional.empty(), Optional.of(ACME));

        IntegrationRequested event = request.toEvent("int-1", "onb-x", Instant.EPOCH, Duration.ofHours(1));

        assertThat(event.getKind()).isEqualTo(IntegrationKind.ORGANIZATION);
        assertThat(event.getExpectedOrganizationId()).isEqualTo("o-a1b2c3d4e5");
        assertThat(event.getOrganizationalUnitIds()).containsExactly("ou-ab12-34cd56ef");
        assertThat(event.getExpectedAccountId()).isNull();
    }

    @Test
    void aRequestWithoutAnOrganizationKeepsTodaysKind() {
        IntegrationRequested event = new IntegrationRequest("tenant-1", "Role", "One", Optional.empty(), Map.of(),
                Optional.of("123456789012")).toEvent("int-1", "onb-x", Instant.EPOCH, Duration.ofHours(1));

        assertThat(event.getKind()).isEqualTo(IntegrationKind.ACCOUNT);
        assertThat(event.getExpectedOrganizationId()).isNull();
        assertThat(event.getOrganizationalUnitIds()).isEmpty();
    }

    @Test
    void badOrganizationsAndUnitsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> new OrganizationScope(null, List.of()))
                .hasMessageContaining("--expected-organization-id");
        assertThatThrownBy(() -> new OrganizationScope("o-short", List.of()))
                .hasMessageContaining("--expected-organization-id").hasMessageContaining("o-short");
        assertThatThrownBy(() -> new OrganizationScope("O-A1B2C3D4E5", List.of()))
                .hasMessageContaining("--expected-organization-id");
        assertThatThrownBy(() -> new OrganizationScope("o-a1b2c3d4e5", List.of("ou-1")))
                .hasMessageContaining("--organizational-unit").hasMessageContaining("ou-1");
        assertThatThrownBy(() -> new OrganizationScope("o-a1b2c3d4e5", List.of("r-ab12", "r-ab12")))
                .hasMessageContaining("twice");
        assertThat(new OrganizationScope("o-a1b2c3d4e5", List.of("r-ab12")).organizationalUnitIds())
                .containsExactly("r-ab12");
        assertThatThrownBy(() -> new IntegrationRequest("tenant-1", "Role", "Acme", Optional.empty(), Map.of(),
                Optional.of("123456789012"), Optional.of(ACME))).hasMessageContaining("--expected-account");
    }

    @Test
    void theStackSetCommandsCreateAServiceManagedAutoDeployingStackSetInOneRegion() {
        RequestConfig config = RequestConfig.from(Settings.of(Map.of(
                "request.template-url", "https://bucket.s3.amazonaws.com/customer.json",
                "request.organization-template-url", "https://bucket.s3.amazonaws.com/organization.json",
                "request.provider-account-id", "444455556666")));

        StackSetLaunch launch = StackSetLaunch.forIntegration(config, "eu-west-1", "int-1", "onb-secret", "Role",
                ACME.organizationalUnitIds());

        assertThat(launch.stackSetName()).isEqualTo("Onboarding-int-1");
        assertThat(launch.templateUrl()).isEqualTo("https://bucket.s3.amazonaws.com/organization.json");
        assertThat(launch.createStackSet()).startsWith("aws cloudformation create-stack-set --region eu-west-1 ")
                .contains("--stack-set-name Onboarding-int-1",
                        "--template-url 'https://bucket.s3.amazonaws.com/organization.json'",
                        "--permission-model SERVICE_MANAGED",
                        "--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false",
                        "--capabilities CAPABILITY_NAMED_IAM",
                        "{\"ParameterKey\":\"ExternalID\",\"ParameterValue\":\"onb-secret\"}",
                        "{\"ParameterKey\":\"RoleName\",\"ParameterValue\":\"Role\"}",
                        "{\"ParameterKey\":\"ProviderAccountId\",\"ParameterValue\":\"444455556666\"}",
                        "{\"ParameterKey\":\"ProviderTopicName\",\"ParameterValue\":\"onboarding-callbacks\"}");
        assertThat(launch.createStackInstances()).isEqualTo("aws cloudformation create-stack-instances --region "
                + "eu-west-1 --stack-set-name Onboarding-int-1 --deployment-targets "
                + "OrganizationalUnitIds=ou-ab12-34cd56ef --regions eu-west-1");
        assertThat(StackSetLaunch.forIntegration(config, "eu-west-1", "int-1", "onb-secret", "Role", List.of())
                .createStackInstances()).contains("OrganizationalUnitIds=" + StackSetLaunch.OU_PLACEHOLDER);
    }

    @Test
    void withoutTheStackSetTemplateOrganizationsAreRefused() {
        RequestConfig config = new RequestConfig("https://bucket.s3.amazonaws.com/customer.json", "444455556666",
                "onboarding-callbacks", Duration.ofHours(1), "us-east-1");

        assertThat(config.organizationTemplateUrl()).isEmpty();
        assertThatThrownBy(() -> StackSetLaunch.forIntegration(config, "us-east-1", "int-1", "onb-x", "Role",
                List.of())).hasMessageContaining("request.organization-template-url");
        assertThatThrownBy(() -> RequestConfig.from(Settings.of(Map.of(
                "request.template-url", "https://bucket.s3.amazonaws.com/customer.json",
                "request.organization-template-url", "http://bucket.s3.amazonaws.com/organization.json",
                "request.provider-account-id", "444455556666"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("request.organization-template-url");
    }
}
