package dev.onboarding.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.cli.EndpointsFileOption;
import dev.onboarding.cli.TemplateCommand;
import dev.onboarding.schemas.requests.IntegrationRequest;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code onboarding simulate launch-stack}: what the customer's stack does. Creates the IAM role in the STS
 * stand-in, publishes the SNS-enveloped custom-resource request to the region's queue and, with {@code --wait},
 * shows what CloudFormation sees. Exit 0 when sent (or answered SUCCESS or FAILED), 2 when {@code --wait} got no
 * answer in time, 1 on errors (including an answer CloudFormation would reject).
 */
@Command(name = "launch-stack", description = "Act as the customer's stack: create the role and send the "
        + "custom-resource request (Create, Update or Delete) through the region's queue.")
final class LaunchStackCommand implements Callable<Integer> {
    /** Exit code when {@code --wait} saw no answer in time. */
    static final int NO_ANSWER = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Mixin
    EndpointsFileOption endpointsFile;

    @Option(names = "--external-id", required = true, paramLabel = "X",
            description = "ExternalID property of the resource (from the quick-create link).")
    String externalId;

    @Option(names = "--account", required = true, paramLabel = "A", description = "The customer's AWS account.")
    String account;

    @Option(names = "--region", required = true, paramLabel = "REGION", description = "The stack's region.")
    String region;

    @Option(names = "--role-name", paramLabel = "NAME", defaultValue = IntegrationRequest.DEFAULT_ROLE_NAME,
            description = "RoleName property (default: ${DEFAULT-VALUE}).")
    String roleName;

    @Option(names = "--request-type", paramLabel = "Create|Update|Delete", defaultValue = "Create",
            description = "Request type (default: ${DEFAULT-VALUE}).")
    StackLaunch.Type requestType;

    @Option(names = "--stack-id", paramLabel = "S",
            description = "Reuse this stack (Update, Delete); default: a new stack in the account and region.")
    String stackId;

    @Option(names = "--physical-id", paramLabel = "P",
            description = "PhysicalResourceId for Update and Delete; default: the one of the stack's last answer.")
    String physicalId;

    @Option(names = "--old-role-name", paramLabel = "NAME", description = "RoleName before an Update.")
    String oldRoleName;

    @Option(names = "--old-external-id", paramLabel = "X", description = "ExternalID before an Update.")
    String oldExternalId;

    @Option(names = "--template-version", paramLabel = "V",
            description = "TemplateVersion property (default: the version of `onboarding template customer`).")
    String templateVersion;

    @Option(names = "--old-template-version", paramLabel = "V",
            description = "TemplateVersion before an Update (default: --template-version).")
    String oldTemplateVersion;

    @Option(names = "--no-role", description = "Do not create the role (AssumeRole will be denied).")
    boolean noRole;

    @Option(names = "--trust-external-id", paramLabel = "Y",
            description = "The role trusts this external ID instead of --external-id.")
    String trustExternalId;

    @Option(names = "--trust-without-external-id",
            description = "The role trusts the provider with no external ID condition at all (the provider must "
                    + "refuse it: ROLE_TRUSTS_WITHOUT_EXTERNAL_ID).")
    boolean trustWithoutExternalId;

    @Option(names = "--wait", description = "Wait for CloudFormation's view of the answer.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON object (requestId, stackId, messageId; with --wait: "
            + "requestId, stackId, status, reason, physicalResourceId, data).")
    boolean json;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("--timeout must not be negative");
        }
        StackLaunch launch = new StackLaunch(requestType, externalId, account, region, roleName,
                Optional.ofNullable(stackId), Optional.ofNullable(physicalId), Optional.ofNullable(oldRoleName),
                Optional.ofNullable(oldExternalId), !noRole, Optional.ofNullable(trustExternalId),
                Optional.of(templateVersion != null ? templateVersion : TemplateCommand.customerTemplateVersion()),
                Optional.ofNullable(oldTemplateVersion), trustWithoutExternalId);
        PrintWriter out = spec.commandLine().getOut();
        try (SimulatedCloudFormation cloudFormation = new SimulatedCloudFormation(endpointsFile.read(),
                Clock.systemUTC())) {
            SimulatedCloudFormation.Launched launched = cloudFormation.launch(launch);
            if (!await) {
                printSent(launch, launched, out);
                return 0;
            }
            if (!json) {
                printSent(launch, launched, out);
            }
            long start = System.nanoTime();
            Optional<CloudFormationAnswer> answer = cloudFormation.awaitAnswer(launched.requestId(),
                    Duration.ofSeconds(timeoutSeconds));
            printAnswer(launched, answer, Duration.ofNanos(System.nanoTime() - start), out);
            if (answer.isEmpty()) {
                return NO_ANSWER;
            }
            if (!answer.get().isAnswer()) {
                spec.commandLine().getErr().println("error: the answer to request " + launched.requestId()
                        + " is not one CloudFormation accepts: " + answer.get().describe());
                return 1;
            }
            return 0;
        }
    }

    private void printSent(StackLaunch launch, SimulatedCloudFormation.Launched launched, PrintWriter out) {
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("requestId", launched.requestId());
            node.put("stackId", launched.stackId());
            node.put("messageId", launched.messageId());
            out.println(node);
        } else {
            out.println(launch.type() + " request " + launched.requestId() + " sent to the " + launch.region()
                    + " queue (SQS message " + launched.messageId() + ")");
            out.println("  stack         " + launched.stackId());
            launched.physicalId().ifPresent(id -> out.println("  physical id   " + id));
            launch.templateVersion().ifPresent(version -> out.println("  template      " + version
                    + launch.oldTemplateVersion().filter(old -> launch.type() == StackLaunch.Type.Update)
                            .map(old -> " (was " + old + ")").orElse("")));
            out.println("  role          " + launch.roleArn() + (launch.trustWithoutExternalId()
                    ? " (trusts the provider without any external ID)"
                    : launch.createRole() ? " (trusts " + (launch.trustExternalId().isPresent() ? "--trust-external-id"
                    : "the external ID") + ")" : " (not created)"));
        }
        out.flush();
    }

    private void printAnswer(SimulatedCloudFormation.Launched launched, Optional<CloudFormationAnswer> answer,
            Duration waited, PrintWriter out) {
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("requestId", launched.requestId());
            node.put("stackId", launched.stackId());
            if (answer.isPresent()) {
                answer.get().writeTo(node);
            } else {
                node.putNull("status");
                node.put("reason", "no answer within " + timeoutSeconds + " s");
                node.putNull("physicalResourceId");
                node.set("data", JSON.createObjectNode());
            }
            out.println(node);
        } else if (answer.isPresent()) {
            out.printf("CloudFormation sees: %s (after %.1f s)%n", answer.get().describe(), waited.toMillis() / 1000.0);
        } else {
            out.println("CloudFormation sees no answer yet: nothing arrived within " + timeoutSeconds + " s "
                    + "(the stack would stay IN_PROGRESS until the custom resource times out)");
        }
        out.flush();
        if (answer.isEmpty()) {
            spec.commandLine().getErr().println("no answer to request " + launched.requestId() + " within "
                    + timeoutSeconds + " s");
        }
    }
}
