package dev.onboarding.processor.health;

import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import java.nio.file.Path;
import java.util.Map;

/**
 * The processor's integration-health settings ({@code processor.health.*}).
 *
 * @param unreachableAfterDenials consecutive denials of the role (re-verifications or collectors denied
 *     {@code sts:AssumeRole}) after which an integration is UNREACHABLE; errors and throttling neither count nor
 *     break the run
 * @param grants what the current customer template grants, from the job catalog
 */
public record HealthConfig(int unreachableAfterDenials, TemplateGrants grants) {
    /** The keys read here (joined to the processor's own, README documents each). */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("processor.",
            "processor.health.unreachable-after-denials", "processor.health.catalog-file");

    /** Default count of consecutive denials before UNREACHABLE. */
    public static final int DEFAULT_UNREACHABLE_AFTER_DENIALS = 3;

    /** Reads the {@code processor.health.*} keys. */
    public static HealthConfig from(Settings settings) {
        int denials = settings.integer("processor.health.unreachable-after-denials",
                DEFAULT_UNREACHABLE_AFTER_DENIALS, 1, 1_000);
        String catalog = settings.string("processor.health.catalog-file", "");
        return new HealthConfig(denials, catalog.isBlank() ? TemplateGrants.shipped()
                : TemplateGrants.of(Path.of(catalog), "processor.health.catalog-file"));
    }

    /** The defaults. */
    public static HealthConfig defaults() {
        return from(Settings.of(Map.of()));
    }
}
