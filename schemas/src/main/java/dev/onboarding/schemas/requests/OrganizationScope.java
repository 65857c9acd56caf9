package dev.onboarding.schemas.requests;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What makes an integration request one for a whole AWS Organization: the organization whose member accounts may
 * connect, and the organizational units the customer deploys the StackSet to.
 *
 * <p>The organization id is required: the external ID of an organization integration is shared by every member
 * account, so without it anyone holding a leaked ID could attach accounts for as long as the integration lives.
 * The OUs are shown to the customer only: OU membership is visible from the management account alone, never from
 * the member account whose role the provider assumes.
 *
 * @param expectedOrganizationId the AWS Organization id ({@code o-...}) that DescribeOrganization must return
 * @param organizationalUnitIds OUs ({@code ou-...}) or the root ({@code r-...}) the StackSet deploys to; may be empty
 */
public record OrganizationScope(String expectedOrganizationId, List<String> organizationalUnitIds) {
    /** An AWS Organization id, as AWS Organizations defines it. */
    public static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    /** An organizational unit id or an organization root id. */
    public static final Pattern DEPLOYMENT_TARGET = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}");
    /** At most this many OUs: they only inform the customer, and they travel in every state of the integration. */
    public static final int MAX_ORGANIZATIONAL_UNITS = 100;

    /** Checks both fields, naming the option or field at fault. */
    public OrganizationScope {
        if (expectedOrganizationId == null || !ORGANIZATION_ID.matcher(expectedOrganizationId).matches()) {
            throw new IllegalArgumentException("--expected-organization-id must be an AWS Organization id (o- then 10 to "
                    + "32 lowercase letters or digits), got '" + expectedOrganizationId + "'");
        }
        organizationalUnitIds = List.copyOf(organizationalUnitIds);
        if (organizationalUnitIds.size() > MAX_ORGANIZATIONAL_UNITS) {
            throw new IllegalArgumentException("--organizational-unit: at most " + MAX_ORGANIZATIONAL_UNITS
                    + " organizational units, got " + organizationalUnitIds.size());
        }
        for (String ou : organizationalUnitIds) {
            if (!DEPLOYMENT_TARGET.matcher(ou).matches()) {
                throw new IllegalArgumentException("--organizational-unit must be an OU id (ou-xxxx-xxxxxxxx) or a root "
                        + "id (r-xxxx), got '" + ou + "'");
            }
        }
        if (organizationalUnitIds.stream().distinct().count() != organizationalUnitIds.size()) {
            throw new IllegalArgumentException("--organizational-unit lists an OU twice");
        }
    }
}
