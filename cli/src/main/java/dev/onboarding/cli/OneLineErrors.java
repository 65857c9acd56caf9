package dev.onboarding.cli;

import dev.onboarding.config.SettingsException;
import picocli.CommandLine;

/** Turns any failure into one clear line plus its cause on stderr, and exit code 1. */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        StringBuilder line = new StringBuilder("error: ").append(message(e));
        Throwable cause = e.getCause();
        if (!(e instanceof SettingsException) && cause != null && cause != e && cause.getMessage() != null
                && !String.valueOf(e.getMessage()).contains(cause.getMessage())) {
            line.append(" (cause: ").append(message(cause)).append(')');
        }
        cmd.getErr().println(line);
        if (System.getenv("ONBOARDING_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
