package dev.onboarding.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.EndpointsFileOption;
import dev.onboarding.cli.ProcessorQueries;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onboarding simulate revoke-role} and {@code restore-role}: what a customer does to a connected
 * integration's role (deletes it, or breaks its trust policy; then puts it back), done to the STS stand-in. The
 * integration's role is found through the processor's query endpoint. The periodic re-verification then moves the
 * integration's health: UNREACHABLE after the configured run of denials (its jobs pause), HEALTHY at the first check
 * that assumes the role again (its jobs resume).
 */
final class RoleCommands {
    /** Exit code for an integration the processor does not know, or one without a role. */
    static final int NO_ROLE = 3;

    private RoleCommands() {
    }

    /** The options and the lookup both commands share. */
    abstract static class RoleChange implements Callable<Integer> {
        @CommandLine.Mixin
        EndpointsFileOption endpointsFile;

        @Option(names = "--integration-id", required = true, paramLabel = "I", description = "The integration.")
        String integrationId;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            EndpointsFile endpoints = endpointsFile.read();
            Optional<JsonNode> state = new ProcessorQueries(endpoints.processorUrl()).integration(integrationId);
            String roleArn = state.map(s -> s.path("roleArn")).filter(JsonNode::isTextual).map(JsonNode::asText)
                    .orElse(null);
            if (roleArn == null) {
                spec.commandLine().getErr().println("error: integration " + integrationId + (state.isEmpty()
                        ? " is not known to the processor" : " has no role (it is "
                        + state.get().path("status").asText() + ")"));
                return NO_ROLE;
            }
            PrintWriter out = spec.commandLine().getOut();
            int exit = change(new StandInControl(endpoints.stsEndpoint(), endpoints.s3ResponseEndpoint()), roleArn,
                    out);
            out.flush();
            return exit;
        }

        abstract int change(StandInControl standIns, String roleArn, PrintWriter out);
    }

    /** Revokes the role: AssumeRole with the integration's external ID is denied from now on. */
    @Command(name = "revoke-role", description = "Act as a customer who deletes a connected integration's role: the "
            + "STS stand-in denies AssumeRole until restore-role.")
    static final class Revoke extends RoleChange {
        @Override
        int change(StandInControl standIns, String roleArn, PrintWriter out) {
            standIns.revokeRole(roleArn);
            out.println("role " + roleArn + " of integration " + integrationId + " revoked: AssumeRole is denied");
            out.println("  its re-verifications are denied; after processor.health.unreachable-after-denials in a row "
                    + "the integration is UNREACHABLE and its jobs pause (watch: onboarding status " + integrationId
                    + ")");
            return 0;
        }
    }

    /** Restores the role with the trust policy it had. */
    @Command(name = "restore-role", description = "Act as a customer who recreates a revoked role: the STS stand-in "
            + "trusts the provider again as before.")
    static final class Restore extends RoleChange {
        @Override
        int change(StandInControl standIns, String roleArn, PrintWriter out) {
            if (!standIns.restoreRole(roleArn)) {
                spec.commandLine().getErr().println("error: role " + roleArn + " of integration " + integrationId
                        + " was not revoked (simulate revoke-role first)");
                return 1;
            }
            out.println("role " + roleArn + " of integration " + integrationId + " restored: AssumeRole succeeds");
            out.println("  the next re-verification makes the integration HEALTHY and its jobs resume (watch: "
                    + "onboarding status " + integrationId + ")");
            return 0;
        }
    }
}
