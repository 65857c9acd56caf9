package dev.onboarding.cli;

import dev.onboarding.schemas.requests.IntegrationRequest;
import java.io.PrintWriter;
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
            + "quickCreateUrl.")
    boolean json;

    /** The request these options describe. */
    public IntegrationRequest request(String roleName, Optional<String> description, Map<String, String> tags) {
        return new IntegrationRequest(tenant, roleName, name == null ? IntegrationRequest.defaultName(tenant) : name,
                description, tags, Optional.ofNullable(expectedAccount));
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
