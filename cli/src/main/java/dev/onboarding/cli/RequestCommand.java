package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onboarding request}: what upstream services and scripts run when a customer asks to connect an AWS
 * account. Mints the external ID, produces the request event and prints the CloudFormation quick-create link.
 */
@Command(name = "request", description = "Request an integration for a tenant: mint the external ID, produce the "
        + "request event, print the CloudFormation quick-create link (reads kafka.*, schema.registry.*, topics.*, "
        + "request.*).")
final class RequestCommand implements Runnable {
    @CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant (customer) asking.")
    String tenant;

    @Option(names = "--role-name", required = true, paramLabel = "NAME",
            description = "Name of the IAM role the customer's stack creates.")
    String roleName;

    @Option(names = "--name", paramLabel = "N", description = "Human name of the integration.")
    String name;

    @Option(names = "--description", paramLabel = "D", description = "Optional description.")
    String description;

    @Option(names = "--tag", paramLabel = "k=v", description = "A tag (repeatable).")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--expected-account", paramLabel = "A",
            description = "Only this 12-digit AWS account may complete the integration.")
    String expectedAccount;

    @Option(names = "--json", description = "Print one JSON object: integrationId, tenantId, externalId, roleName, "
            + "quickCreateUrl.")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        IntegrationRequest request = new IntegrationRequest(tenant, roleName,
                name == null ? IntegrationRequest.defaultName(tenant) : name, Optional.ofNullable(description), tags,
                Optional.ofNullable(expectedAccount));
        Settings settings = config.settings();
        RequestConfig requestConfig = RequestConfig.from(settings);
        try (IntegrationRequestPublisher publisher = new IntegrationRequestPublisher(KafkaSettings.from(settings),
                RegistrySettings.from(settings), TopicSettings.from(settings), requestConfig, Clock.systemUTC())) {
            print(publisher.publish(request), json, spec.commandLine().getOut());
        }
    }

    /** Prints a published request as JSON or for people. */
    static void print(IntegrationRequestPublisher.Published published, boolean json, PrintWriter out) {
        if (json) {
            out.println(published.toJson());
            out.flush();
        } else {
            published.printTo(out);
        }
    }
}
