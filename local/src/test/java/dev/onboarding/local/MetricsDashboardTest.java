package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.contract.IntegrationRequested;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric the Grafana dashboard (deploy/grafana) and the alert rules (deploy/prometheus) query is one the apps
 * serve at /metrics: the names are scraped from the shared stack's registry after a connection, a malformed message
 * and a role verification went through it.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsDashboardTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    /** Series Prometheus itself makes for every target, not the apps. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    private Set<String> served;

    @BeforeAll
    void driveTheStack(SecurityStack stack) {
        IntegrationRequestPublisher.Published published = stack.request(SecurityStack.newTenant("metrics"),
                Optional.empty());
        stack.connect(published, SecurityStack.newAccount());
        stack.sendRaw("{ not json");
        // An upstream service's malformed request: the processor dead-letters it.
        stack.publishRequest(IntegrationRequested.newBuilder().setIntegrationId("metrics-" + UUID.randomUUID())
                .setTenantId("metrics").setExternalId("not an external id").setRoleName("Role").setName("n")
                .setTags(Map.of()).setRequestedAt(Instant.now()).setExpiresAt(Instant.now().plusSeconds(3600))
                .build());
        await("the malformed message and request dead-lettered and counted").atMost(SecurityStack.PATIENCE)
                .until(() -> stack.metrics().scrape().contains("bridge_ingress_dead_lettered_total{")
                        && stack.metrics().scrape().contains("processor_dead_letters_total{"));
        served = servedNames(stack.metrics().scrape());
    }

    @Test
    void everyDashboardQueryNamesAServedMetric() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/onboarding-pipeline.json").toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> panel.path("targets").forEach(t -> exprs.add(t.get("expr").asText())));
        assertThat(exprs).isNotEmpty();
        for (String expr : exprs) {
            assertThat(metricNames(expr)).as("metrics of %s", expr).isNotEmpty()
                    .allSatisfy(name -> assertThat(PROMETHEUS_OWN.contains(name) || served.contains(name))
                            .as("%s served at /metrics", name).isTrue());
        }
    }

    @Test
    void everyAlertNamesAServedMetric() throws IOException {
        List<String> exprs = new ArrayList<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("prometheus/alerts.yml"))) {
            // Expressions are one line (expr: ...) or a block (expr: |); names are collected from either.
            exprs.add(line.strip().startsWith("expr:") ? line.strip().substring(5) : "");
        }
        String blocks = Files.readString(DEPLOY.resolve("prometheus/alerts.yml"));
        Set<String> names = new TreeSet<>();
        for (String block : blocks.split("- alert: ")) {
            int expr = block.indexOf("expr:");
            int labels = block.indexOf("labels:");
            int forClause = block.indexOf("for:", expr);
            int end = forClause > expr && forClause < labels ? forClause : labels;
            if (expr >= 0 && end > expr) {
                names.addAll(metricNames(block.substring(expr + 5, end).replace("|", " ")));
            }
        }
        assertThat(exprs).anyMatch(e -> !e.isEmpty());
        assertThat(names).contains("processor_role_verification_results_total", "onboarding_service_ready")
                .allSatisfy(name -> assertThat(PROMETHEUS_OWN.contains(name) || served.contains(name))
                        .as("%s served at /metrics", name).isTrue());
    }

    @Test
    void namesFollowPrometheusConventions() {
        assertThat(served).filteredOn(n -> n.startsWith("processor_") || n.startsWith("scheduler_")
                || n.startsWith("bridge_")).isNotEmpty()
                .allSatisfy(n -> assertThat(n).doesNotContain("__").matches("[a-z][a-z0-9_]*"));
        assertThat(served).contains("processor_decisions_total", "scheduler_jobs_emitted_total",
                "scheduler_due_index_lag_seconds", "bridge_ingress_poll_latency_seconds_bucket");
    }

    /** The sample names in Prometheus text (histograms' _bucket, _sum and _count included). */
    private static Set<String> servedNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = IDENTIFIER.matcher(line);
                if (m.lookingAt()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** The metric names a PromQL expression selects: identifiers that are not functions, keywords or labels. */
    static Set<String> metricNames(String expr) {
        String bare = QUOTED.matcher(expr).replaceAll("\"\"");
        bare = bare.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^]]*\\]", " ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String token = m.group();
            int after = m.end();
            while (after < bare.length() && bare.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < bare.length() && bare.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(token.toLowerCase())) {
                names.add(token);
            }
        }
        return names;
    }
}
