package dev.onboarding.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code onboarding simulate}: plays the customer and the AWS side against a running local stack. */
@Command(name = "simulate", description = "Play the customer and AWS against the local stack (`onboarding local`).",
        subcommands = {SimulateRequestCommand.class, LaunchStackCommand.class, LaunchStackSetCommand.class,
                RoleCommands.Revoke.class, RoleCommands.Restore.class, CommandLine.HelpCommand.class})
final class SimulateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
