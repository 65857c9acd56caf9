package dev.onboarding.cli;

import dev.onboarding.config.Settings;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by every command that reads configuration. */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file; every key can be overridden by ONBOARDING_<KEY> environment variables.")
    Path file;

    /** The settings from the file (if given) and the environment. */
    Settings settings() {
        return Settings.load(Optional.ofNullable(file));
    }
}
