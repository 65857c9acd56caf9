package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.RequestConfig;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.topics.TopicSettings;
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

    @CommandLine.Mixin
    RequestOptions options;

    @Option(names = "--role-name", required = true, paramLabel = "NAME",
            description = "Name of the IAM role the customer's stack creates.")
    String roleName;

    @Option(names = "--description", paramLabel = "D", description = "Optional description.")
    String description;

    @Option(names = "--tag", paramLabel = "k=v", description = "A tag (repeatable).")
    Map<String, String> tags = new LinkedHashMap<>();


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        IntegrationRequest request = options.request(roleName, Optional.ofNullable(description), tags);
        Settings settings = config.settings();
        RequestConfig requestConfig = RequestConfig.from(settings);
        try (IntegrationRequestPublisher publisher = new IntegrationRequestPublisher(KafkaSettings.from(settings),
                RegistrySettings.from(settings), TopicSettings.from(settings), requestConfig, Clock.systemUTC())) {
            options.print(publisher.publish(request), spec.commandLine().getOut());
        }
    }
}
