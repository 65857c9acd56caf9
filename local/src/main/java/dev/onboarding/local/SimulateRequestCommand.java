package dev.onboarding.local;

import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.EndpointsFileOption;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.cli.RequestOptions;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.RequestConfig;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.topics.TopicSettings;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code onboarding simulate request}: what an upstream service does when a customer asks to connect an account,
 * against the local stack's Kafka and registry.
 */
@Command(name = "request", description = "Act as an upstream service: mint the external ID and produce the request "
        + "event to the local stack.")
final class SimulateRequestCommand implements Runnable {
    /** The template URL of simulated requests: nothing is served there, the local stack never fetches it. */
    static final String LOCAL_TEMPLATE_URL = "https://onboarding-local.invalid/cloudformation/customer.json";
    /** The StackSet template URL of simulated organization requests: nothing is served there either. */
    static final String LOCAL_ORGANIZATION_TEMPLATE_URL =
            "https://onboarding-local.invalid/cloudformation/organization.json";

    @CommandLine.Mixin
    EndpointsFileOption endpointsFile;

    @CommandLine.Mixin
    RequestOptions options;

    @Option(names = "--role-name", paramLabel = "NAME", defaultValue = IntegrationRequest.DEFAULT_ROLE_NAME,
            description = "IAM role the customer's stack creates (default: ${DEFAULT-VALUE}).")
    String roleName;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        IntegrationRequest request = options.request(roleName, Optional.empty(), Map.of());
        EndpointsFile endpoints = endpointsFile.read();
        try (IntegrationRequestPublisher publisher = localPublisher(endpoints)) {
            options.print(publisher.publish(request), spec.commandLine().getOut());
        }
    }

    /** A publisher for the local stack: its Kafka and registry, the default topics, the simulated provider. */
    static IntegrationRequestPublisher localPublisher(EndpointsFile endpoints) {
        return new IntegrationRequestPublisher(KafkaSettings.of(endpoints.kafkaBootstrapServers()),
                RegistrySettings.of(endpoints.schemaRegistryUrl()), TopicSettings.defaults(), simulatedProvider(),
                Clock.systemUTC());
    }

    /** The simulated provider of the local stack ({@code simulate request}, {@code demo}). */
    static RequestConfig simulatedProvider() {
        return new RequestConfig(LOCAL_TEMPLATE_URL, LocalEnvironment.PROVIDER_ACCOUNT,
                RequestConfig.DEFAULT_TOPIC_NAME, RequestConfig.DEFAULT_TTL, RequestConfig.DEFAULT_CONSOLE_REGION,
                java.util.Optional.of(LOCAL_ORGANIZATION_TEMPLATE_URL));
    }
}
