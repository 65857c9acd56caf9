package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.schemas.TemplateVersions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The security-critical parts of the shipped CloudFormation templates. */
class TemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern READ_ONLY = Pattern.compile(
            "[a-z0-9-]+:(Describe|List|Get|BatchGet|GenerateCredentialReport|Search|Lookup)[A-Za-z0-9*]*|apigateway:GET");

    private static JsonNode template(TemplateCommand.Kind kind) throws Exception {
        return JSON.readTree(TemplateCommand.text(kind));
    }

    @Test
    void customerRoleTrustsOnlyTheProviderAndOnlyWithTheExternalId() throws Exception {
        JsonNode role = template(TemplateCommand.Kind.customer).at("/Resources/IntegrationRole");
        assertThat(role.at("/Type").asText()).isEqualTo("AWS::IAM::Role");
        JsonNode statements = role.at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(statements).hasSize(1);
        JsonNode trust = statements.get(0);
        assertThat(trust.at("/Effect").asText()).isEqualTo("Allow");
        assertThat(trust.at("/Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(trust.at("/Principal/AWS/Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:iam::${ProviderAccountId}:root");
        assertThat(trust.at("/Condition/StringEquals/sts:ExternalId/Ref").asText()).isEqualTo("ExternalID");
        assertThat(trust.at("/Principal").size()).isEqualTo(1);
    }

    @Test
    void customerPolicyIsReadOnly() throws Exception {
        JsonNode template = template(TemplateCommand.Kind.customer);
        assertThat(RolePolicies.managedPolicies(template, "IntegrationRole"))
                .containsExactly("CollectionPolicy", "SecurityCollectionPolicy");
        for (String policy : List.of("CollectionPolicy", "SecurityCollectionPolicy")) {
            JsonNode statements = template.at("/Resources/" + policy + "/Properties/PolicyDocument/Statement");
            List<String> actions = new ArrayList<>();
            statements.forEach(s -> {
                assertThat(s.at("/Effect").asText()).isEqualTo("Allow");
                JsonNode action = s.at("/Action");
                (action.isArray() ? action : List.of(action)).forEach(a -> actions.add(a.asText()));
            });
            assertThat(actions).as(policy).isNotEmpty().allSatisfy(a -> assertThat(a).matches(READ_ONLY))
                    .noneMatch(a -> a.equals("*") || a.endsWith(":*"));
        }
    }

    @Test
    void customerNotificationDependsOnTheRoleAndTargetsTheRegionalTopic() throws Exception {
        JsonNode template = template(TemplateCommand.Kind.customer);
        JsonNode notification = template.at("/Resources/IntegrationNotification");
        assertThat(notification.at("/Type").asText()).startsWith("Custom::").endsWith("AWSIntegrationNotification");
        assertThat(notification.at("/DependsOn").asText()).isEqualTo("IntegrationRole");
        assertThat(notification.at("/Properties/ServiceToken/Fn::Sub").asText())
                .contains("${AWS::Region}", "${ProviderAccountId}", "${ProviderTopicName}").startsWith("arn:");
        assertThat(notification.at("/Properties/ExternalID/Ref").asText()).isEqualTo("ExternalID");
        assertThat(notification.at("/Properties/RoleName/Ref").asText()).isEqualTo("RoleName");
        assertThat(template.at("/Outputs/RoleArn/Value/Fn::GetAtt/0").asText()).isEqualTo("IntegrationRole");
        assertThat(template.at("/Metadata/TemplateVersion").asText()).isNotBlank();
    }

    /**
     * The StackSet template is the customer template in every resource, parameter and output value: the policy and
     * trust tests of the customer template hold for it, and both report the same TemplateVersion.
     */
    @Test
    void organizationTemplateIsTheCustomerTemplatesRolePoliciesAndNotification() throws Exception {
        JsonNode customer = template(TemplateCommand.Kind.customer);
        JsonNode organization = template(TemplateCommand.Kind.organization);

        assertThat(organization.path("Resources")).isEqualTo(customer.path("Resources"));
        assertThat(organization.at("/Metadata/TemplateVersion")).isEqualTo(customer.at("/Metadata/TemplateVersion"));
        List<String> parameters = new ArrayList<>();
        organization.path("Parameters").fieldNames().forEachRemaining(parameters::add);
        assertThat(parameters).containsExactly("ExternalID", "RoleName", "ProviderAccountId", "ProviderTopicName");
        for (String name : parameters) {
            JsonNode ours = organization.path("Parameters").path(name);
            JsonNode theirs = customer.path("Parameters").path(name);
            for (String field : List.of("Type", "Default", "MinLength", "MaxLength", "AllowedPattern")) {
                assertThat(ours.path(field)).as(name + "." + field).isEqualTo(theirs.path(field));
            }
        }
        assertThat(organization.at("/Outputs/RoleArn/Value")).isEqualTo(customer.at("/Outputs/RoleArn/Value"));
        assertThat(organization.at("/Outputs/IntegrationId/Value"))
                .isEqualTo(customer.at("/Outputs/IntegrationId/Value"));
        assertThat(organization.path("Description").asText()).contains("StackSet", "one region");
        assertThat(organization.at("/Metadata/DeployAs").asText()).contains("management account");
    }

    @Test
    void bothTemplatesLetVerificationReadTheOrganization() throws Exception {
        for (TemplateCommand.Kind kind : List.of(TemplateCommand.Kind.customer, TemplateCommand.Kind.organization)) {
            List<String> actions = new ArrayList<>();
            RolePolicies.of(template(kind), "IntegrationRole").forEach(g -> actions.addAll(g.actions()));
            assertThat(actions).as(kind.name()).contains("organizations:DescribeOrganization");
        }
    }

    @Test
    void providerQueueAdmitsOnlyItsTopic() throws Exception {
        JsonNode template = template(TemplateCommand.Kind.provider);
        JsonNode statements = template.at("/Resources/CallbackQueuePolicy/Properties/PolicyDocument/Statement");
        assertThat(statements).hasSize(1);
        JsonNode allow = statements.get(0);
        assertThat(allow.at("/Action").asText()).isEqualTo("sqs:SendMessage");
        assertThat(allow.at("/Principal/Service").asText()).isEqualTo("sns.amazonaws.com");
        assertThat(allow.at("/Condition/ArnEquals/aws:SourceArn/Ref").asText()).isEqualTo("CallbackTopic");
        assertThat(template.at("/Resources/CallbackQueue/Properties/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0")
                .asText()).isEqualTo("CallbackDeadLetterQueue");
        assertThat(template.at("/Resources/CallbackSubscription/Properties/Protocol").asText()).isEqualTo("sqs");
    }

    @Test
    void providerTopicOnlyAllowsPublish() throws Exception {
        JsonNode statements = template(TemplateCommand.Kind.provider)
                .at("/Resources/CallbackTopicPolicy/Properties/PolicyDocument/Statement");
        statements.forEach(s -> assertThat(s.at("/Action").asText()).isEqualTo("sns:Publish"));
    }

    @Test
    void everyFreeTextParameterHasAPatternItsDefaultMatches() throws Exception {
        for (TemplateCommand.Kind kind : TemplateCommand.Kind.values()) {
            template(kind).path("Parameters").fields().forEachRemaining(p -> {
                JsonNode parameter = p.getValue();
                if (!parameter.path("Type").asText().equals("String") || parameter.has("AllowedValues")) {
                    return;
                }
                String where = kind + " " + p.getKey();
                assertThat(parameter.path("AllowedPattern").asText()).as(where).isNotBlank();
                assertThat(parameter.path("ConstraintDescription").asText()).as(where).isNotBlank();
                assertThat(parameter.path("MaxLength").asInt()).as(where).isPositive();
                if (parameter.has("Default")) {
                    assertThat(parameter.path("Default").asText()).as(where)
                            .matches(parameter.path("AllowedPattern").asText());
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = TemplateCommand.Kind.class, names = {"customer", "organization"})
    void customerParametersAreGroupedAndLabelledForTheConsole(TemplateCommand.Kind kind) throws Exception {
        JsonNode template = template(kind);
        JsonNode face = template.at("/Metadata/AWS::CloudFormation::Interface");
        List<String> grouped = new ArrayList<>();
        face.path("ParameterGroups").forEach(group -> {
            assertThat(group.at("/Label/default").asText()).isNotBlank();
            group.path("Parameters").forEach(name -> grouped.add(name.asText()));
        });
        List<String> parameters = new ArrayList<>();
        template.path("Parameters").fieldNames().forEachRemaining(parameters::add);

        assertThat(grouped).as("every parameter in exactly one group").containsExactlyInAnyOrderElementsOf(parameters);
        parameters.forEach(name -> assertThat(face.at("/ParameterLabels/" + name + "/default").asText()).as(name)
                .isNotBlank());
    }

    @Test
    void theNotificationReportsTheTemplatesVersion() throws Exception {
        JsonNode template = template(TemplateCommand.Kind.customer);
        String version = template.at("/Resources/IntegrationNotification/Properties/TemplateVersion").asText();

        assertThat(TemplateVersions.isValid(version)).as(version).isTrue();
        assertThat(template.at("/Metadata/TemplateVersion").asText()).isEqualTo(version);
        assertThat(TemplateCommand.customerTemplateVersion()).isEqualTo(version);
    }

    /**
     * A published version never changes: {@code customer-template-versions.txt} keeps the SHA-256 of each version's
     * template (its JSON, formatting aside). Changing the template means a new version and a new line there.
     */
    @Test
    void aPublishedTemplateVersionNeverChanges() throws Exception {
        JsonNode template = template(TemplateCommand.Kind.customer);
        String version = template.at("/Metadata/TemplateVersion").asText();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(JSON.writeValueAsBytes(template)));
        List<String> versions = new ArrayList<>();
        Map<String, String> published = new LinkedHashMap<>();
        try (InputStream in = TemplatesTest.class.getResourceAsStream("/cloudformation/customer-template-versions.txt")) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\\s+")).forEach(f -> {
                        versions.add(f[0]);
                        published.put(f[0], f[1]);
                    });
        }
        String line = version + " " + digest;

        assertThat(published).as("cli/src/test/resources/cloudformation/customer-template-versions.txt lists this"
                + " version; for a new one add: " + line).containsKey(version);
        assertThat(published.get(version)).as("the template changed but version " + version + " is published: raise"
                + " TemplateVersion (docs/customer-template.md) and add: " + line).isEqualTo(digest);
        assertThat(versions).as("each version newer than the one before")
                .isSortedAccordingTo(TemplateVersions::compare).doesNotHaveDuplicates().last().isEqualTo(version);
    }
}
