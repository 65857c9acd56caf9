package dev.onboarding.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code onboarding} command: one runnable jar for every app and operator command. Each
 * subcommand lives in its own class; errors print one clear line plus the cause and exit non-zero.
 * Commands of other jars on the class path join through {@link CommandExtension} (the local sandbox's
 * {@code local}, {@code demo} and {@code simulate}).
 */
@Command(name = "onboarding",
        mixinStandardHelpOptions = true,
        // every subcommand inherits --help and --version
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionCommand.Provider.class,
        description = "Onboards customers' AWS accounts through CloudFormation, SNS/SQS and Kafka.",
        subcommands = {
                VersionCommand.class,
                TopicsCommand.class,
                TemplateCommand.class,
                TopologyCommand.class,
                DlqCommand.class,
                RequestCommand.class,
                StatusCommand.class
        })
public final class Onboarding implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line (tests call {@code execute} on it): the commands above, the ones that run apps,
     * those of every {@link CommandExtension} on the class path, and {@code help}.
     */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new Onboarding());
        RunAppCommand.addTo(root);
        for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
            extension.commands().forEach(root::addSubcommand);
        }
        OneLineErrors errors = new OneLineErrors();
        return root.addSubcommand(new CommandLine.HelpCommand())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
