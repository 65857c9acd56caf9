package dev.onboarding.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.config.SettingsException;
import java.util.List;
import picocli.CommandLine;

/**
 * Turns any failure into one clear line on stderr: {@code error: <what> (cause: <why>)} and exit code 1,
 * or, when the command line asked for {@code --json}, one JSON object {@code {"error": ..., "key": ...}}
 * ({@code key}: the configuration key or option at fault, else null). Usage errors keep picocli's exit
 * code 2.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        String message = message(e);
        Throwable cause = e.getCause();
        if (!(e instanceof SettingsException) && cause != null && cause != e && cause.getMessage() != null
                && !message.contains(cause.getMessage())) {
            message += " (cause: " + message(cause) + ')';
        }
        print(cmd, wantsJson(parseResult == null ? List.of() : parseResult.originalArgs()), message,
                e instanceof SettingsException settings ? settings.key() : null);
        if (System.getenv("ONBOARDING_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        if (!wantsJson(List.of(args))) {
            // picocli's own: the message, then the usage of the command at fault.
            cmd.getErr().println(e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr())) {
                cmd.usage(cmd.getErr());
            }
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
        CommandLine.Model.ArgSpec at = e.getArgSpec();
        if (at == null && e instanceof CommandLine.MissingParameterException missing
                && !missing.getMissing().isEmpty()) {
            at = missing.getMissing().get(0);
        }
        String key = at instanceof CommandLine.Model.OptionSpec option ? option.longestName()
                : at != null ? at.paramLabel() : null;
        print(cmd, true, e.getMessage(), key);
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Prints one error: a line {@code error: <message>}, or with {@code json} one JSON object, on stderr. */
    static void print(CommandLine cmd, boolean json, String message, String key) {
        if (json) {
            ObjectNode error = JSON.createObjectNode().put("error", message).put("key", key);
            cmd.getErr().println(error);
        } else {
            cmd.getErr().println("error: " + message);
        }
        cmd.getErr().flush();
    }

    private static boolean wantsJson(List<String> args) {
        return args.contains("--json");
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
