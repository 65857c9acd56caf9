package dev.onboarding.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --endpoints-file} option of every command that talks to a running local stack. */
public final class EndpointsFileOption {
    @Option(names = "--endpoints-file", paramLabel = "FILE", defaultValue = "local-endpoints.properties",
            description = "Endpoints of the local stack, written by `onboarding local` (default: ${DEFAULT-VALUE}).")
    Path file;

    /** The file. */
    public Path file() {
        return file;
    }

    /** The endpoints in the file. */
    public EndpointsFile read() {
        return EndpointsFile.read(file);
    }
}
