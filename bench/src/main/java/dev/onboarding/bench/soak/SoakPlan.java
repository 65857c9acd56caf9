package dev.onboarding.bench.soak;

import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.schemas.ExternalIds;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The soak's workload, decided up front from a seed, with what every part of it must end as. Of every 100 SQS
 * messages about: 56 valid Creates, 10 Deletes of connected stacks, 8 SNS redeliveries of a Create, 6 Creates
 * with an unknown external ID, 5 second Creates for an account the tenant already connected, 5 rollback Deletes
 * after those were refused, 5 malformed bodies and 5 Creates with a forged ResponseURL. Among the valid Creates, an
 * organization's members (a fifth of the requests, at most {@value #ORGANIZATION_MEMBERS}): one ORGANIZATION
 * request whose shared external ID each member account's stack instance sends in its own Create, each member in the
 * expected organization as the Organizations stand-in answers it, each connected as an integration of its own.
 */
final class SoakPlan {
    /** The members of the soak's organization, when the requests allow (a fifth of them at most). */
    static final int ORGANIZATION_MEMBERS = 200;

    /** What a message is. */
    enum Kind {
        CREATE, REDELIVERY, DELETE, UNKNOWN_EXTERNAL_ID, DUPLICATE_ACCOUNT, ROLLBACK_DELETE, MALFORMED, FORGED_URL,
        ORGANIZATION_MEMBER
    }

    /**
     * A member account of the soak's organization, as the Organizations stand-in must answer for it.
     *
     * @param accountId      the account
     * @param organizationId its organization
     */
    record OrganizationMember(String accountId, String organizationId) {
    }

    /**
     * One SQS message.
     *
     * @param kind      what it is
     * @param region    the queue it goes to
     * @param body      the body
     * @param requestId its RequestId, null when it carries none
     */
    record Message(Kind kind, String region, String body, String requestId) {
    }

    /**
     * A message sent only once CloudFormation saw the answer to another request (a Delete after its stack's
     * Create succeeded, a rollback Delete after a refused Create).
     *
     * @param message      the message
     * @param after        the RequestId whose delivered answer releases it
     * @param afterStatus  the status that answer must have; any other leaves the message unsent
     */
    record Dependent(Message message, String after, String afterStatus) {
    }

    /**
     * The one decision a request must get.
     *
     * @param kind           what the request was
     * @param status         SUCCESS or FAILED
     * @param physicalId     the PhysicalResourceId the answer must carry
     * @param reasonContains text the reason must contain (empty: anything)
     */
    record ExpectedAnswer(Kind kind, String status, String physicalId, String reasonContains) {
    }

    /**
     * A body the bridge must dead-letter.
     *
     * @param kind       MALFORMED or FORGED_URL
     * @param body       the body, byte for byte
     * @param reasonCode the reason code the dead letter must carry
     */
    record ExpectedDeadLetter(Kind kind, String body, String reasonCode) {
    }

    /**
     * An integration and the state it must end in.
     *
     * @param integrationId the id
     * @param status        CONNECTED, DISCONNECTED or PENDING
     * @param connects      whether it is connected at some point (so it must get its initial jobs)
     */
    record ExpectedIntegration(String integrationId, String status, boolean connects) {
    }

    /**
     * A customer's role and the one external ID it trusts the provider with.
     *
     * @param roleArn    the role
     * @param externalId the external ID
     */
    record TrustedRole(String roleArn, String externalId) {
    }

    private final List<IntegrationRequested> requests = new ArrayList<>();
    private final List<TrustedRole> trustedRoles = new ArrayList<>();
    private final List<OrganizationMember> organizationMembers = new ArrayList<>();
    private final List<Message> independent = new ArrayList<>();
    private final List<Dependent> dependents = new ArrayList<>();
    private final Map<String, ExpectedAnswer> answers = new HashMap<>();
    private final List<ExpectedDeadLetter> deadLetters = new ArrayList<>();
    private final Map<String, ExpectedIntegration> integrations = new LinkedHashMap<>();
    private final Map<Kind, Integer> counts = new LinkedHashMap<>();

    private SoakPlan() {
    }

    /** The workload of {@code options}, with ResponseURLs built by {@code bodies}. */
    static SoakPlan of(SoakOptions options, CustomResourceBodies bodies, String attackerOrigin) {
        SoakPlan plan = new SoakPlan();
        plan.build(options, bodies, attackerOrigin);
        return plan;
    }

