package dev.onboarding.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every key one app reads under its prefix ({@code processor.}, {@code bridge.}, ...), so that a key under that
 * prefix which no app reads (a typo) stops start-up instead of silently leaving a default in force
 * ({@link Settings#requireKnownKeys}). A key may end in one placeholder segment, {@code <name>}, standing for any
 * lower-case name: {@code bridge.sqs.endpoint.<region>}.
 */
public final class ConfigKeys {
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z-]+>$");
    private static final String NAME = "[a-z0-9][a-z0-9.-]*";
    private static final int NEAR = 3;

    private final String prefix;
    private final Set<String> keys;
    private final List<Pattern> patterns = new ArrayList<>();
    private final List<Pattern> variables = new ArrayList<>();

    private ConfigKeys(String prefix, Set<String> keys) {
        this.prefix = prefix;
        this.keys = Collections.unmodifiableSet(new TreeSet<>(keys));
        for (String key : this.keys) {
            if (!key.startsWith(prefix) || key.length() == prefix.length()) {
                throw new IllegalArgumentException(key + " is not a key under " + prefix);
            }
            String fixed = PLACEHOLDER.matcher(key).replaceAll("");
            boolean placeholder = !fixed.equals(key);
            patterns.add(Pattern.compile(Pattern.quote(fixed) + (placeholder ? NAME : "")));
            String variable = Settings.environmentVariable(fixed);
            variables.add(Pattern.compile(Pattern.quote(variable) + (placeholder ? "[A-Z0-9_]+" : "")));
        }
    }

    /**
     * The keys under {@code prefix}.
     *
     * @param prefix the app's prefix, ending in a dot ({@code "processor."})
     * @param keys every key in full ({@code "processor.state-dir"}), a last segment {@code <name>} for any name
     */
    public static ConfigKeys of(String prefix, String... keys) {
        if (!prefix.endsWith(".")) {
            throw new IllegalArgumentException("a prefix ends in a dot: " + prefix);
        }
        return new ConfigKeys(prefix, Set.of(keys));
    }

    /** These keys and {@code other}'s, which must share the prefix (two configs of one app). */
    public ConfigKeys and(ConfigKeys other) {
        if (!prefix.equals(other.prefix)) {
            throw new IllegalArgumentException("cannot join keys under " + prefix + " and " + other.prefix);
        }
        Set<String> all = new TreeSet<>(keys);
        all.addAll(other.keys);
        return new ConfigKeys(prefix, all);
    }

    /** The prefix, ending in a dot. */
    public String prefix() {
        return prefix;
    }

    /** Every key as declared (placeholders included), sorted. */
    public Set<String> keys() {
        return keys;
    }

    /** Whether {@code key} is one of these keys (or fills a placeholder of one). */
    public boolean knows(String key) {
        return patterns.stream().anyMatch(p -> p.matcher(key).matches());
    }

    /** Whether the environment variable {@code variable} overrides one of these keys. */
    public boolean knowsVariable(String variable) {
        return variables.stream().anyMatch(p -> p.matcher(variable).matches());
    }

    /** Whether {@code key} is under this prefix. */
    boolean covers(String key) {
        return key.startsWith(prefix);
    }

    /** Whether {@code variable} is under this prefix's environment variables ({@code ONBOARDING_PROCESSOR_}). */
    boolean coversVariable(String variable) {
        return variable.startsWith(Settings.environmentVariable(prefix));
    }

    /** Known keys beside an unknown one (same parent, else the prefix's), closest first: what was meant. */
    List<String> near(String unknown) {
        String parent = unknown.toLowerCase(Locale.ROOT);
        while (true) {
            int dot = parent.lastIndexOf('.', parent.length() - 2);
            parent = dot < 0 ? prefix : parent.substring(0, dot + 1);
            String within = parent;
            List<String> siblings = keys.stream().filter(k -> k.startsWith(within))
                    .sorted(Comparator.comparingInt((String k) -> -commonPrefix(k, unknown)))
                    .limit(NEAR).toList();
            if (!siblings.isEmpty() || parent.length() <= prefix.length()) {
                return siblings;
            }
        }
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigKeys other && prefix.equals(other.prefix) && keys.equals(other.keys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, keys);
    }

    @Override
    public String toString() {
        return prefix + "* " + keys;
    }
}
