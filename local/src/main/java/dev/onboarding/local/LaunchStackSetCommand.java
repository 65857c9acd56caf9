package dev.onboarding.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.cli.EndpointsFileOption;
import dev.onboarding.schemas.requests.IntegrationRequest;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onboarding simulate launch-stackset}: what a service-managed StackSet does in an organization. Each member
 * account is put in the organization (the Organizations stand-in answers DescribeOrganization for it), gets the
 * template's role in the STS stand-in, and its stack instance sends its own Create through the region's queue. With
 * {@code --remove-account A}, the member's stack instance is deleted instead (the account left the organization's
 * OUs, {@code RetainStacksOnAccountRemoval=false}): one Delete with the PhysicalResourceId of its last answer. Exit 0
 * when sent (or every member answered SUCCESS or FAILED), 2 when {@code --wait} missed an answer, 1 on errors.
 */
@Command(name = "launch-stackset", description = "Act as a service-managed StackSet: one stack instance per member "
        + "account of an organization, each sending its Create (or, with --remove-account, one member's Delete).")
final class LaunchStackSetCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    @CommandLine.Mixin
    EndpointsFileOption endpointsFile;

    @Option(names = "--external-id", required = true, paramLabel = "X",
            description = "The organization integration's shared ExternalID (the StackSet's parameter).")
    String externalId;

    @Option(names = "--organization-id", required = true, paramLabel = "O",
            description = "The organization the member accounts belong to (what DescribeOrganization answers them).")
    String organizationId;

    @Option(names = "--accounts", paramLabel = "N", defaultValue = "0",
            description = "How many new member accounts (random ids) get a stack instance.")
    int accounts;

    @Option(names = "--account", paramLabel = "A",
            description = "A member account by id (repeatable), e.g. one the tenant already connected.")
    List<String> namedAccounts = new ArrayList<>();

    @Option(names = "--remove-account", paramLabel = "A",
            description = "Delete this member's stack instance instead: its Delete carries its last answer's "
                    + "PhysicalResourceId.")
    String removeAccount;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "The one region the StackSet deploys to (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--role-name", paramLabel = "NAME", defaultValue = IntegrationRequest.DEFAULT_ROLE_NAME,
            description = "RoleName parameter (default: ${DEFAULT-VALUE}).")
    String roleName;

    @Option(names = "--wait", description = "Wait for CloudFormation's view of every member's answer.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long --wait waits for all answers (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON object: organizationId, stackSetName and members "
            + "(accountId, requestId, stackId, messageId; with --wait also status, reason, physicalResourceId, data).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final SecureRandom random = new SecureRandom();

    /** One member's stack instance and the request it sent. */
    private record Member(String accountId, SimulatedCloudFormation.Launched launched) {
    }

    @Override
    public Integer call() {
        if (!ORGANIZATION_ID.matcher(organizationId).matches()) {
            throw new IllegalArgumentException("--organization-id must be o- and 10 to 32 lowercase letters or digits");
        }
        if (timeoutSeconds < 0 || accounts < 0) {
            throw new IllegalArgumentException("--timeout and --accounts must not be negative");
        }
        if (removeAccount != null && (accounts > 0 || !namedAccounts.isEmpty())) {
            throw new IllegalArgumentException("--remove-account cannot be combined with --accounts or --account");
        }
        if (removeAccount == null && accounts == 0 && namedAccounts.isEmpty()) {
            throw new IllegalArgumentException("give --accounts N (or --account A), or --remove-account A");
        }
        String stackSetName = "Onboarding-" + organizationId;
        PrintWriter out = spec.commandLine().getOut();
        try (SimulatedCloudFormation cloudFormation = new SimulatedCloudFormation(endpointsFile.read(),
                Clock.systemUTC())) {
            List<Member> members = removeAccount != null
                    ? List.of(remove(cloudFormation, stackSetName))
                    : create(cloudFormation, stackSetName);
            if (!await) {
                print(stackSetName, members, Map.of(), out);
                return 0;
            }
            Map<String, CloudFormationAnswer> answers = awaitAnswers(cloudFormation, members);
            print(stackSetName, members, answers, out);
            if (answers.size() < members.size()) {
                spec.commandLine().getErr().println((members.size() - answers.size()) + " of " + members.size()
                        + " member(s) got no answer within " + timeoutSeconds + " s");
                return LaunchStackCommand.NO_ANSWER;
            }
            return answers.values().stream().allMatch(CloudFormationAnswer::isAnswer) ? 0 : 1;
        }
    }

    private List<Member> create(SimulatedCloudFormation cloudFormation, String stackSetName) {
        Set<String> memberAccounts = new LinkedHashSet<>(namedAccounts);
        while (memberAccounts.size() < namedAccounts.size() + accounts) {
            memberAccounts.add(String.valueOf(100_000_000_000L + (random.nextLong() & Long.MAX_VALUE)
                    % 900_000_000_000L));
        }
        List<Member> members = new ArrayList<>();
        for (String account : memberAccounts) {
            StackLaunch launch = StackLaunch.create(externalId, account, region, roleName);
            cloudFormation.joinOrganization(account, organizationId);
            members.add(new Member(account, cloudFormation.launch(new StackLaunch(launch.type(), externalId, account,
                    region, roleName, Optional.of(stackId(stackSetName, account)), Optional.empty(),
                    Optional.empty(), Optional.empty(), true, Optional.empty(), launch.templateVersion(),
                    Optional.empty()))));
        }
        return members;
    }

    private Member remove(SimulatedCloudFormation cloudFormation, String stackSetName) {
        String stackPrefix = ":" + removeAccount + ":stack/StackSet-" + stackSetName + "-";
        String stackId = cloudFormation.lastAnsweredStack(stackPrefix).orElseThrow(() -> new IllegalArgumentException(
                "no answered stack instance of StackSet " + stackSetName + " in account " + removeAccount
                        + " (in region " + region + ")"));
        return new Member(removeAccount, cloudFormation.launch(StackLaunch.delete(externalId, removeAccount, region,
                roleName, stackId, Optional.empty())));
    }

    /** A stack instance's id, named as StackSets name them: {@code StackSet-<name>-<uuid>}. */
    private String stackId(String stackSetName, String account) {
        return "arn:aws:cloudformation:" + region + ":" + account + ":stack/StackSet-" + stackSetName + "-"
                + UUID.randomUUID() + "/" + UUID.randomUUID();
    }

    private Map<String, CloudFormationAnswer> awaitAnswers(SimulatedCloudFormation cloudFormation,
            List<Member> members) {
        Map<String, CloudFormationAnswer> answers = new java.util.LinkedHashMap<>();
        Polling.until(Duration.ofSeconds(timeoutSeconds), POLL_INTERVAL, () -> {
            for (Member member : members) {
                String requestId = member.launched().requestId();
                if (!answers.containsKey(requestId)) {
                    cloudFormation.answerTo(requestId).ifPresent(answer -> answers.put(requestId, answer));
                }
            }
            return answers.size() == members.size() ? Optional.of(true) : Optional.empty();
        });
        return answers;
    }

    private void print(String stackSetName, List<Member> members, Map<String, CloudFormationAnswer> answers,
            PrintWriter out) {
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("organizationId", organizationId);
            node.put("stackSetName", stackSetName);
            node.put("region", region);
            ArrayNode list = node.putArray("members");
            for (Member member : members) {
                ObjectNode m = list.addObject();
                m.put("accountId", member.accountId());
                m.put("requestId", member.launched().requestId());
                m.put("stackId", member.launched().stackId());
                m.put("messageId", member.launched().messageId());
                if (await) {
                    CloudFormationAnswer answer = answers.get(member.launched().requestId());
                    if (answer != null) {
                        answer.writeTo(m);
                    } else {
                        m.putNull("status");
                        m.put("reason", "no answer within " + timeoutSeconds + " s");
                    }
                }
            }
            out.println(node);
        } else {
            out.println((removeAccount != null ? "Delete" : "Create") + " sent by " + members.size()
                    + " stack instance(s) of StackSet " + stackSetName + " (organization " + organizationId + ", "
                    + region + ")");
            for (Member member : members) {
                CloudFormationAnswer answer = answers.get(member.launched().requestId());
                out.println("  " + member.accountId() + "  " + (!await ? "request " + member.launched().requestId()
                        : answer == null ? "no answer yet" : answer.describe()));
            }
        }
        out.flush();
    }
}
