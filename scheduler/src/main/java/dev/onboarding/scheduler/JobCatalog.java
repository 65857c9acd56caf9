package dev.onboarding.scheduler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS resource types a connected account is collected for, each with its scope (global or regional) and
 * refresh interval, and the IAM actions its collector calls. Read from a small CSV file
 * ({@code service,resource_type,scope,refresh_interval[,iam_actions]}, {@code #} comments); the shipped default is
 * {@code job-catalog.csv} on the class path.
 */
public final class JobCatalog {
    /** Class-path location of the shipped default catalog. */
    public static final String DEFAULT_RESOURCE = "/job-catalog.csv";
    /** Shortest refresh interval a catalog may ask for. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** Longest refresh interval a catalog may ask for. */
    public static final Duration MAX_INTERVAL = Duration.ofDays(31);

    private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9]+(::[A-Za-z0-9]+){2,3}");
    private static final Pattern INTERVAL = Pattern.compile("(\\d+)(s|m|h|d)");
    private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9]+");
    private static final Pattern BLANKS = Pattern.compile("\\s+");

    private final List<ResourceType> types;
    private final String source;

    private JobCatalog(List<ResourceType> types, String source) {
        this.types = List.copyOf(types);
        this.source = source;
    }

    /**
     * One collectable resource type.
     *
     * @param service service key, e.g. {@code ec2}
     * @param resourceType type name, e.g. {@code AWS::EC2::Instance}
     * @param global whether it is collected once per account (in the home region) rather than in every region
     * @param interval how often it is collected again
     * @param actions the IAM actions ({@code prefix:Action}) its collector calls, in file order; empty when the
     *     catalog does not say
     */
    public record ResourceType(String service, String resourceType, boolean global, Duration interval,
            List<String> actions) {
        /** A type; {@code actions} is copied. */
        public ResourceType {
            actions = List.copyOf(actions);
        }

        /** A type whose IAM actions the catalog does not name. */
        public ResourceType(String service, String resourceType, boolean global, Duration interval) {
            this(service, resourceType, global, interval, List.of());
        }
    }

    /** The shipped default catalog. */
    public static JobCatalog defaults() {
        try (InputStream in = JobCatalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default job catalog " + DEFAULT_RESOURCE + " is missing");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the default job catalog", e);
        }
    }

    /** Loads a catalog file; fails with {@link CatalogException} naming the file and line of a bad entry. */
    public static JobCatalog load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogException(file + " does not exist or is not a file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        } catch (IOException e) {
            throw new CatalogException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A catalog built from already-validated types (tests, benchmarks). */
    public static JobCatalog of(List<ResourceType> types) {
        return validated(types, "inline");
    }

    /** Parses catalog text; {@code source} names it in error messages. */
    public static JobCatalog parse(Reader text, String source) throws IOException {
        List<ResourceType> types = new ArrayList<>();
        BufferedReader reader = new BufferedReader(text);
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            types.add(parseLine(trimmed, source + ":" + lineNumber));
        }
        return validated(types, source);
    }

    private static ResourceType parseLine(String line, String where) {
        String[] fields = line.split(",", -1);
        if (fields.length != 4 && fields.length != 5) {
            throw new CatalogException(where + ": expected service,resource_type,scope,refresh_interval[,iam_actions]"
                    + " but got " + fields.length + " field(s): '" + line + "'");
        }
        String service = fields[0].strip();
        String type = fields[1].strip();
        String scope = fields[2].strip().toLowerCase(Locale.ROOT);
        if (!SERVICE.matcher(service).matches()) {
            throw new CatalogException(where + ": service '" + service + "' must be lower-case letters, digits, '-'");
        }
        if (!TYPE.matcher(type).matches()) {
            throw new CatalogException(where + ": resource type '" + type + "' must look like AWS::Service::Type");
        }
        boolean global = switch (scope) {
            case "global" -> true;
            case "regional" -> false;
            default -> throw new CatalogException(where + ": scope must be global or regional, got '" + scope + "'");
        };
        List<String> actions = fields.length == 5 ? parseActions(fields[4].strip(), where) : List.of();
        return new ResourceType(service, type, global, parseInterval(fields[3].strip(), where), actions);
    }

    /** Space-separated {@code prefix:Action} names (a space cannot clash with the CSV's commas). */
    private static List<String> parseActions(String raw, String where) {
        if (raw.isEmpty()) {
            return List.of();
        }
        List<String> actions = new ArrayList<>();
        for (String action : BLANKS.split(raw)) {
            if (!ACTION.matcher(action).matches()) {
                throw new CatalogException(where + ": IAM action '" + action + "' must look like prefix:Action"
                        + " (space-separated, no wildcards)");
            }
            if (actions.contains(action)) {
                throw new CatalogException(where + ": IAM action " + action + " is listed twice");
            }
            actions.add(action);
        }
        return actions;
    }

    private static Duration parseInterval(String raw, String where) {
        Matcher m = INTERVAL.matcher(raw.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CatalogException(where + ": refresh interval '" + raw + "' must look like 30s, 15m, 1h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static JobCatalog validated(List<ResourceType> types, String source) {
        if (types.isEmpty()) {
            throw new CatalogException(source + ": the catalog has no resource types");
        }
        Set<String> seen = new HashSet<>();
        for (ResourceType type : types) {
            if (!seen.add(type.resourceType())) {
                throw new CatalogException(source + ": resource type " + type.resourceType() + " is listed twice");
            }
            if (type.interval().compareTo(MIN_INTERVAL) < 0 || type.interval().compareTo(MAX_INTERVAL) > 0) {
                throw new CatalogException(source + ": " + type.resourceType() + " has refresh interval "
                        + type.interval() + ", outside " + MIN_INTERVAL + " to " + MAX_INTERVAL);
            }
        }
        return new JobCatalog(types, source);
    }

    /** Every resource type, in file order (which is also job order inside an interval class). */
    public List<ResourceType> types() {
        return types;
    }

    /** Where the catalog was read from, for logs. */
    public String source() {
        return source;
    }

    /** A catalog with every refresh interval replaced by {@code interval} (benchmarks that need a fast cadence). */
    public JobCatalog withInterval(Duration interval) {
        List<ResourceType> changed = new ArrayList<>(types.size());
        types.forEach(t -> changed.add(new ResourceType(t.service(), t.resourceType(), t.global(), interval,
                t.actions())));
        return validated(changed, source + " (every interval " + interval + ")");
    }

    @Override
    public String toString() {
        return "JobCatalog[" + types.size() + " types from " + source + "]";
    }

    /** A catalog entry or file that cannot be used; the message names the file and line. */
    public static final class CatalogException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A problem described by {@code message}. */
        public CatalogException(String message) {
            super(message);
        }
    }
}
