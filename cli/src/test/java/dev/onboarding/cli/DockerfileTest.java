package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.api.ApiConfig;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.runtime.Service;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * (whose build downloads Apicurio), {@code local} or {@code bench}. The runtime stage declares the ports the apps serve,
 * leaves memory to RocksDB, and its health check (run here with bash, against a real operations endpoint) asks
 * {@code /health}.
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

    @Test
    void theImageDeclaresThePortsTheAppsServe() throws IOException {
        String expose = runtimeInstruction("EXPOSE ");
        assertThat(expose.substring("EXPOSE ".length()).split(" ")).containsExactlyInAnyOrder(
                Integer.toString(OperationsEndpoint.DEFAULT_PORT), Integer.toString(ApiConfig.DEFAULT_PORT),
                Integer.toString(ProcessorConfig.defaults().httpPort()));
    }

    @Test
    void theHeapLeavesRoomForRocksDbAndOptionsCanBeAdded() throws IOException {
        JsonNode exec = new ObjectMapper().readTree(runtimeInstruction("ENTRYPOINT ").substring("ENTRYPOINT ".length()));
        assertThat(exec.get(0).asText() + " " + exec.get(1).asText()).isEqualTo("sh -c");
        String entrypoint = exec.get(2).asText();
        // exec: the JVM is PID 1 and gets SIGTERM; "$@": the container's arguments are the command.
        assertThat(entrypoint).startsWith("exec java ").contains("-XX:MaxRAMPercentage=50").contains("$JAVA_OPTS")
                .endsWith(" -jar /app/onboarding.jar \"$@\"");
        // JAVA_OPTS comes after the default, so a deployment's -XX:MaxRAMPercentage wins.
        assertThat(entrypoint.indexOf("$JAVA_OPTS")).isGreaterThan(entrypoint.indexOf("MaxRAMPercentage"));
    }

    @Test
    void theHealthCheckAsksTheOperationsEndpointWithWhatTheImageHas() throws Exception {
        List<String> check = healthCheckCommand();
        assertThat(check.get(0)).as("no curl in the JRE image; bash is").isEqualTo("bash");
        AtomicBoolean alive = new AtomicBoolean(true);
        Service service = new Service() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void start() {
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public boolean isAlive() {
                return alive.get();
            }

            @Override
            public void close() {
            }
        };
        try (OperationsEndpoint ops = OperationsEndpoint.start("127.0.0.1", 0, List.of(service),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            String port = ops.url().substring(ops.url().lastIndexOf(':') + 1);
            assertThat(run(check, port)).as("healthy").isZero();
            alive.set(false);
            assertThat(run(check, port)).as("/health answers 503").isNotZero();
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThat(run(check, Integer.toString(closed))).as("nothing listening").isNotZero();
    }

    /** The HEALTHCHECK's command, as the exec form lists it. */
    private static List<String> healthCheckCommand() throws IOException {
        String instruction = runtimeInstruction("HEALTHCHECK ");
        String json = instruction.substring(instruction.indexOf(" CMD ") + " CMD ".length());
        List<String> command = new ArrayList<>();
        new ObjectMapper().readTree(json).forEach(node -> command.add(node.asText()));
        return command;
    }

    /** Runs the health check as Docker would, with the operations port set through its variable. */
    private static int run(List<String> command, String port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ONBOARDING_OPS_HTTP_PORT", port);
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the check ends").isTrue();
        return process.exitValue();
    }

    /** The one instruction of the runtime stage that starts with {@code start}. */
    private static String runtimeInstruction(String start) throws IOException {
        List<String> all = instructions(Files.readString(ROOT.resolve("Dockerfile")));
        int runtime = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("FROM ")) {
                runtime = i;
            }
        }
        List<String> found = all.subList(runtime, all.size()).stream().filter(i -> i.startsWith(start)).toList();
        assertThat(found).as("one %s in the runtime stage", start.strip()).hasSize(1);
        return found.get(0);
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
