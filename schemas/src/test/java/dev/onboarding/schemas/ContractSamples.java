package dev.onboarding.schemas;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.CollectionOutcome;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.DeniedJobType;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.JobCause;
import dev.onboarding.contract.KafkaHeader;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.OrganizationMember;
import dev.onboarding.contract.OrganizationMemberStatus;
import dev.onboarding.contract.OrganizationMemberSummary;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.contract.SqsSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One realistic value of every record type of the contract, with every optional field set, plus the
 * variants a round trip must cover (each union branch, optional fields left null). Instants are whole
 * milliseconds because the contract stores {@code timestamp-millis}.
 */
public final class ContractSamples {
    /** A fixed instant at millisecond precision. */
    public static final Instant T0 = Instant.ofEpochMilli(1_764_000_000_123L);
    private static final String EXTERNAL_ID = "onb-gezdgnbvgy3tqojqgezdgnbvgy3tqojq";
    private static final String STACK_ID =
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/onboarding/0f3e5c1a-7b2d-4a8e-9c41-2d3f4e5a6b7c";
    private static final String ORGANIZATION_ID = "o-a1b2c3d4e5";
    private static final String RESPONSE_URL =
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/"
            + "arn%3Aaws%3Acloudformation/req?X-Amz-Signature=abc";

    private ContractSamples() {
    }

    /** A requested integration with description, tags and an expected account. */
    public static IntegrationRequestEvent integrationRequested() {
        return IntegrationRequestEvent.newBuilder().setEvent(IntegrationRequested.newBuilder()
                .setIntegrationId("int-1")
                .setTenantId("tenant-7")
                .setExternalId(EXTERNAL_ID)
                .setRoleName("ProviderIntegrationRole")
                .setName("Production account")
                .setDescription("the main account")
                .setTags(Map.of("team", "platform", "env", "prod"))
                .setExpectedAccountId("123456789012")
                .setRequestedAt(T0)
                .setExpiresAt(T0.plusSeconds(86_400))
                .build()).build();
    }

    /** A requested organization integration: kind ORGANIZATION, its expected organization and OUs. */
    public static IntegrationRequestEvent organizationRequested() {
        IntegrationRequested requested = (IntegrationRequested) integrationRequested().getEvent();
        return IntegrationRequestEvent.newBuilder().setEvent(IntegrationRequested.newBuilder(requested)
                .setIntegrationId("org-1")
                .setName("Acme organization")
                .setExpectedAccountId(null)
                .setKind(IntegrationKind.ORGANIZATION)
                .setExpectedOrganizationId(ORGANIZATION_ID)
                .setOrganizationalUnitIds(List.of("ou-ab12-34cd56ef", "ou-ab12-78gh90ij"))
                .build()).build();
    }

    /** A cancelled integration (the other union branch). */
    public static IntegrationRequestEvent integrationCancelled() {
        return IntegrationRequestEvent.newBuilder().setEvent(IntegrationCancelled.newBuilder()
                .setIntegrationId("int-1")
                .setTenantId("tenant-7")
                .setExternalId(EXTERNAL_ID)
                .setReason("customer withdrew")
                .setCancelledAt(T0.plusSeconds(60))
                .build()).build();
    }

    /** An Update callback from an SNS envelope, verified, with every optional field set. */
    public static CfnCallback cfnCallback() {
        return CfnCallback.newBuilder()
                .setRequestType(RequestType.UPDATE)
                .setRequestId("c3b0a7a4-1f1e-4a43-9a8b-1b2c3d4e5f60")
                .setStackId(STACK_ID)
                .setAccountId("123456789012")
                .setRegion("eu-west-1")
                .setPartition("aws")
                .setLogicalResourceId("ProviderIntegration")
                .setResourceType("Custom::ProviderAWSIntegrationNotification")
                .setPhysicalResourceId("onboarding-int-1")
                .setExternalId(EXTERNAL_ID)
                .setRoleName("ProviderIntegrationRole")
                .setRoleArn("arn:aws:iam::123456789012:role/ProviderIntegrationRole")
                .setOldExternalId("onb-old")
                .setOldRoleName("OldRole")
                .setResponseUrl(RESPONSE_URL)
                .setSnsTopicArn("arn:aws:sns:eu-west-1:999999999999:onboarding")
                .setSnsMessageId("sns-1")
                .setSqsMessageId("sqs-1")
                .setSourceQueueRegion("eu-west-1")
                .setSentAt(T0)
                .setReceivedAt(T0.plusMillis(250))
                .setServiceTimeoutSeconds(900)
                .setRoleVerification(RoleVerification.newBuilder()
                        .setOutcome(RoleVerificationOutcome.VERIFIED)
                        .setErrorCode("AccessDenied")
                        .setErrorMessage("not yet propagated")
                        .setAttempts(2)
                        .setVerifiedAt(T0.plusSeconds(3))
                        .build())
                .setTemplateVersion("1.1.0")
                .build();
    }

