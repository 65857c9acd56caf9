package dev.onboarding.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code onboarding version}: prints the version of this build. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println("onboarding " + version());
    }

    /** The project version baked into the jar at build time. */
    static String version() {
        Properties props = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/onboarding-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return props.getProperty("version", "unknown");
    }

    /** Supplies {@code --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"onboarding " + version()};
        }
    }
}
