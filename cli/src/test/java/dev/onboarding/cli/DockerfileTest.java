package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What the image build does, read from the Dockerfile and the poms (no Docker engine runs here): the poms are
 * copied and the dependencies resolved before any source, so a source change reuses the dependency layer; and the
 * build's module list (what {@code -pl cli -am} selects) holds the production modules only, never {@code embedded}
 * (whose build downloads Apicurio), {@code local} or {@code bench}.
 */
class DockerfileTest {
    private static final Path ROOT = Path.of("..");
    private static final Set<String> NEVER_IN_THE_IMAGE = Set.of("embedded", "local", "bench");
    private static final Pattern PROJECT_LIST = Pattern.compile("(?:^|\\s)(?:-pl|--projects)\\s+(\\S+)");

    private static List<String> build;

    @BeforeAll
    static void readTheBuildStage() throws IOException {
        build = new ArrayList<>();
        int stages = 0;
        for (String instruction : instructions(Files.readString(ROOT.resolve("Dockerfile")))) {
            if (instruction.startsWith("FROM ")) {
                stages++;
            } else if (stages == 1) {
                build.add(instruction);
            }
        }
        assertThat(build).as("the build stage").isNotEmpty();
    }

    @Test
    void everyPomIsCopiedAndTheDependenciesResolvedBeforeAnySource() throws Exception {
        int resolve = indexOf("RUN mvn", "dependency:");
        int firstSource = indexOf("COPY ", "/src");
        assertThat(resolve).as("a RUN mvn ... dependency:go-offline (or resolve) step").isNotNegative();
        assertThat(firstSource).as("sources are copied").isNotNegative();
        assertThat(resolve).as("dependencies resolved before the first source is copied").isLessThan(firstSource);
        List<String> beforeResolving = build.subList(0, resolve);
        assertThat(beforeResolving).contains("COPY pom.xml .");
        for (String module : modules(ROOT.resolve("pom.xml"))) {
            assertThat(beforeResolving).as("the pom of module %s", module)
                    .contains("COPY " + module + "/pom.xml " + module + "/");
        }
        assertThat(build).as("never the whole context: a source change must not invalidate the dependency layer")
                .noneMatch(i -> i.matches("COPY \\.\\s.*"));
    }

    @Test
    void everyMavenRunBuildsTheProductionModulesOnly() throws Exception {
        List<String> runs = build.stream().filter(i -> i.startsWith("RUN ") && i.contains("mvn ")).toList();
        assertThat(runs).hasSizeGreaterThanOrEqualTo(2);
        for (String run : runs) {
            Matcher projects = PROJECT_LIST.matcher(run);
            assertThat(projects.find()).as("%s names its modules", run).isTrue();
            assertThat(projects.group(1).split(",")).as(run).containsExactly("cli");
            assertThat(run).as("tests (and what only they need) skipped").contains("-Dmaven.test.skip=true");
        }
        Set<String> selected = productionModules("cli");
        assertThat(selected).contains("runtime", "schemas", "bridge", "processor", "scheduler", "cli")
                .doesNotContainAnyElementsOf(NEVER_IN_THE_IMAGE);
        for (String module : NEVER_IN_THE_IMAGE) {
            assertThat(build).as("no source of %s", module).noneMatch(i -> i.startsWith("COPY " + module + "/src"));
        }
        assertThat(String.join("\n", build).toLowerCase()).doesNotContain("apicurio");
    }

    @Test
    void theImageShipsTheProductionJar() throws IOException {
        assertThat(Files.readString(ROOT.resolve("Dockerfile")))
                .contains("COPY --from=build /src/cli/target/onboarding.jar /app/onboarding.jar");
    }

    /** Index of the first build instruction that starts with {@code start} and contains {@code part}, or -1. */
    private static int indexOf(String start, String part) {
        for (int i = 0; i < build.size(); i++) {
            if (build.get(i).startsWith(start) && build.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /** Instructions with continuation lines joined, comments and blank lines left out. */
    private static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String stripped = line.strip();
            if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                out.add(current.append(stripped).toString().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return out;
    }

    /**
     * What {@code -pl <module> -am -Dmaven.test.skip=true} builds: the module and every project module it depends
     * on, through dependencies outside profiles and in profiles active when tests are skipped.
     */
    private static Set<String> productionModules(String start) throws Exception {
        Set<String> all = new LinkedHashSet<>(modules(ROOT.resolve("pom.xml")));
        Set<String> selected = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String module = todo.pop();
            if (!selected.add(module)) {
                continue;
            }
            Element project = pom(ROOT.resolve(module).resolve("pom.xml"));
            List<Element> dependencyLists = new ArrayList<>(children(project, "dependencies"));
            for (Element profiles : children(project, "profiles")) {
                for (Element profile : children(profiles, "profile")) {
                    if (activeWhenTestsAreSkipped(profile)) {
                        dependencyLists.addAll(children(profile, "dependencies"));
                    }
                }
            }
            for (Element dependencies : dependencyLists) {
                for (Element dependency : children(dependencies, "dependency")) {
                    String artifact = text(dependency, "artifactId");
                    if ("dev.onboarding".equals(text(dependency, "groupId")) && all.contains(artifact)) {
                        todo.push(artifact);
                    }
                }
            }
        }
        return selected;
    }

    private static boolean activeWhenTestsAreSkipped(Element profile) {
        for (Element activation : children(profile, "activation")) {
            for (Element property : children(activation, "property")) {
                if ("maven.test.skip".equals(text(property, "name")) && "!true".equals(text(property, "value"))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> modules(Path parentPom) throws Exception {
        List<String> modules = new ArrayList<>();
        for (Element list : children(pom(parentPom), "modules")) {
            children(list, "module").forEach(m -> modules.add(m.getTextContent().strip()));
        }
        assertThat(modules).as("modules of the parent pom").isNotEmpty();
        return modules;
    }

    private static Element pom(Path file) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return document.getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                out.add(element);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }
}
