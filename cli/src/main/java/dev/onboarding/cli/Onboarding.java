package dev.onboarding.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code onboarding} command: one runnable jar for every app and operator command. Each
 * subcommand lives in its own class; errors print one clear line plus the cause and exit non-zero.
 */
@Command(name = "onboarding",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Onboards customers' AWS accounts through CloudFormation, SNS/SQS and Kafka.",
        subcommands = {
                VersionCommand.class,
                RunAppCommand.Bridge.class,
                RunAppCommand.Processor.class,
                RunAppCommand.Scheduler.class,
                RunAppCommand.Api.class,
                RunAppCommand.All.class,
                LocalCommand.class,
                TopicsCommand.class,
                TemplateCommand.class,
                TopologyCommand.class,
                DlqCommand.class,
                RequestCommand.class,
                SimulateCommand.class,
                StatusCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Onboarding implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        return new CommandLine(new Onboarding())
                .setExecutionExceptionHandler(new OneLineErrors())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
