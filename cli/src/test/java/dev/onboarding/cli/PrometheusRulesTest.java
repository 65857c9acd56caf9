package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus's alert rules pass {@code promtool check rules} and their unit tests ({@code promtool test
 * rules}), every dashboard query is valid PromQL, and the dashboard has a panel for each alert showing its expression.
 * promtool comes from Debian's {@code prometheus} package, which {@code .ci/run} installs: without it this test is
 * skipped with a message on a developer's machine, and fails in CI ({@code CI} set).
 */
class PrometheusRulesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst();
        if (found.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError("promtool is not installed: .ci/run installs Debian's prometheus package");
        }
        assumeThat(found).as("promtool is not installed (apt-get install prometheus): alert rules not checked")
                .isPresent();
        promtool = found.get();
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", DEPLOY.resolve("prometheus/alerts.yml").toString()))
                .contains("SUCCESS");
    }

    @Test
    void theAlertsFireWhenTheyShouldAndOnlyThen() throws Exception {
        try (Stream<Path> tests = Files.list(DEPLOY.resolve("prometheus/tests"))) {
            List<String> args = new ArrayList<>(List.of("test", "rules"));
            tests.filter(f -> f.toString().endsWith(".yml")).map(Path::toString).sorted().forEach(args::add);
            assertThat(args).hasSizeGreaterThan(2);
            assertThat(promtool(args.toArray(String[]::new))).contains("SUCCESS");
        }
    }

    @Test
    void everyDashboardQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        // promtool checks expressions inside rule files: each query becomes a recording rule.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : dashboardQueries().values()) {
            String concrete = expr.replace("$__rate_interval", "5m");
            rules.append("      - record: dashboard:query").append(n++).append("\n        expr: ")
                    .append(YAML.writeValueAsString(concrete).replaceFirst("^---\\s*", "").strip()).append('\n');
        }
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules, StandardCharsets.UTF_8);
        assertThat(promtool("check", "rules", file.toString())).contains("SUCCESS: " + n + " rules found");
    }

    @Test
    void everyAlertHasAPanelShowingItsExpression() throws IOException {
        Map<String, String> queries = dashboardQueries();
        for (JsonNode group : YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String title = "Alert: " + rule.get("alert").asText();
                assertThat(queries).as("a panel for %s", title).containsEntry(title + " A",
                        rule.get("expr").asText().strip());
            }
        }
    }

    /** Every panel query, keyed by its panel's title and refId. */
    static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/onboarding-pipeline.json").toFile());
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.put(panel.get("title").asText() + " " + target.get("refId").asText(), target.get("expr").asText());
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }
}