    /** A Create callback straight from SQS: every optional field null, every defaulted field left at its default. */
    public static CfnCallback cfnCallbackMinimal() {
        return CfnCallback.newBuilder()
                .setRequestType(RequestType.CREATE)
                .setRequestId("req-2")
                .setStackId(STACK_ID)
                .setAccountId("123456789012")
                .setRegion("eu-west-1")
                .setLogicalResourceId("ProviderIntegration")
                .setResourceType("Custom::ProviderAWSIntegrationNotification")
                .setExternalId(EXTERNAL_ID)
                .setRoleName("ProviderIntegrationRole")
                .setRoleArn("arn:aws:iam::123456789012:role/ProviderIntegrationRole")
                .setResponseUrl(RESPONSE_URL)
                .setSourceQueueRegion("eu-west-1")
                .setSentAt(T0)
                .setReceivedAt(T0)
                .setRoleVerification(RoleVerification.newBuilder()
                        .setOutcome(RoleVerificationOutcome.NOT_REQUIRED)
                        .build())
                .build();
    }

    /** A FAILED answer on its second attempt, with data. */
    public static CfnResponse cfnResponse() {
        return CfnResponse.newBuilder()
                .setRequestId("req-1")
                .setResponseUrl(RESPONSE_URL)
                .setStatus(ResponseStatus.FAILED)
                .setReason("role could not be assumed")
                .setPhysicalResourceId("onboarding-int-1")
                .setStackId(STACK_ID)
                .setLogicalResourceId("ProviderIntegration")
                .setData(Map.of("IntegrationId", "int-1"))
                .setNoEcho(true)
                .setDeadline(T0.plusSeconds(3600))
                .setAttempt(1)
                .setNextAttemptAt(T0.plusSeconds(5))
                .setDecidedAt(T0)
                .setIntegrationId("int-1")
                .setLastError("HTTP 503")
                .build();
    }

