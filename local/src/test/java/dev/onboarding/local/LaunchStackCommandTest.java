package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.cli.TemplateCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** {@code simulate launch-stack} against SQS and the stand-ins, with the test playing the bridge. */
class LaunchStackCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";

    private static StandInStack stack;
    private static SqsClient sqs;
    private static StsClient sts;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        stack = new StandInStack();
        sqs = stack.sqs.newClient();
        sts = StsClient.builder().endpointOverride(stack.sts.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("provider", "x")))
                .httpClient(ApacheHttpClient.builder().build()).build();
    }

    @AfterAll
    static void stop() {
        sts.close();
        sqs.close();
        stack.close();
    }

    @Test
    void createPutsAnSnsEnvelopedRequestOnTheRegionsQueueAndCreatesTheRole() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun run = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-create-test-1", "--account", ACCOUNT, "--region", StandInStack.REGION,
                "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = JSON.readTree(run.out());
        assertThat(fieldNames(result)).containsExactly("requestId", "stackId", "messageId");
        Message message = receiveOne(endpoints.queueUrl());
        assertThat(message.messageId()).isEqualTo(result.get("messageId").asText());

        JsonNode envelope = JSON.readTree(message.body());
        assertThat(envelope.get("Type").asText()).isEqualTo("Notification");
        assertThat(envelope.get("TopicArn").asText()).isEqualTo("arn:aws:sns:us-east-1:111122223333:onboarding-callbacks");
        assertThat(envelope.get("Subject").asText()).isEqualTo("AWS CloudFormation custom resource request");
        assertThat(envelope.get("SignatureVersion").asText()).isEqualTo("1");
        assertThat(Base64.getDecoder().decode(envelope.get("Signature").asText())).isNotEmpty();
        assertThat(envelope.get("SigningCertURL").asText()).startsWith("https://sns.us-east-1.amazonaws.com/");
        assertThat(envelope.get("MessageId").asText()).isNotBlank();
        assertThat(envelope.get("Timestamp").asText()).endsWith("Z");
        assertThat(envelope.get("Message").isTextual()).isTrue();

        JsonNode request = JSON.readTree(envelope.get("Message").asText());
        assertThat(request.get("RequestType").asText()).isEqualTo("Create");
        assertThat(request.get("RequestId").asText()).isEqualTo(result.get("requestId").asText());
        assertThat(request.get("StackId").asText()).isEqualTo(result.get("stackId").asText())
                .matches("arn:aws:cloudformation:us-east-1:123456789012:stack/[\\w-]+/[0-9a-f-]{36}");
        assertThat(request.get("LogicalResourceId").asText()).isEqualTo("IntegrationNotification");
        assertThat(request.get("ResourceType").asText()).isEqualTo("Custom::OnboardingAWSIntegrationNotification");
        assertThat(request.get("ServiceToken").asText()).isEqualTo(envelope.get("TopicArn").asText());
        assertThat(request.get("ResourceProperties").get("ServiceToken").asText())
                .isEqualTo(envelope.get("TopicArn").asText());
        assertThat(request.get("ResourceProperties").get("ExternalID").asText()).isEqualTo("onb-create-test-1");
        assertThat(request.get("ResourceProperties").get("RoleName").asText()).isEqualTo("OnboardingIntegrationRole");
        assertThat(request.get("ResourceProperties").get("TemplateVersion").asText())
                .as("the shipped customer template's version").isEqualTo(TemplateCommand.customerTemplateVersion());
        assertThat(request.has("PhysicalResourceId")).isFalse();
        assertThat(request.has("OldResourceProperties")).isFalse();
        String responseUrl = request.get("ResponseURL").asText();
        assertThat(responseUrl).startsWith(stack.s3.origin() + "/cloudformation-custom-resource-response-useast1/")
                .contains("X-Amz-Signature=");
        assertThat(ResponseUrlPolicy.withLocalOrigin(stack.s3.origin()).check(responseUrl, "us-east-1").allowed())
                .as("the bridge admits the ResponseURL").isTrue();

        String role = "arn:aws:iam::123456789012:role/OnboardingIntegrationRole";
        assertThat(assume(role, "onb-create-test-1")).isTrue();
        assertThat(assume(role, "someone-else")).isFalse();
    }

    @Test
    void noRoleAndTrustExternalIdShapeTheRoleInTheStsStandIn() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        assertThat(CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-no-role", "--account", "210987654321", "--region", "us-east-1",
                "--role-name", "NoRole", "--no-role").exitCode()).isZero();
        assertThat(CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-asked-for", "--account", "210987654321", "--region", "us-east-1",
                "--role-name", "OtherTrust", "--trust-external-id", "onb-trusted-instead").exitCode()).isZero();

        assertThat(assume("arn:aws:iam::210987654321:role/NoRole", "onb-no-role")).isFalse();
        assertThat(assume("arn:aws:iam::210987654321:role/OtherTrust", "onb-asked-for")).isFalse();
        assertThat(assume("arn:aws:iam::210987654321:role/OtherTrust", "onb-trusted-instead")).isTrue();
        assertThat(receiveOne(endpoints.queueUrl())).isNotNull();
        assertThat(receiveOne(endpoints.queueUrl())).isNotNull();
    }

    @Test
    void trustWithoutExternalIdMakesARoleAnyCallerOfTheProviderMayAssume() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun run = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-open-role", "--account", "210987654321", "--region", "us-east-1",
                "--role-name", "OpenTrust", "--trust-without-external-id");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("trusts the provider without any external ID");
        assertThat(assume("arn:aws:iam::210987654321:role/OpenTrust", "onb-open-role")).isTrue();
        assertThat(assume("arn:aws:iam::210987654321:role/OpenTrust", "onb-anything-else")).isTrue();
        assertThat(assume("arn:aws:iam::210987654321:role/OpenTrust", null)).isTrue();
        assertThat(receiveOne(endpoints.queueUrl())).isNotNull();
        assertThat(CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-open-role", "--account", "210987654321", "--region", "us-east-1",
                "--trust-without-external-id", "--no-role").exitCode()).isNotZero();
    }

    @Test
    void waitShowsWhatCloudFormationSeesAndLaterRequestsReuseTheStack() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);
        CompletableFuture<CommandRun> create = CompletableFuture.supplyAsync(() -> CommandRun.of("simulate",
                "launch-stack", "--endpoints-file", endpoints.file().toString(), "--external-id", "onb-wait-1",
                "--account", ACCOUNT, "--region", "us-east-1", "--wait", "--timeout", "60", "--json"));

        JsonNode request = requestIn(receiveOne(endpoints.queueUrl()));
        answer(request, "{\"Status\":\"SUCCESS\",\"PhysicalResourceId\":\"int-phys-1\",\"RequestId\":\""
                + request.get("RequestId").asText() + "\",\"Data\":{\"IntegrationId\":\"int-1\"}}");
        CommandRun created = create.get(90, TimeUnit.SECONDS);

        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode result = JSON.readTree(created.out());
        assertThat(fieldNames(result)).containsExactly("requestId", "stackId", "status", "reason",
                "physicalResourceId", "data");
        assertThat(result.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(result.get("physicalResourceId").asText()).isEqualTo("int-phys-1");
        assertThat(result.get("data").get("IntegrationId").asText()).isEqualTo("int-1");
        String stackId = result.get("stackId").asText();

        // An Update of the same stack: PhysicalResourceId from the earlier answer, old properties as given.
        CommandRun update = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-wait-1", "--account", ACCOUNT, "--region", "us-east-1", "--request-type",
                "update", "--stack-id", stackId, "--role-name", "RenamedRole", "--old-role-name",
                "OnboardingIntegrationRole");
        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.out()).contains("Update request").contains("int-phys-1");
        JsonNode updated = requestIn(receiveOne(endpoints.queueUrl()));
        assertThat(updated.get("RequestType").asText()).isEqualTo("Update");
        assertThat(updated.get("StackId").asText()).isEqualTo(stackId);
        assertThat(updated.get("PhysicalResourceId").asText()).isEqualTo("int-phys-1");
        assertThat(updated.get("ResourceProperties").get("RoleName").asText()).isEqualTo("RenamedRole");
        assertThat(updated.get("OldResourceProperties").get("RoleName").asText()).isEqualTo("OnboardingIntegrationRole");
        assertThat(updated.get("OldResourceProperties").get("ExternalID").asText()).isEqualTo("onb-wait-1");

        // A Delete with an explicit physical id, answered FAILED: still an answer, exit 0.
        CompletableFuture<CommandRun> delete = CompletableFuture.supplyAsync(() -> CommandRun.of("simulate",
                "launch-stack", "--endpoints-file", endpoints.file().toString(), "--external-id", "onb-wait-1",
                "--account", ACCOUNT, "--region", "us-east-1", "--request-type", "Delete", "--stack-id", stackId,
                "--physical-id", "explicit-id", "--wait", "--timeout", "60"));
        JsonNode deleteRequest = requestIn(receiveOne(endpoints.queueUrl()));
        assertThat(deleteRequest.get("PhysicalResourceId").asText()).isEqualTo("explicit-id");
        answer(deleteRequest, "{\"Status\":\"FAILED\",\"Reason\":\"not today\",\"PhysicalResourceId\":\"explicit-id\"}");
        CommandRun deleted = delete.get(90, TimeUnit.SECONDS);
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("CloudFormation sees: FAILED \"not today\"");
    }

    @Test
    void anUpdateCanMoveTheStackToAnotherTemplateVersion() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun run = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-upgrade", "--account", ACCOUNT, "--region", "us-east-1", "--request-type",
                "Update", "--stack-id", "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1", "--physical-id",
                "int-9", "--no-role", "--template-version", "2.0.0", "--old-template-version", "1.1.0");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("  template      2.0.0 (was 1.1.0)");
        JsonNode request = requestIn(receiveOne(endpoints.queueUrl()));
        assertThat(request.get("ResourceProperties").get("TemplateVersion").asText()).isEqualTo("2.0.0");
        assertThat(request.get("OldResourceProperties").get("TemplateVersion").asText()).isEqualTo("1.1.0");
        assertThat(request.get("OldResourceProperties").get("RoleName").asText())
                .isEqualTo(request.get("ResourceProperties").get("RoleName").asText());
    }

    @Test
    void waitExitsTwoWhenNoAnswerComesInTime() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun run = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-nobody-answers", "--account", ACCOUNT, "--region", "us-east-1", "--wait",
                "--timeout", "1", "--json");

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode result = JSON.readTree(run.out());
        assertThat(result.get("status").isNull()).isTrue();
        assertThat(result.get("reason").asText()).contains("no answer within 1 s");
        assertThat(run.err()).contains("no answer to request " + result.get("requestId").asText());
    }

    @Test
    void updateWithoutAnyEarlierAnswerIsOneClearLine() {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun run = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-x", "--account", ACCOUNT, "--region", "us-east-1", "--request-type", "Delete");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: Delete carries the PhysicalResourceId").doesNotContain("\n");
    }

    @Test
    void unknownRegionAndMissingFileAreOneClearLine() {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun region = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints.file().toString(),
                "--external-id", "onb-x", "--account", ACCOUNT, "--region", "eu-central-1");
        CommandRun file = CommandRun.of("simulate", "launch-stack", "--endpoints-file",
                dir.resolve("nothing-here.properties").toString(), "--external-id", "onb-x", "--account", ACCOUNT,
                "--region", "us-east-1");

        assertThat(region.exitCode()).isEqualTo(1);
        assertThat(region.err().strip()).startsWith("error: region eu-central-1 has no queue").contains("us-east-1")
                .doesNotContain("\n");
        assertThat(file.exitCode()).isEqualTo(1);
        assertThat(file.err().strip()).contains("nothing-here.properties does not exist")
                .contains("onboarding local").doesNotContain("\n");
    }

    private JsonNode requestIn(Message message) throws Exception {
        return JSON.readTree(JSON.readTree(message.body()).get("Message").asText());
    }

    /** What the bridge does: PUT the answer to the ResponseURL, with no Content-Type. */
    private void answer(JsonNode request, String body) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(request.get("ResponseURL").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private static Message receiveOne(String queueUrl) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(2))
                    .messages();
            if (!messages.isEmpty()) {
                Message m = messages.get(0);
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                return m;
            }
        }
        throw new AssertionError("no message on " + queueUrl + " within 60 s");
    }

    private static boolean assume(String roleArn, String externalId) {
        try {
            sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("cli-test").externalId(externalId));
            return true;
        } catch (StsException e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            return false;
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
