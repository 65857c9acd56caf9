package dev.onboarding.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code onboarding template customer|organization|provider}: prints a CloudFormation template shipped in the jar. */
@Command(name = "template", description = "Print a CloudFormation template: customer (the role and notification "
        + "each customer launches), organization (the same for every member account of an AWS Organization, as a "
        + "service-managed StackSet) or provider (topic and queues, one stack per region).")
public final class TemplateCommand implements Runnable {
    /** The templates this command knows. */
    enum Kind {
        /** What each customer launches. */
        customer,
        /** What a customer deploys as a service-managed StackSet to connect every account of an organization. */
        organization,
        /** What the provider deploys in each region. */
        provider
    }

    @Parameters(index = "0", paramLabel = "customer|organization|provider", description = "Which template.")
    Kind kind;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(text(kind));
        spec.commandLine().getOut().flush();
    }

    /** The TemplateVersion the customer template's notification sends with every request of its stacks. */
    public static String customerTemplateVersion() {
        try {
            return new ObjectMapper().readTree(text(Kind.customer))
                    .at("/Resources/IntegrationNotification/Properties/TemplateVersion").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template's JSON text. */
    static String text(Kind kind) {
        String resource = "/cloudformation/" + kind.name() + ".json";
        try (InputStream in = TemplateCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("template " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
