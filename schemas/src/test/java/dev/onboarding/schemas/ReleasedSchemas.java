package dev.onboarding.schemas;

import dev.onboarding.schemas.topics.TopicDefinition;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every released version of the contract, kept under {@code src/test/resources/released/<version>/} as one
 * self-contained schema per top-level record (enums and nested records inlined), and the generator that
 * adds a version on release.
 *
 * <p>Run on release (from the repository root, after {@code mvn -pl schemas test-compile}):
 * {@code java -cp "schemas/target/test-classes:schemas/target/classes:<avro and jackson jars>"
 * dev.onboarding.schemas.ReleasedSchemas v2}.
 */
public final class ReleasedSchemas {
    private static final String RESOURCE_DIR = "released";

    private ReleasedSchemas() {
    }

    /** The top-level record types: the value type of every topic. */
    public static Set<Class<? extends SpecificRecord>> topLevelTypes() {
        Set<Class<? extends SpecificRecord>> types = new LinkedHashSet<>();
        for (TopicDefinition definition : TopicDefinition.values()) {
            types.add(definition.valueType());
        }
        return types;
    }

    /** The current schema of every top-level record, by record name, as the generated classes carry it. */
    public static Map<String, Schema> current() {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (Class<? extends SpecificRecord> type : topLevelTypes()) {
            Schema schema = SpecificData.get().getSchema(type);
            schemas.put(schema.getName(), schema);
        }
        return schemas;
    }

    /** The kept versions, oldest first ({@code v1}, {@code v2}, ..., {@code v10}). */
    public static List<String> versions() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory)
                    .map(dir -> dir.getFileName().toString())
                    .filter(name -> name.matches("v\\d+"))
                    .sorted(Comparator.comparingInt(name -> Integer.parseInt(name.substring(1))))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The schemas of one kept version, by record name. Each file is parsed on its own, which proves it is
     * self-contained.
     */
    public static Map<String, Schema> load(String version) {
        Map<String, Schema> schemas = new TreeMap<>();
        try (Stream<Path> files = Files.list(root().resolve(version))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                Schema schema = new Schema.Parser().parse(Files.readString(file, StandardCharsets.UTF_8));
                schemas.put(schema.getName(), schema);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return schemas;
    }

    private static Path root() {
        URL url = ReleasedSchemas.class.getClassLoader().getResource(RESOURCE_DIR);
        if (url == null) {
            throw new IllegalStateException("no " + RESOURCE_DIR + "/ directory on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the current contract as released version {@code args[0]} (e.g. {@code v2}) into
     * {@code <module>/src/test/resources/released/}, where {@code <module>} is {@code args[1]}, or the working
     * directory when it holds {@code src/main/avro}, or {@code schemas}. Refuses to overwrite a kept version.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || !args[0].matches("v\\d+")) {
            throw new IllegalArgumentException("usage: ReleasedSchemas v<N> [schemas module dir]");
        }
        Path module = args.length > 1 ? Path.of(args[1])
                : Files.isDirectory(Path.of("src/main/avro")) ? Path.of(".") : Path.of("schemas");
        Path target = module.resolve("src/test/resources").resolve(RESOURCE_DIR).resolve(args[0]);
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " already exists: a released version is never rewritten");
        }
        // Parse the sources (not the generated classes) so the files carry no Java-only properties.
        Schema.Parser parser = new Schema.Parser();
        for (Path file : avscFiles(module.resolve("src/main/avro/common"))) {
            parser.parse(file.toFile());
        }
        Map<String, Schema> parsed = new LinkedHashMap<>();
        for (Path file : avscFiles(module.resolve("src/main/avro"))) {
            Schema schema = parser.parse(file.toFile());
            parsed.put(schema.getName(), schema);
        }
        Files.createDirectories(target);
        List<String> written = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : topLevelTypes()) {
            Schema schema = parsed.get(type.getSimpleName());
            if (schema == null) {
                throw new IllegalStateException("no source schema for " + type.getName() + " under " + module);
            }
            File out = target.resolve(schema.getName() + ".avsc").toFile();
            Files.writeString(out.toPath(), schema.toString(true) + "\n", StandardCharsets.UTF_8);
            written.add(out.getName());
        }
        System.out.println("wrote " + written + " to " + target);
    }

    private static List<Path> avscFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
        }
    }
}
