package dev.onboarding.schemas.requests;

import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an upstream service asks for when a customer wants to connect an AWS account. The provider, not the
 * customer, mints the external ID, so it is not part of the request.
 *
 * @param tenantId the customer (workspace) the integration belongs to
 * @param roleName the IAM role the customer's stack creates
 * @param name a human name for the integration
 * @param description optional description
 * @param tags free-form tags
 * @param expectedAccountId when set, only this AWS account may complete the integration
 * @param organization when set, an integration of kind ORGANIZATION: the member accounts of this organization
 *     connect through it with one shared external ID; when empty, one account (kind ACCOUNT)
 */
public record IntegrationRequest(String tenantId, String roleName, String name, Optional<String> description,
        Map<String, String> tags, Optional<String> expectedAccountId, Optional<OrganizationScope> organization) {
    /** The role name the customer template uses unless told otherwise. */
    public static final String DEFAULT_ROLE_NAME = "OnboardingIntegrationRole";

    /** What IAM accepts as a role name. */
    public static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    /** An AWS account id. */
    public static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    /** Checks every field the processor would refuse, so a mistake fails here with a clear line. */
    public IntegrationRequest {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("--tenant must not be empty");
        }
        if (roleName == null || !ROLE_NAME.matcher(roleName).matches()) {
            throw new IllegalArgumentException("--role-name must be an IAM role name (1-64 characters of "
                    + "letters, digits and +=,.@_-), got '" + roleName + "'");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("--name must not be empty");
        }
        expectedAccountId.ifPresent(account -> {
            if (!ACCOUNT_ID.matcher(account).matches()) {
                throw new IllegalArgumentException("--expected-account must be a 12-digit AWS account id, got '"
                        + account + "'");
            }
        });
        if (organization.isPresent() && expectedAccountId.isPresent()) {
            throw new IllegalArgumentException("--expected-account does not apply to an organization integration: its "
                    + "member accounts connect, checked against --expected-organization-id");
        }
        tags = Map.copyOf(tags);
    }

    /** A request for one AWS account (kind ACCOUNT). */
    public IntegrationRequest(String tenantId, String roleName, String name, Optional<String> description,
            Map<String, String> tags, Optional<String> expectedAccountId) {
        this(tenantId, roleName, name, description, tags, expectedAccountId, Optional.empty());
    }

    /** ORGANIZATION when the request names an organization, else ACCOUNT. */
    public IntegrationKind kind() {
        return organization.isPresent() ? IntegrationKind.ORGANIZATION : IntegrationKind.ACCOUNT;
    }

    /**
     * The request event for this request.
     *
     * @param integrationId the provider's id of the integration (the record key)
     * @param externalId the external ID minted for it
     * @param requestedAt when it was requested
     * @param ttl how long it waits for the customer's stack
     */
    public IntegrationRequested toEvent(String integrationId, String externalId, Instant requestedAt, Duration ttl) {
        return IntegrationRequested.newBuilder()
                .setIntegrationId(integrationId)
                .setTenantId(tenantId)
                .setExternalId(externalId)
                .setRoleName(roleName)
                .setName(name)
                .setDescription(description.orElse(null))
                .setTags(tags)
                .setExpectedAccountId(expectedAccountId.orElse(null))
                .setKind(kind())
                .setExpectedOrganizationId(organization.map(OrganizationScope::expectedOrganizationId).orElse(null))
                .setOrganizationalUnitIds(organization.map(OrganizationScope::organizationalUnitIds).orElse(List.of()))
                .setRequestedAt(requestedAt)
                .setExpiresAt(requestedAt.plus(ttl))
                .build();
    }

    /** The name used when none is given. */
    public static String defaultName(String tenantId) {
        return "AWS account of " + tenantId;
    }
}
