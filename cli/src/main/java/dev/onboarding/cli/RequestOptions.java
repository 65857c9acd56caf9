package dev.onboarding.cli;

import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.OrganizationScope;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options {@code request} and {@code simulate request} share, and how both print their result. */
public final class RequestOptions {
    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant (customer) asking.")
    String tenant;

    @Option(names = "--name", paramLabel = "N", description = "Human name of the integration.")
    String name;

    @Option(names = "--expected-account", paramLabel = "A",
            description = "Only this 12-digit AWS account may complete the integration.")
    String expectedAccount;

    @Option(names = "--json", description = "Print one JSON object: integrationId, tenantId, externalId, roleName, "
            + "kind, and quickCreateUrl (ACCOUNT) or stackSet (ORGANIZATION).")
    boolean json;

    @Option(names = "--organization", description = "Connect every member account of an AWS Organization through one "
            + "service-managed StackSet (kind ORGANIZATION); needs --expected-organization-id.")
    boolean organization;

    @Option(names = "--expected-organization-id", paramLabel = "O",
            description = "With --organization: the AWS Organization (o-...) every member must belong to.")
    String expectedOrganizationId;

    @Option(names = "--organizational-unit", paramLabel = "OU",
            description = "With --organization: an OU (ou-...) or root (r-...) the StackSet deploys to (repeatable).")
    List<String> organizationalUnits = new ArrayList<>();

    /** The request these options describe. */
    public IntegrationRequest request(String roleName, Optional<String> description, Map<String, String> tags) {
        if (!organization && (expectedOrganizationId != null || !organizationalUnits.isEmpty())) {
            throw new IllegalArgumentException("--expected-organization-id and --organizational-unit need "
                    + "--organization");
        }
        Optional<OrganizationScope> scope = organization
                ? Optional.of(new OrganizationScope(expectedOrganizationId, organizationalUnits)) : Optional.empty();
        return new IntegrationRequest(tenant, roleName, name == null ? IntegrationRequest.defaultName(tenant) : name,
                description, tags, Optional.ofNullable(expectedAccount), scope);
    }

    /** Prints a published request as JSON or for people. */
    public void print(IntegrationRequestPublisher.Published published, PrintWriter out) {
        if (json) {
            out.println(published.toJson());
            out.flush();
        } else {
            published.printTo(out);
        }
    }
}