    private void build(SoakOptions options, CustomResourceBodies bodies, String attackerOrigin) {
        int n = options.requests();
        int deletes = n * 10 / 100;
        int duplicates = n * 5 / 100;
        int redeliveries = n * 8 / 100;
        int unknown = n * 6 / 100;
        int malformed = n * 5 / 100;
        int forged = n * 5 / 100;
        int members = Math.min(ORGANIZATION_MEMBERS, n / 5);
        int creates = n - deletes - 2 * duplicates - redeliveries - unknown - malformed - forged - members;
        Random random = new Random(options.seed());
        ExternalIds externalIds = new ExternalIds(seeded(random));
        List<String> regions = options.regions();
        Instant now = Instant.now();
        String run = Long.toString(options.seed(), 36) + "-" + Long.toString(now.toEpochMilli() % 1_000_000, 36);

        // Valid Creates; the first ones are later deleted, the next ones get a second Create for the same account.
        List<Message> validCreates = new ArrayList<>();
        for (int i = 0; i < creates; i++) {
            String region = regions.get(i % regions.size());
            String tenant = "soak-tenant-" + run + "-" + i;
            String integrationId = "soak-" + run + "-" + i;
            String externalId = externalIds.mint();
            String account = String.format("%012d", 300_000_000_000L + options.seed() % 1000 * 100_000 + i);
            String role = "ProviderReadOnly";
            requests.add(requested(integrationId, tenant, externalId, role, now));
            trustedRoles.add(new TrustedRole(roleArn(account, role), externalId));
            String stackId = CustomResourceBodies.stackId(region, account);
            String requestId = UUID.randomUUID().toString();
            Message create = new Message(Kind.CREATE, region, bodies.request("Create", region, stackId, requestId,
                    null, externalId, role, bodies.responseUrl(region, stackId, requestId)), requestId);
            validCreates.add(create);
            independent.add(create);
            answers.put(requestId, new ExpectedAnswer(Kind.CREATE, "SUCCESS", integrationId, ""));
            boolean deleted = i < deletes;
            integrations.put(integrationId, new ExpectedIntegration(integrationId,
                    deleted ? "DISCONNECTED" : "CONNECTED", true));
            if (deleted) {
                String deleteId = UUID.randomUUID().toString();
                dependents.add(new Dependent(new Message(Kind.DELETE, region, bodies.request("Delete", region,
                        stackId, deleteId, integrationId, externalId, role,
                        bodies.responseUrl(region, stackId, deleteId)), deleteId), requestId, "SUCCESS"));
                answers.put(deleteId, new ExpectedAnswer(Kind.DELETE, "SUCCESS", integrationId, ""));
            } else if (i < deletes + duplicates) {
                // The same tenant connects the same account again, through a new integration and stack.
                String secondId = integrationId + "-again";
                String secondExternalId = externalIds.mint();
                String secondRole = "ProviderReadOnlyAgain";
                requests.add(requested(secondId, tenant, secondExternalId, secondRole, now));
                trustedRoles.add(new TrustedRole(roleArn(account, secondRole), secondExternalId));
                String secondStack = CustomResourceBodies.stackId(region, account);
                String duplicateId = UUID.randomUUID().toString();
                dependents.add(new Dependent(new Message(Kind.DUPLICATE_ACCOUNT, region, bodies.request("Create",
                        region, secondStack, duplicateId, null, secondExternalId, secondRole,
                        bodies.responseUrl(region, secondStack, duplicateId)), duplicateId), requestId, "SUCCESS"));
                answers.put(duplicateId, new ExpectedAnswer(Kind.DUPLICATE_ACCOUNT, "FAILED",
                        "rejected-" + duplicateId, "already connected to this workspace"));
                String rollbackId = UUID.randomUUID().toString();
                dependents.add(new Dependent(new Message(Kind.ROLLBACK_DELETE, region, bodies.request("Delete",
                        region, secondStack, rollbackId, "rejected-" + duplicateId, secondExternalId, secondRole,
                        bodies.responseUrl(region, secondStack, rollbackId)), rollbackId), duplicateId, "FAILED"));
                answers.put(rollbackId, new ExpectedAnswer(Kind.ROLLBACK_DELETE, "SUCCESS",
                        "rejected-" + duplicateId, ""));
                integrations.put(secondId, new ExpectedIntegration(secondId, "PENDING", false));
            }
        }
        // One organization: every member's stack instance sends its own Create with the shared external ID.
        if (members > 0) {
            String organizationIntegrationId = "soak-" + run + "-organization";
            String organizationId = String.format("o-soak%06d", Math.floorMod(options.seed(), 1_000_000L));
            String externalId = externalIds.mint();
            String role = "ProviderReadOnly";
            requests.add(IntegrationRequested.newBuilder(requested(organizationIntegrationId,
                    "soak-organization-" + run, externalId, role, now)).setKind(IntegrationKind.ORGANIZATION)
                    .setExpectedOrganizationId(organizationId).build());
            integrations.put(organizationIntegrationId, new ExpectedIntegration(organizationIntegrationId, "PENDING",
                    false));
            for (int i = 0; i < members; i++) {
                String region = regions.get(i % regions.size());
                String account = String.format("%012d", 600_000_000_000L + options.seed() % 1000 * 100_000 + i);
                trustedRoles.add(new TrustedRole(roleArn(account, role), externalId));
                organizationMembers.add(new OrganizationMember(account, organizationId));
                String stackId = CustomResourceBodies.stackId(region, account);
                String requestId = UUID.randomUUID().toString();
                String memberId = organizationIntegrationId + "-" + account;
                Message create = new Message(Kind.ORGANIZATION_MEMBER, region, bodies.request("Create", region,
                        stackId, requestId, null, externalId, role, bodies.responseUrl(region, stackId, requestId)),
                        requestId);
                independent.add(create);
                answers.put(requestId, new ExpectedAnswer(Kind.ORGANIZATION_MEMBER, "SUCCESS", memberId, ""));
                integrations.put(memberId, new ExpectedIntegration(memberId, "CONNECTED", true));
            }
        }
        // Creates whose external ID no request ever minted; the attacker's role trusts it, so only the processor
        // can refuse them.
        for (int i = 0; i < unknown; i++) {
            String region = regions.get(i % regions.size());
            String account = String.format("%012d", 700_000_000_000L + options.seed() % 1000 * 100_000 + i);
            String externalId = externalIds.mint();
            trustedRoles.add(new TrustedRole(roleArn(account, "ProviderReadOnly"), externalId));
            String stackId = CustomResourceBodies.stackId(region, account);
            String requestId = UUID.randomUUID().toString();
            independent.add(new Message(Kind.UNKNOWN_EXTERNAL_ID, region, bodies.request("Create", region, stackId,
                    requestId, null, externalId, "ProviderReadOnly", bodies.responseUrl(region, stackId, requestId)),
                    requestId));
            answers.put(requestId, new ExpectedAnswer(Kind.UNKNOWN_EXTERNAL_ID, "FAILED", "rejected-" + requestId,
                    "unknown or expired external ID"));
        }
        for (int i = 0; i < malformed; i++) {
            String region = regions.get(i % regions.size());
            String account = String.format("%012d", 800_000_000_000L + i);
            String stackId = CustomResourceBodies.stackId(region, account);
            String requestId = UUID.randomUUID().toString();
            switch (i % 3) {
                case 0 -> deadLetter(new Message(Kind.MALFORMED, region, CustomResourceBodies.notJson(), null),
                        "MALFORMED_JSON");
                case 1 -> deadLetter(new Message(Kind.MALFORMED, region, bodies.request("Create", region, stackId,
                        null, null, externalIds.mint(), "ProviderReadOnly",
                        bodies.responseUrl(region, stackId, requestId)), null), "MISSING_FIELD");
                default -> {
                    // Invalid but answerable: CloudFormation must hear FAILED rather than wait an hour.
                    deadLetter(new Message(Kind.MALFORMED, region, bodies.request("Create", region, stackId,
                            requestId, null, externalIds.mint(), "no spaces allowed",
                            bodies.responseUrl(region, stackId, requestId)), requestId), "INVALID_ROLE_NAME");
                    answers.put(requestId, new ExpectedAnswer(Kind.MALFORMED, "FAILED", "rejected-" + requestId, ""));
                }
            }
        }
        String attackerHostPort = attackerOrigin.replaceFirst("^https?://", "");
        for (int i = 0; i < forged; i++) {
            String region = regions.get(i % regions.size());
            String account = String.format("%012d", 900_000_000_000L + i);
            String stackId = CustomResourceBodies.stackId(region, account);
            String requestId = UUID.randomUUID().toString();
            String bucket = "cloudformation-custom-resource-response-" + region.replace("-", "");
            String path = "/" + bucket + "/" + UUID.randomUUID() + "?X-Amz-Signature=00";
            String[] forgedUrl = switch (i % 5) {
                case 0 -> new String[] {"http://" + attackerHostPort + path, "RESPONSE_URL_NOT_HTTPS"};
                case 1 -> new String[] {"https://" + attackerHostPort + path, "RESPONSE_URL_IP_LITERAL"};
                case 2 -> new String[] {"https://" + bucket + ".s3." + region + ".amazonaws.com.evil.example" + path,
                        "RESPONSE_URL_HOST"};
                case 3 -> new String[] {"https://attacker@" + bucket + ".s3." + region + ".amazonaws.com" + path,
                        "RESPONSE_URL_USER_INFO"};
                default -> new String[] {"https://" + otherRegionBucket(regions, region) + path, "RESPONSE_URL_HOST"};
            };
            deadLetter(new Message(Kind.FORGED_URL, region, bodies.request("Create", region, stackId, requestId,
                    null, externalIds.mint(), "ProviderReadOnly", forgedUrl[0]), requestId), forgedUrl[1]);
        }
        Collections.shuffle(independent, random);
        // SNS delivers at least once: the same body again, within about three seconds' worth of messages.
        for (int i = 0; i < redeliveries; i++) {
            Message original = validCreates.get(random.nextInt(validCreates.size()));
            Message copy = new Message(Kind.REDELIVERY, original.region(), original.body(), original.requestId());
            int at = independent.indexOf(original) + 1 + random.nextInt(Math.max(1, 3 * options.rate()));
            independent.add(Math.min(at, independent.size()), copy);
        }
        independent.forEach(m -> counts.merge(m.kind(), 1, Integer::sum));
        dependents.forEach(d -> counts.merge(d.message().kind(), 1, Integer::sum));
    }

