package dev.onboarding.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw configuration of one process: a properties file overridden by environment variables.
 *
 * <p>A key {@code bridge.queues} is overridden by the variable {@code ONBOARDING_BRIDGE_QUEUES}: the
 * key upper-cased with dots and dashes turned into underscores. Typed getters fail with a
 * {@link SettingsException} that names the key, so a bad value stops start-up with one clear line.
 * Each app parses the keys it owns into its own immutable config record.
 */
public final class Settings {
    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "ONBOARDING_";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Set<String> lookedUp = ConcurrentHashMap.newKeySet();

    private Settings(Map<String, String> properties, Map<String, String> environment) {
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        this.environment = Map.copyOf(environment);
    }

    /** Settings from explicit key/values and an explicit environment (tests, embedding). */
    public static Settings of(Map<String, String> properties, Map<String, String> environment) {
        return new Settings(properties, environment);
    }

    /** Settings from key/values only, with no environment overrides. */
    public static Settings of(Map<String, String> properties) {
        return new Settings(properties, Map.of());
    }

    /** Settings from a properties file (optional) and the process environment. */
    public static Settings load(Optional<Path> file) {
        Map<String, String> values = new LinkedHashMap<>();
        file.ifPresent(path -> values.putAll(readProperties(path)));
        return new Settings(values, System.getenv());
    }

    private static Map<String, String> readProperties(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new SettingsException("config file " + path + " does not exist or is not a file");
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + path, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
        return values;
    }

    /** Returns a copy with the given keys set (they still lose to environment overrides). */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(properties);
        merged.putAll(overrides);
        return new Settings(merged, environment);
    }

    /** The environment variable that overrides {@code key}. */
    public static String environmentVariable(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The raw value of a key, environment first, blank values treated as absent. */
    public Optional<String> find(String key) {
        lookedUp.add(key);
        String env = environment.get(environmentVariable(key));
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        String value = properties.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** A required string. */
    public String string(String key) {
        return find(key).orElseThrow(() -> new SettingsException(key, "is required but not set (property " + key
                + " or environment variable " + environmentVariable(key) + ")"));
    }

    /** A string with a default. */
    public String string(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    /** An int with a default, checked against an inclusive range. */
    public int integer(String key, int defaultValue, int min, int max) {
        int value = find(key).map(v -> parse(key, v, Integer::parseInt, "a whole number")).orElse(defaultValue);
        if (value < min || value > max) {
            throw new SettingsException(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A long with a default, checked against an inclusive range. */
    public long longValue(String key, long defaultValue, long min, long max) {
        long value = find(key).map(v -> parse(key, v, Long::parseLong, "a whole number")).orElse(defaultValue);
        if (value < min || value > max) {
            throw new SettingsException(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A boolean ({@code true} or {@code false}) with a default. */
    public boolean bool(String key, boolean defaultValue) {
        return find(key).map(v -> {
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            throw new SettingsException(key, "must be true or false, got '" + v + "'");
        }).orElse(defaultValue);
    }

    /**
     * A non-negative duration with a default: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 15d}, or
     * ISO-8601 ({@code PT30S}).
     */
    public Duration duration(String key, Duration defaultValue) {
        Duration value = find(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
        if (value.isNegative()) {
            throw new SettingsException(key, "must not be negative, got " + value);
        }
        return value;
    }

    /** A comma-separated list; empty when unset. */
    public List<String> list(String key) {
        return find(key).map(Settings::splitList).orElse(List.of());
    }

    /** All keys under {@code prefix} (with the prefix removed): the pass-through for client properties. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(prefix) && !v.isBlank()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Overrides a pass-through map with environment variables for the given candidate keys (e.g. all Kafka configs). */
    public Map<String, String> withPrefix(String prefix, Iterable<String> knownKeys) {
        Map<String, String> out = new TreeMap<>(withPrefix(prefix));
        for (String k : knownKeys) {
            String env = environment.get(environmentVariable(prefix + k));
            if (env != null && !env.isBlank()) {
                out.put(k, env.trim());
            }
        }
        return out;
    }

    /**
     * Stops start-up on a key that no app reads under one of the apps' prefixes, in the properties or as an
     * environment variable, so that a typo never leaves a default in force silently. Keys under other prefixes
     * ({@code kafka.*}, {@code topics.*}, ...) are not checked here.
     *
     * @param apps the keys of every app that this process knows, one {@link ConfigKeys} per prefix
     * @throws SettingsException naming the first unknown key (or variable) and the known keys near it
     */
    public void requireKnownKeys(List<ConfigKeys> apps) {
        for (String key : properties.keySet()) {
            for (ConfigKeys app : apps) {
                if (app.covers(key) && !app.knows(key)) {
                    throw new SettingsException(key, "is not a setting (a typo?)" + near(app, key));
                }
            }
        }
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            if (variable.getValue() == null || variable.getValue().isBlank()) {
                continue;
            }
            for (ConfigKeys app : apps) {
                String name = variable.getKey();
                if (app.coversVariable(name) && !app.knowsVariable(name)) {
                    String asKey = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                    throw new SettingsException(name, "(environment variable) names no setting under "
                            + app.prefix() + " (a typo, or a variable injected by the platform such as Kubernetes'"
                            + " service links?)" + near(app, asKey));
                }
            }
        }
    }

    private static String near(ConfigKeys app, String key) {
        List<String> near = app.near(key);
        return (near.isEmpty() ? "" : "; known keys near it: " + String.join(", ", near))
                + "; README lists every key";
    }

    /**
     * Every key looked up so far with {@link #find} or the typed getters: what the code that read these settings
     * reads (the test that each app declares its {@link ConfigKeys} compares the two).
     */
    public Set<String> keysLookedUp() {
        return Set.copyOf(lookedUp);
    }

    /** Every key set in the file or through the environment is a candidate for {@link #find}; used for diagnostics. */
    public Map<String, String> properties() {
        return properties;
    }

    static List<String> splitList(String raw) {
        List<String> items = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return List.copyOf(items);
    }

    private static Duration parseDuration(String key, String raw) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            try {
                return Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new SettingsException(key, "is not a duration: '" + raw + "'");
            }
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new SettingsException(key, "is not a duration (use e.g. 500ms, 30s, 5m, 24h, 15d): '" + raw + "'");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new SettingsException(key, "is too long a duration: '" + raw + "'");
        }
    }

    private static <T> T parse(String key, String raw, Function<String, T> parser, String what) {
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw new SettingsException(key, "must be " + what + ", got '" + raw + "'");
        }
    }
}
