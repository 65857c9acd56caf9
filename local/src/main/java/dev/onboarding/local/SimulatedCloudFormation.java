package dev.onboarding.local;

import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.requests.RequestConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * CloudFormation and the customer's account, as the local stack needs them: creates the stack's IAM role in the
 * STS stand-in, publishes the custom-resource request as SNS would deliver it to the provider's regional queue
 * (with a ResponseURL on the S3 stand-in), and reads back the answer CloudFormation would see.
 */
final class SimulatedCloudFormation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCloudFormation.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    /**
     * A request now on the provider's queue.
     *
     * @param requestId the request's RequestId
     * @param stackId the stack's ARN
     * @param messageId the SQS message id
     * @param physicalId the PhysicalResourceId sent (Update and Delete)
     * @param sentAt when it was sent
     */
    record Launched(String requestId, String stackId, String messageId, Optional<String> physicalId,
            Instant sentAt) {
    }

    private final EndpointsFile endpoints;
    private final StandInControl standIns;
    private final Clock clock;
    private final Map<String, SqsClient> clients = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** CloudFormation for the local stack at {@code endpoints}. */
    SimulatedCloudFormation(EndpointsFile endpoints, Clock clock) {
        this.endpoints = endpoints;
        this.standIns = new StandInControl(endpoints.stsEndpoint(), endpoints.s3ResponseEndpoint());
        this.clock = clock;
    }

    /** Creates the role (unless told not to) and publishes the request to the region's queue. */
    Launched launch(StackLaunch launch) {
        String queueUrl = endpoints.queueUrl(launch.region());
        String stackId = launch.stackId().orElseGet(() -> newStackId(launch.region(), launch.account()));
        Optional<String> physicalId = launch.type() == StackLaunch.Type.Create ? Optional.empty()
                : Optional.of(launch.physicalId().orElseGet(() -> lastAnswerForStack(stackId)
                        .map(CloudFormationAnswer::physicalResourceId).filter(id -> !id.isEmpty())
                        .orElseThrow(() -> new IllegalArgumentException(launch.type() + " carries the "
                                + "PhysicalResourceId of the stack's earlier answer: pass --physical-id, or "
                                + "--stack-id of a stack whose Create was answered"))));
        if (launch.trustWithoutExternalId()) {
            standIns.trustRole(launch.roleArn(), "None", null);
        } else if (launch.createRole()) {
            standIns.trustRole(launch.roleArn(), launch.trustExternalId().orElse(launch.externalId()));
        }
        String requestId = UUID.randomUUID().toString();
        String serviceToken = "arn:aws:sns:" + launch.region() + ":" + LocalEnvironment.PROVIDER_ACCOUNT + ":"
                + RequestConfig.DEFAULT_TOPIC_NAME;
        Map<String, String> properties = properties(serviceToken, launch.externalId(), launch.roleName(),
                launch.templateVersion());
        Optional<Map<String, String>> oldProperties = launch.type() != StackLaunch.Type.Update ? Optional.empty()
                : Optional.of(properties(serviceToken, launch.oldExternalId().orElse(launch.externalId()),
                        launch.oldRoleName().orElse(launch.roleName()),
                        launch.oldTemplateVersion().or(launch::templateVersion)));
        CustomResourceRequest request = new CustomResourceRequest(launch.type().name(), serviceToken,
                responseUrl(launch.region(), stackId, requestId), stackId, requestId,
                CustomResourceRequest.LOGICAL_RESOURCE_ID, CustomResourceRequest.RESOURCE_TYPE, properties,
                physicalId, oldProperties);
        Instant now = clock.instant();
        SnsEnvelope envelope = SnsEnvelope.wrap(launch.region(), serviceToken, request.toJson(), now);
        String messageId = client(launch.region())
                .sendMessage(b -> b.queueUrl(queueUrl).messageBody(envelope.json())).messageId();
        LOG.info("sent {} request {} for stack {} (external ID {}) to the {} queue", launch.type(), requestId,
                stackId, ExternalIds.redact(launch.externalId()), launch.region());
        return new Launched(requestId, stackId, messageId, physicalId, now);
    }

    /** The first answer to {@code requestId} that reached CloudFormation (S3 answered 2xx), if any. */
    Optional<CloudFormationAnswer> answerTo(String requestId) {
        return standIns.responsesContaining(requestId).stream()
                .filter(r -> "PUT".equals(r.method()) && r.delivered())
                .findFirst()
                .map(r -> CloudFormationAnswer.parse(r.body(), r.receivedAt()));
    }

    /** Waits up to {@code timeout} for the first answer to {@code requestId}. */
    Optional<CloudFormationAnswer> awaitAnswer(String requestId, Duration timeout) {
        return Polling.until(timeout, POLL_INTERVAL, () -> answerTo(requestId));
    }

    /** The latest answer about any request of {@code stackId}, if any. */
    Optional<CloudFormationAnswer> lastAnswerForStack(String stackId) {
        List<StandInControl.ReceivedRequest> answers = standIns.responsesContaining(stackId + "|").stream()
                .filter(r -> "PUT".equals(r.method()) && r.delivered()).toList();
        return answers.isEmpty() ? Optional.empty()
                : Optional.of(CloudFormationAnswer.parse(answers.get(answers.size() - 1).body(),
                        answers.get(answers.size() - 1).receivedAt()));
    }

    /**
     * The StackId of the latest answered stack whose id contains {@code stackIdPart} (a member's stack instance of a
     * StackSet, found by its account and the StackSet's name), if any.
     */
    Optional<String> lastAnsweredStack(String stackIdPart) {
        List<StandInControl.ReceivedRequest> answers = standIns.responsesContaining(stackIdPart).stream()
                .filter(r -> "PUT".equals(r.method()) && r.delivered()).toList();
        for (int i = answers.size() - 1; i >= 0; i--) {
            Optional<String> stackId = CloudFormationAnswer.stackIdOf(answers.get(i).body());
            if (stackId.filter(id -> id.contains(stackIdPart)).isPresent()) {
                return stackId;
            }
        }
        return Optional.empty();
    }

    /** Puts {@code accountId} in organization {@code organizationId} in the Organizations stand-in. */
    void joinOrganization(String accountId, String organizationId) {
        standIns.joinOrganization(accountId, organizationId);
    }

    /**
     * A pre-signed-looking URL on the S3 stand-in, shaped like CloudFormation's (and like the stand-in's own
     * {@code responseUrlFor}): the region's response bucket, the stack, logical id and request id as the key,
     * and X-Amz-* parameters. The stand-in does not check the signature.
     */
    String responseUrl(String region, String stackId, String requestId) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return S3ResponseStandIn.responseUrl(endpoints.s3ResponseEndpoint().toString(), key, clock.instant(), region,
                stackId, CustomResourceRequest.LOGICAL_RESOURCE_ID, requestId);
    }

    private static Map<String, String> properties(String serviceToken, String externalId, String roleName,
            Optional<String> templateVersion) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("ServiceToken", serviceToken);
        properties.put("ExternalID", externalId);
        properties.put("RoleName", roleName);
        templateVersion.ifPresent(version -> properties.put("TemplateVersion", version));
        return properties;
    }

    private String newStackId(String region, String account) {
        String suffix = UUID.randomUUID().toString();
        return "arn:aws:cloudformation:" + region + ":" + account + ":stack/onboarding-integration-"
                + suffix.substring(0, 8) + "/" + suffix;
    }

    private SqsClient client(String region) {
        return clients.computeIfAbsent(region, r -> SqsClient.builder()
                .endpointOverride(endpoints.sqsEndpoint(r))
                .region(Region.of(r))
                // The local queues accept any credentials; never pick up the user's real ones.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(ApacheHttpClient.builder().build())
                .build());
    }

    @Override
    public void close() {
        clients.values().forEach(SqsClient::close);
        clients.clear();
    }
}