    /** A connected integration with every optional field set. */
    public static Integration integration() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", "platform");
        return Integration.newBuilder()
                .setIntegrationId("int-1")
                .setTenantId("tenant-7")
                .setExternalId(EXTERNAL_ID)
                .setName("Production account")
                .setStatus(IntegrationStatus.CONNECTED)
                .setRoleName("ProviderIntegrationRole")
                .setExpectedAccountId("123456789012")
                .setAccountId("123456789012")
                .setRoleArn("arn:aws:iam::123456789012:role/ProviderIntegrationRole")
                .setRegion("eu-west-1")
                .setStackId(STACK_ID)
                .setLogicalResourceId("ProviderIntegration")
                .setPhysicalResourceId("onboarding-int-1")
                .setLastRequestId("req-1")
                .setLastFailureReason("earlier attempt denied")
                .setTags(tags)
                .setRequestedAt(T0)
                .setExpiresAt(T0.plusSeconds(86_400))
                .setConnectedAt(T0.plusSeconds(120))
                .setUpdatedAt(T0.plusSeconds(120))
                .setVersion(3)
                .setTemplateVersion("1.1.0")
                .setHealth(IntegrationHealth.newBuilder()
                        .setStatus(HealthStatus.DEGRADED)
                        .setReason("collection of AWS::EC2::Instance is denied ec2:DescribeInstances")
                        .setDeniedJobTypes(List.of(DeniedJobType.newBuilder()
                                .setResourceType("AWS::EC2::Instance")
                                .setAction("ec2:DescribeInstances")
                                .setGrantedByTemplate(true)
                                .setDeniedAt(T0.plusSeconds(600))
                                .build()))
                        .setSince(T0.plusSeconds(600))
                        .setLastCheckedAt(T0.plusSeconds(600))
                        .build())
                .build();
    }

    /** An organization integration, still accepting members: one connected, one failed, one pending. */
    public static Integration organizationIntegration() {
        return Integration.newBuilder(integration())
                .setIntegrationId("org-1")
                .setName("Acme organization")
                .setStatus(IntegrationStatus.PENDING)
                .setExpectedAccountId(null)
                .setAccountId(null)
                .setRoleArn(null)
                .setStackId(null)
                .setConnectedAt(null)
                .setHealth(null)
                .setKind(IntegrationKind.ORGANIZATION)
                .setExpectedOrganizationId(ORGANIZATION_ID)
                .setOrganizationalUnitIds(List.of("ou-ab12-34cd56ef"))
                .setMembers(List.of(
                        member("123456789012", "int-1", OrganizationMemberStatus.CONNECTED, null),
                        member("210987654321", "org-1-210987654321", OrganizationMemberStatus.FAILED,
                                "the account is not a member of the expected organization"),
                        member("345678901234", "org-1-345678901234", OrganizationMemberStatus.PENDING, null)))
                .setMemberSummary(OrganizationMemberSummary.newBuilder().setConnected(1).setFailed(1).setPending(1)
                        .build())
                .build();
    }

    /** A member account's own integration, linked to its organization integration. */
    public static Integration memberIntegration() {
        return Integration.newBuilder(integration())
                .setIntegrationId("org-1-123456789012")
                .setExpectedOrganizationId(ORGANIZATION_ID)
                .setOrganizationIntegrationId("org-1")
                .build();
    }

    private static OrganizationMember member(String account, String integrationId, OrganizationMemberStatus status,
            String reason) {
        return OrganizationMember.newBuilder().setAccountId(account).setIntegrationId(integrationId).setStatus(status)
                .setReason(reason).setUpdatedAt(T0.plusSeconds(60)).build();
    }

    /** An initial collection job. */
    public static CollectionJob collectionJob() {
        return CollectionJob.newBuilder()
                .setJobId("int-1/AWS::EC2::Instance/eu-west-1/2025-11-24T16:00Z")
                .setIntegrationId("int-1")
                .setTenantId("tenant-7")
                .setAccountId("123456789012")
                .setRoleArn("arn:aws:iam::123456789012:role/ProviderIntegrationRole")
                .setExternalId(EXTERNAL_ID)
                .setRegion("eu-west-1")
                .setService("ec2")
                .setResourceType("AWS::EC2::Instance")
                .setScheduledFor(T0)
                .setDeadline(T0.plusSeconds(900))
                .setCause(JobCause.INITIAL)
                .build();
    }

    /** A collector's report of a denied job, with every optional field set. */
    public static CollectionResult collectionResultDenied() {
        return CollectionResult.newBuilder()
                .setJobId("int-1/AWS::EC2::Instance/eu-west-1/2025-11-24T16:00Z")
                .setIntegrationId("int-1")
                .setResourceType("AWS::EC2::Instance")
                .setRegion("eu-west-1")
                .setOutcome(CollectionOutcome.ACCESS_DENIED)
                .setAction("ec2:DescribeInstances")
                .setErrorCode("AccessDenied")
                .setMessage("explicit deny in a service control policy")
                .setFinishedAt(T0.plusSeconds(30))
                .setCollector("inventory-collector-2")
                .build();
    }

    /** A collector's report of a collected job: optional fields null, defaulted ones at their default. */
    public static CollectionResult collectionResultOk() {
        return CollectionResult.newBuilder()
                .setJobId("int-1/AWS::IAM::Role/global/2025-11-24T16:00Z")
                .setIntegrationId("int-1")
                .setResourceType("AWS::IAM::Role")
                .setOutcome(CollectionOutcome.OK)
                .setFinishedAt(T0.plusSeconds(31))
                .build();
    }

    /** A dead letter from SQS (first union branch). */
    public static DeadLetter deadLetterFromSqs() {
        return DeadLetter.newBuilder()
                .setReasonCode("MALFORMED_JSON")
                .setReason("Unexpected character '}' at 1:17")
                .setOriginalKey(null)
                .setOriginalValue(bytes("{\"Type\": \"Notif}"))
                .setSource(SqsSource.newBuilder()
                        .setQueueRegion("eu-west-1")
                        .setQueueUrl("https://sqs.eu-west-1.amazonaws.com/999999999999/onboarding")
                        .setMessageId("sqs-9")
                        .setReceiveCount(5)
                        .setSentAt(T0)
                        .build())
                .setDeadLetteredAt(T0.plusSeconds(1))
                .setApplication("bridge")
                .build();
    }

    /** A dead letter from Kafka with headers (second union branch). */
    public static DeadLetter deadLetterFromKafka() {
        return DeadLetter.newBuilder()
                .setReasonCode("UNREADABLE_RECORD")
                .setReason("unknown magic byte 0x7b")
                .setOriginalKey(bytes("int-1"))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0x7b, 0x00, (byte) 0xff}))
                .setSource(KafkaSource.newBuilder()
                        .setTopic("onboarding.integration-requests")
                        .setPartition(4)
                        .setOffset(1_234_567_890_123L)
                        .setHeaders(List.of(
                                KafkaHeader.newBuilder().setKey("trace").setValue(bytes("abc")).build(),
                                KafkaHeader.newBuilder().setKey("empty").setValue(null).build()))
                        .setTimestamp(T0)
                        .build())
                .setDeadLetteredAt(T0.plusSeconds(2))
                .setApplication(null)
                .build();
    }

    /** A connect-time verification request for a Create. */
    public static RoleVerificationRequest roleVerificationRequest() {
        return RoleVerificationRequest.newBuilder()
                .setVerificationId("req-1")
                .setChecks(RoleCheckKind.FULL)
                .setIntegrationId("int-1")
                .setTenantId("tenant-7")
                .setExternalId(EXTERNAL_ID)
                .setAccountId("123456789012")
                .setPartition("aws")
                .setRoleArn("arn:aws:iam::123456789012:role/ProviderIntegrationRole")
                .setRequestId("req-1")
                .setRequestedAt(T0)
                .setDeadline(T0.plusSeconds(3600))
                .build();
    }

    /** A role that trusts the provider without an external ID, as the verifier reports it. */
    public static RoleVerificationResult roleVerificationResult() {
        return RoleVerificationResult.newBuilder()
                .setVerificationId("req-1")
                .setChecks(RoleCheckKind.FULL)
                .setIntegrationId("int-1")
                .setExternalId(EXTERNAL_ID)
                .setRoleArn("arn:aws:iam::123456789012:role/ProviderIntegrationRole")
                .setRequestId("req-1")
                .setVerification(RoleVerification.newBuilder()
                        .setOutcome(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID)
                        .setErrorCode("AssumedWithoutExternalId")
                        .setErrorMessage("AssumeRole without an ExternalId succeeded")
                        .setAttempts(2)
                        .setVerifiedAt(T0.plusSeconds(1))
                        .build())
                .build();
    }

    /** Every sample, labelled, covering every record type and every union branch. */
    public static Map<String, SpecificRecord> all() {
        Map<String, SpecificRecord> all = new LinkedHashMap<>();
        all.put("IntegrationRequestEvent(IntegrationRequested)", integrationRequested());
        all.put("IntegrationRequestEvent(IntegrationRequested ORGANIZATION)", organizationRequested());
        all.put("IntegrationRequestEvent(IntegrationCancelled)", integrationCancelled());
        all.put("CfnCallback(all fields)", cfnCallback());
        all.put("CfnCallback(optionals null)", cfnCallbackMinimal());
        all.put("CfnResponse", cfnResponse());
        all.put("Integration", integration());
        all.put("Integration(ORGANIZATION with members)", organizationIntegration());
        all.put("Integration(organization member)", memberIntegration());
        all.put("CollectionJob", collectionJob());
        all.put("CollectionResult(ACCESS_DENIED)", collectionResultDenied());
        all.put("CollectionResult(OK)", collectionResultOk());
        all.put("DeadLetter(SqsSource)", deadLetterFromSqs());
        all.put("DeadLetter(KafkaSource)", deadLetterFromKafka());
        all.put("RoleVerificationRequest", roleVerificationRequest());
        all.put("RoleVerificationResult", roleVerificationResult());
        return all;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
