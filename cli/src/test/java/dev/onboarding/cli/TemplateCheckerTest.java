package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both shipped templates pass {@link TemplateChecker}; copies broken in one place each fail, naming it. */
class TemplateCheckerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TemplateChecker checker;

    @BeforeAll
    static void load() {
        checker = TemplateChecker.load();
    }

    @Test
    void theSchemasComeFromThePinnedPackageAndNameEveryResourceType() {
        assertThat(checker.source()).startsWith("@aws-cdk/aws-service-spec ");
        assertThat(checker.resourceTypeCount()).isGreaterThan(1_000);
    }

    @ParameterizedTest
    @EnumSource(TemplateCommand.Kind.class)
    void theShippedTemplatePasses(TemplateCommand.Kind kind) throws Exception {
        assertThat(checker.check(JSON.readTree(TemplateCommand.text(kind)))).isEmpty();
    }

    @Test
    void resourceTypesMustExistAndHaveAKeptSchema() throws Exception {
        assertProblem(customer(t -> resource(t, "IntegrationRole").put("Type", "AWS::IAM::Rolle")),
                "Resources.IntegrationRole: 'AWS::IAM::Rolle' is not a CloudFormation resource type");
        assertProblem(customer(t -> resource(t, "CollectionPolicy").put("Type", "AWS::S3::Bucket")),
                "Resources.CollectionPolicy: no schema of AWS::S3::Bucket is kept: run tools/cfn-spec");
        assertProblem(customer(t -> resource(t, "IntegrationNotification").put("Type", "Custom::Has Spaces")),
                "'Custom::Has Spaces' is not a CloudFormation resource type");
    }

    @Test
    void propertyNamesTypesAndRequiredPropertiesFollowTheSchema() throws Exception {
        assertProblem(customer(t -> properties(t, "IntegrationRole").put("RoleNmae", "x")),
                "Resources.IntegrationRole.Properties: unknown property RoleNmae");
        assertProblem(customer(t -> properties(t, "IntegrationRole").put("MaxSessionDuration", "an hour")),
                "Resources.IntegrationRole.Properties.MaxSessionDuration: expected an integer, got \"an hour\"");
        assertProblem(customer(t -> properties(t, "IntegrationRole").remove("AssumeRolePolicyDocument")),
                "Resources.IntegrationRole.Properties: required property AssumeRolePolicyDocument is missing");
        assertProblem(customer(t -> properties(t, "IntegrationRole").set("ManagedPolicyArns",
                JSON.createObjectNode().put("Ref", "CollectionPolicy"))),
                "Resources.IntegrationRole.Properties.ManagedPolicyArns: Ref does not yield a list of a string");
        assertProblem(customer(t -> properties(t, "IntegrationRole").putArray("Policies").addObject()
                .put("PolicyName", "inline")),
                "Resources.IntegrationRole.Properties.Policies[0]: required property PolicyDocument is missing");
        assertProblem(customer(t -> properties(t, "IntegrationRole").putArray("Tags").addObject().put("Name", "x")),
                "Resources.IntegrationRole.Properties.Tags[0]: expected a tag {Key, Value}");
        assertProblem(provider(t -> properties(t, "CallbackSubscription").remove("Protocol")),
                "Resources.CallbackSubscription.Properties: required property Protocol is missing");
        assertProblem(provider(t -> properties(t, "CallbackQueue").put("SqsManagedSseEnabled", "maybe")),
                "Resources.CallbackQueue.Properties.SqsManagedSseEnabled: expected a boolean");
        assertProblem(customer(t -> properties(t, "IntegrationNotification").remove("ServiceToken")),
                "Resources.IntegrationNotification: a custom resource needs a ServiceToken");
    }

    @Test
    void refsGetAttsAndSubPlaceholdersMustNameSomethingOfTheTemplate() throws Exception {
        assertProblem(customer(t -> ((ObjectNode) properties(t, "IntegrationRole").withArray("ManagedPolicyArns")
                .get(0)).put("Ref", "CollectionPolcy")),
                "Resources.IntegrationRole.Properties.ManagedPolicyArns[0]: Ref \"CollectionPolcy\" is no parameter");
        assertProblem(customer(t -> ((ArrayNode) t.at("/Outputs/RoleArn/Value/Fn::GetAtt")).set(1, "Arnn")),
                "Outputs.RoleArn.Value: Fn::GetAtt [\"IntegrationRole\",\"Arnn\"] names no attribute");
        assertProblem(provider(t -> ((ArrayNode) t.at(
                "/Resources/CallbackQueue/Properties/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt")).set(0, "Nope")),
                "Fn::GetAtt [\"Nope\",\"Arn\"] names no attribute of a resource of the template");
        assertProblem(customer(t -> ((ObjectNode) t.at("/Resources/IntegrationNotification/Properties/ServiceToken"))
                .put("Fn::Sub", "arn:${AWS::Partition}:sns:${AWS::Region}:${ProviderAccountId}:${ProviderTopic}")),
                "Fn::Sub placeholder ${ProviderTopic} names nothing of the template");
        assertProblem(customer(t -> resource(t, "IntegrationNotification").put("DependsOn", "IntegrationRoles")),
                "Resources.IntegrationNotification: DependsOn \"IntegrationRoles\" is not another resource");
        assertProblem(customer(t -> properties(t, "IntegrationRole").set("RoleName",
                JSON.createObjectNode().put("Fn::Concat", "x"))), "Fn::Concat is not an intrinsic function");
    }

    @Test
    void parametersSectionsAndTheConsoleInterfaceAreChecked() throws Exception {
        assertProblem(customer(t -> ((ObjectNode) t.at("/Parameters/RoleName")).put("Default", "no spaces allowed")),
                "Parameters.RoleName: Default 'no spaces allowed' does not match AllowedPattern");
        assertProblem(customer(t -> ((ObjectNode) t.at("/Parameters/RoleName")).put("Type", "Text")),
                "Parameters.RoleName: Type 'Text' is not a parameter type");
        assertProblem(customer(t -> ((ObjectNode) t.at("/Parameters/RoleName")).put("AllowedPatern", "x")),
                "Parameters.RoleName: unknown field AllowedPatern");
        assertProblem(provider(t -> ((ObjectNode) t.at("/Parameters/MaxReceiveCount")).put("Default", 5000)),
                "Parameters.MaxReceiveCount: Default 5000 is outside MinValue/MaxValue");
        assertProblem(customer(t -> ((ArrayNode) t.at("/Metadata/AWS::CloudFormation::Interface/ParameterGroups/1"
                + "/Parameters")).add("RoleNames")),
                "Metadata.AWS::CloudFormation::Interface: group parameter RoleNames is not declared");
        assertProblem(customer(t -> t.put("Resource", "typo")), "unknown top-level section Resource");
        assertProblem(customer(t -> t.put("AWSTemplateFormatVersion", "2024-01-01")),
                "AWSTemplateFormatVersion must be 2010-09-09");
    }

    private static void assertProblem(JsonNode broken, String expected) {
        List<String> problems = checker.check(broken);
        assertThat(problems).as("problems of the broken copy").anySatisfy(p -> assertThat(p).contains(expected));
    }

    private static ObjectNode customer(Consumer<ObjectNode> breakIt) throws Exception {
        return copy(TemplateCommand.Kind.customer, breakIt);
    }

    private static ObjectNode provider(Consumer<ObjectNode> breakIt) throws Exception {
        return copy(TemplateCommand.Kind.provider, breakIt);
    }

    private static ObjectNode copy(TemplateCommand.Kind kind, Consumer<ObjectNode> breakIt) throws Exception {
        ObjectNode template = (ObjectNode) JSON.readTree(TemplateCommand.text(kind));
        breakIt.accept(template);
        return template;
    }

    private static ObjectNode resource(ObjectNode template, String id) {
        return (ObjectNode) template.path("Resources").path(id);
    }

    private static ObjectNode properties(ObjectNode template, String id) {
        return (ObjectNode) resource(template, id).path("Properties");
    }
}
