package dev.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onboarding status <integration-id>}: an integration's state, from the processor's query endpoint. */
@Command(name = "status", description = "Show an integration's state (from the processor's query endpoint).")
final class StatusCommand implements Callable<Integer> {
    /** Exit code for an integration the processor does not know (HTTP 404). */
    static final int UNKNOWN_INTEGRATION = 3;

    @CommandLine.Mixin
    EndpointsFileOption endpointsFile;

    @Parameters(index = "0", paramLabel = "<integration-id>", description = "The integration.")
    String integrationId;

    @Option(names = "--processor-url", paramLabel = "URL",
            description = "The processor's HTTP endpoint; default: http.processor.url from the endpoints file.")
    String processorUrl;

    @Option(names = "--json", description = "Print the state object as JSON (status among its fields).")
    boolean json;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String url = processorUrl != null ? processorUrl : endpointsFile.read().processorUrl();
        ProcessorQueries queries = new ProcessorQueries(url);
        Optional<JsonNode> found = queries.integration(integrationId);
        if (found.isEmpty()) {
            OneLineErrors.print(spec.commandLine(), json, "integration " + integrationId
                    + " is not known to the processor at " + queries.baseUrl(), null);
            return UNKNOWN_INTEGRATION;
        }
        JsonNode state = found.get();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(state);
        } else {
            JsonNode health = state.path("health");
            out.println("integration " + integrationId + ": " + state.path("status").asText("(no status)")
                    + (health.isObject() ? " (" + health.path("status").asText() + ")" : ""));
            for (Map.Entry<String, JsonNode> field : state.properties()) {
                if (field.getKey().equals("progress") && field.getValue().isObject()) {
                    printProgress(field.getValue(), out);
                } else if (field.getKey().equals("members") && field.getValue().isArray()) {
                    printMembers(field.getValue(), state.path("memberSummary"), out);
                } else if (field.getKey().equals("memberSummary")) {
                    continue; // in the members' heading
                } else if (field.getKey().equals("health") && field.getValue().isObject()) {
                    printHealth(field.getValue(), out);
                } else if (!field.getKey().equals("status") && !field.getValue().isNull()) {
                    out.printf("  %-20s %s%n", field.getKey(),
                            field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString());
                }
            }
        }
        out.flush();
        return 0;
    }

    /** An organization's members, one line each under the summary. */
    private static void printMembers(JsonNode members, JsonNode summary, PrintWriter out) {
        out.printf("  %-20s %d (connected %d, failed %d, pending %d)%n", "members", members.size(),
                summary.path("connected").asInt(), summary.path("failed").asInt(), summary.path("pending").asInt());
        for (JsonNode member : members) {
            out.printf("    %-14s %-13s %s%s%n", member.path("accountId").asText(), member.path("status").asText(),
                    member.path("integrationId").asText(), member.path("reason").isTextual()
                            ? "  " + member.path("reason").asText() : "");
        }
    }

    /** Whether the role still works, why not, and the denied job types, in words. */
    private static void printHealth(JsonNode health, PrintWriter out) {
        out.printf("  %-20s %s since %s, last checked %s%s%n", "health", health.path("status").asText(),
                health.path("since").asText(), health.path("lastCheckedAt").asText(),
                health.path("reason").isTextual() ? ": " + health.path("reason").asText() : "");
        for (JsonNode denied : health.path("deniedJobTypes")) {
            out.printf("  %-20s %s: %s%s%n", "denied job type", denied.path("resourceType").asText(),
                    denied.path("action").asText(), denied.path("grantedByTemplate").asBoolean()
                            ? " (granted by the current template: possibly an SCP or a permissions boundary)"
                            : " (not granted by the current template)");
        }
    }

    /** The latest callback and its role's verification, in words. */
    private static void printProgress(JsonNode progress, PrintWriter out) {
        out.printf("  %-20s %s, request %s, received %s%n", "latest callback",
                progress.path("latestCallbackType").asText(), progress.path("latestCallbackRequestId").asText(),
                progress.path("latestCallbackAt").asText());
        JsonNode role = progress.path("roleVerification");
        if (role.isObject()) {
            out.printf("  %-20s %s at %s%s%n", "role verification", role.path("state").asText(),
                    role.path("updatedAt").asText(), role.path("reason").isTextual()
                            ? ": " + role.path("reason").asText() : "");
        }
    }
}
