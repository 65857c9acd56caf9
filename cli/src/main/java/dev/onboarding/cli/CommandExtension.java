package dev.onboarding.cli;

import java.util.List;

/**
 * Commands another jar adds to {@code onboarding} without this module knowing it: the jar lists its
 * implementation in {@code META-INF/services/dev.onboarding.cli.CommandExtension}, and every command line built by
 * {@link Onboarding#commandLine()} with that jar on the class path has its commands. The production jar has none;
 * the local sandbox adds {@code local}, {@code demo} and {@code simulate}.
 */
public interface CommandExtension {
    /** The commands to add: instances (or classes) annotated with picocli's {@code @Command}, each with its name. */
    List<Object> commands();
}
