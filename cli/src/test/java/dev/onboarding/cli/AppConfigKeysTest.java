package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.api.ApiConfig;
import dev.onboarding.bridge.egress.EgressConfig;
import dev.onboarding.bridge.ingress.IngressConfig;
import dev.onboarding.bridge.verification.VerificationConfig;
import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.processor.health.HealthConfig;
import dev.onboarding.scheduler.SchedulerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The keys each app declares ({@link PipelineApps#configKeys()}) are the keys its code reads and the keys README
 * documents, so the strict check at start-up never refuses a real key nor lets a typo through.
 */
class AppConfigKeysTest {
    private static final Path README = Path.of("..", "README.md");

    /** Every key the apps' configs read, with the conditional ones switched on (a queue region, a trust store). */
    static Set<String> keysTheCodeReads() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        values.put("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7");
        values.put("bridge.queues", "us-east-1=https://sqs.us-east-1.amazonaws.com/111122223333/callbacks");
        values.put("bridge.dead-letter-queues", "us-east-1=https://sqs.us-east-1.amazonaws.com/111122223333/dlq");
        values.put("api.auth.jwks-url", "https://issuer.example.com/.well-known/jwks.json");
        values.put("api.auth.issuer", "https://issuer.example.com/");
        values.put("api.auth.audience", "onboarding");
        values.put("api.auth.jwks-truststore.location", "truststore.p12");
        values.put("request.template-url", "https://templates.example.com/customer.yaml");
        values.put("request.provider-account-id", "111122223333");
        Settings settings = Settings.of(values);
        IngressConfig.from(settings);
        VerificationConfig.from(settings);
        EgressConfig.from(settings);
        ProcessorConfig.from(settings);
        HealthConfig.from(settings);
        SchedulerConfig.from(settings);
        ApiConfig.from(settings);
        return settings.keysLookedUp().stream().filter(AppConfigKeysTest::underAnAppPrefix)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyKeyTheAppsReadIsDeclared() {
        Set<String> undeclared = new TreeSet<>();
        for (String key : keysTheCodeReads()) {
            if (PipelineApps.configKeys().stream().noneMatch(app -> app.knows(key))) {
                undeclared.add(key);
            }
        }
        assertThat(undeclared).as("keys read but missing from the apps' CONFIG_KEYS (start-up would refuse them)")
                .isEmpty();
    }

    @Test
    void readmeDocumentsExactlyTheDeclaredKeys() throws IOException {
        Set<String> declared = new TreeSet<>();
        PipelineApps.configKeys().forEach(app -> declared.addAll(app.keys()));

        assertThat(documentedKeys()).isEqualTo(declared);
    }

    @Test
    void aTypoStopsEveryAppBeforeAnythingIsBuilt() {
        Settings settings = Settings.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:9092",
                "schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7", "scheduler.slot-spacng", "30s"));

        assertThatThrownBy(() -> PipelineApps.build(EnumSet.of(PipelineApps.App.PROCESSOR), settings,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                .isInstanceOfSatisfying(SettingsException.class,
                        e -> assertThat(e.key()).isEqualTo("scheduler.slot-spacng"))
                .hasMessageContaining("scheduler.slot-spacing");
    }

    /**
     * The keys under the apps' prefixes in README's configuration tables (first column): the tables with a default
     * column, not the endpoints file's table, whose {@code api.dev-token.*} keys are written by {@code local}.
     */
    static Set<String> documentedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        boolean configurationTable = false;
        for (String line : Files.readAllLines(README)) {
            if (!line.startsWith("|")) {
                configurationTable = false;
                continue;
            }
            if (!line.startsWith("| `")) {
                configurationTable |= line.toLowerCase(Locale.ROOT).matches("\\|\\s*key\\s*\\|\\s*default\\s*\\|.*");
                continue;
            }
            if (!configurationTable) {
                continue;
            }
            String firstCell = line.substring(1, line.indexOf('|', 1));
            Matcher m = code.matcher(firstCell);
            String previous = null;
            while (m.find()) {
                String token = m.group(1);
                // "`api.auth.jwks-truststore.location`, `.password`, `.type`": siblings of the key before
                String key = token.startsWith(".") && previous != null
                        ? previous.substring(0, previous.lastIndexOf('.')) + token : token;
                if (underAnAppPrefix(key)) {
                    keys.add(key);
                }
                previous = key;
            }
        }
        return keys;
    }

    private static boolean underAnAppPrefix(String key) {
        return PipelineApps.configKeys().stream().map(ConfigKeys::prefix).anyMatch(key::startsWith);
    }
}
