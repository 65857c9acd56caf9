package dev.onboarding.processor.health;

import dev.onboarding.config.SettingsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The IAM actions the current customer template grants: the {@code iam_actions} column of the job catalog, whose
 * union the template grants exactly (a test in the cli module holds the two equal). A denied action the template
 * grants was denied by something outside it (an organization SCP, a permissions boundary); one it does not grant
 * needs a template change. Only that column is read here: the scheduler owns the rest of the catalog's meaning.
 */
public final class TemplateGrants {
    /** The shipped catalog on the class path (the scheduler's default too). */
    public static final String DEFAULT_CATALOG = "/job-catalog.csv";

    private final Set<String> actions;

    private TemplateGrants(Set<String> actions) {
        this.actions = Set.copyOf(actions);
    }

    /** The grants of the shipped catalog. */
    public static TemplateGrants shipped() {
        try (InputStream in = TemplateGrants.class.getResourceAsStream(DEFAULT_CATALOG)) {
            if (in == null) {
                throw new IllegalStateException("the shipped job catalog " + DEFAULT_CATALOG + " is missing");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped job catalog", e);
        }
    }

    /** The grants of a catalog file (the one given to the scheduler as {@code scheduler.catalog.file}). */
    public static TemplateGrants of(Path catalog, String key) {
        try (Reader reader = Files.newBufferedReader(catalog, StandardCharsets.UTF_8)) {
            return parse(reader);
        } catch (IOException e) {
            throw new SettingsException(key, "cannot read the job catalog " + catalog + ": " + e.getMessage());
        }
    }

    /** These actions granted (tests). */
    public static TemplateGrants of(Set<String> actions) {
        Set<String> lower = new HashSet<>();
        actions.forEach(a -> lower.add(a.toLowerCase(Locale.ROOT)));
        return new TemplateGrants(lower);
    }

    private static TemplateGrants parse(Reader text) throws IOException {
        Set<String> actions = new HashSet<>();
        BufferedReader reader = new BufferedReader(text);
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split(",", -1);
            if (fields.length == 5) {
                for (String action : fields[4].strip().split("\\s+")) {
                    if (!action.isEmpty()) {
                        // IAM action names are case-insensitive.
                        actions.add(action.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return new TemplateGrants(actions);
    }

    /** Whether the template grants {@code action} (case-insensitive, as IAM compares them). */
    public boolean grants(String action) {
        return action != null && actions.contains(action.toLowerCase(Locale.ROOT));
    }

    /** How many actions it grants. */
    public int size() {
        return actions.size();
    }
}