    private void deadLetter(Message message, String reasonCode) {
        independent.add(message);
        deadLetters.add(new ExpectedDeadLetter(message.kind(), message.body(), reasonCode));
    }

    private static String otherRegionBucket(List<String> regions, String region) {
        String other = regions.stream().filter(r -> !r.equals(region)).findFirst().orElse("us-west-2");
        return "cloudformation-custom-resource-response-" + other.replace("-", "") + ".s3." + other + ".amazonaws.com";
    }

    /** The upstream service's request for an integration, expiring in a day. */
    static IntegrationRequested requested(String integrationId, String tenant, String externalId,
            String roleName, Instant now) {
        return IntegrationRequested.newBuilder().setIntegrationId(integrationId).setTenantId(tenant)
                .setExternalId(externalId).setRoleName(roleName).setName("soak " + integrationId)
                .setRequestedAt(now).setExpiresAt(now.plus(Duration.ofHours(24))).build();
    }

    static String roleArn(String account, String roleName) {
        return "arn:aws:iam::" + account + ":role/" + roleName;
    }

    // External IDs are secrets in production; here they only need to be unique and repeatable per seed.
    private static SecureRandom seeded(Random random) {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                random.nextBytes(bytes);
            }
        };
    }

    /** The accounts of the soak's organization, with the organization DescribeOrganization must answer. */
    List<OrganizationMember> organizationMembers() {
        return organizationMembers;
    }

    /** The upstream service's integration requests, published before any stack is launched. */
    List<IntegrationRequested> requests() {
        return requests;
    }

    /** The roles the customers' stacks create, with the external ID each trusts. */
    List<TrustedRole> trustedRoles() {
        return trustedRoles;
    }

    /** Messages sent in this order, as fast as the rate allows. */
    List<Message> independent() {
        return independent;
    }

    /** Messages sent once their prerequisite's answer arrived. */
    List<Dependent> dependents() {
        return dependents;
    }

    /** The expected decision of every answerable RequestId. */
    Map<String, ExpectedAnswer> answers() {
        return answers;
    }

    /** Bodies the bridge must dead-letter. */
    List<ExpectedDeadLetter> deadLetters() {
        return deadLetters;
    }

    /** Every integration requested, with its expected final state. */
    Map<String, ExpectedIntegration> integrations() {
        return integrations;
    }

    /** Messages per kind. */
    Map<Kind, Integer> counts() {
        return counts;
    }

    /** How many messages the plan sends in all. */
    int total() {
        return independent.size() + dependents.size();
    }
}
