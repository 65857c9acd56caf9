package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.onboarding.api.ApiConfig;
import dev.onboarding.bridge.egress.EgressConfig;
import dev.onboarding.bridge.ingress.IngressConfig;
import dev.onboarding.config.Settings;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.scheduler.SchedulerConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/kubernetes, parsed with Kubernetes' object model (fabric8) set to refuse any field the API does not have,
 * and checked against the apps: every workload runs a command the CLI has, serves its probes and scrape target on
 * the ports its settings give, reads only settings the apps know (each app's config is built from the pod's
 * environment), keeps state where a StatefulSet's volume is, and the processor's unauthenticated query server is
 * reachable from the pipeline's own pods only. The base and the local overlay (rendered by {@link Kustomization})
 * are both checked.
 */
class KubernetesManifestsTest {
    private static final Path KUBERNETES = Path.of("..", "deploy", "kubernetes");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    /** Kubernetes' model, strict: fabric8 keeps unknown fields in additionalProperties; here they fail. */
    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return false;
                }
            });
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class, "v1/Secret", Secret.class, "v1/Service", Service.class,
            "v1/ServiceAccount", ServiceAccount.class, "v1/Namespace", Namespace.class,
            "apps/v1/Deployment", Deployment.class, "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
    private static final List<String> APPS = List.of("bridge", "processor", "scheduler", "api");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local"})
    void everyManifestParsesStrictly(String dir) throws IOException {
        List<HasMetadata> objects = parse(Kustomization.render(KUBERNETES.resolve(dir)));
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Deployment/onboarding-bridge", "StatefulSet/onboarding-processor",
                        "StatefulSet/onboarding-scheduler", "Deployment/onboarding-api")
                .doesNotHaveDuplicates();
        // Every file under deploy/kubernetes is a manifest or a kustomization that parses, used or not.
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    parse(Kustomization.documents(file));
                }
            }
        }
    }

    @Test
    void anUnknownFieldIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        String bridge = Files.readString(KUBERNETES.resolve("base/bridge.yaml"));
        assertThat(bridge).contains("readinessProbe:");
        Path broken = dir.resolve("bridge.yaml");
        Files.writeString(broken, bridge.replace("readinessProbe:", "readynessProbe:"), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parse(Kustomization.documents(broken)))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("\"readynessProbe\"")
                .hasMessageContaining("Container");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local"})
    void everyAppServesItsProbesPortsAndSettingsAsTheCodeDoes(String dir) throws IOException {
        Manifests manifests = new Manifests(parse(Kustomization.render(KUBERNETES.resolve(dir))));
        for (String app : APPS) {
            Workload workload = manifests.workload(app);
            PodTemplateSpec pod = workload.template();
            assertThat(pod.getSpec().getEnableServiceLinks()).as("%s enableServiceLinks", app).isFalse();
            Container container = pod.getSpec().getContainers().get(0);
            assertThat(container.getArgs()).as("%s command", app).containsExactly(app);
            assertThat(Onboarding.commandLine().getSubcommands()).as("the CLI runs %s", app).containsKey(app);

            Map<String, String> env = manifests.environment(container, workload.podName());
            Settings settings = Settings.of(Map.of(), env);
            settings.requireKnownKeys(PipelineApps.configKeys());
            int opsPort = settings.integer("ops.http.port", OperationsEndpoint.DEFAULT_PORT, 0, 65535);
            assertThat(port(container, "ops")).as("%s ops port", app).isEqualTo(opsPort);
            assertHttpGet(container.getLivenessProbe(), "/health", "ops", app + " liveness");
            assertHttpGet(container.getStartupProbe(), "/health", "ops", app + " startup");
            assertThat(pod.getMetadata().getAnnotations()).as("%s scrape annotations")
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", Integer.toString(opsPort))
                    .containsEntry("prometheus.io/path", "/metrics");
            assertThat(container.getResources().getRequests()).as("%s requests", app).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits().get("memory")).as("%s memory limit = request", app)
                    .isEqualTo(container.getResources().getRequests().get("memory"));
            assertThat(pod.getSpec().getInitContainers()).as("%s creates the topics first", app)
                    .anySatisfy(init -> assertThat(init.getArgs()).containsExactly("topics", "create"));
            assertThat(manifests.disruptionBudgetFor(pod)).as("%s PodDisruptionBudget", app).isPresent();

            switch (app) {
                case "bridge" -> {
                    IngressConfig.from(settings);
                    EgressConfig.from(settings);
                    assertHttpGet(container.getReadinessProbe(), "/ready", "ops", "bridge readiness");
                }
                case "processor" -> {
                    ProcessorConfig config = ProcessorConfig.from(settings);
                    assertHttpGet(container.getReadinessProbe(), "/ready", "ops", "processor readiness");
                    assertThat(port(container, "queries")).isEqualTo(config.httpPort());
                    assertThat(config.httpBindAddress()).as("peers reach it on the pod's address")
                            .isEqualTo("0.0.0.0");
                    String governing = workload.statefulSet().getSpec().getServiceName();
                    assertThat(config.httpAdvertisedHost()).as("the pod's stable name")
                            .isEqualTo(workload.podName() + "." + governing);
                    assertThat(manifests.service(governing).getSpec().getClusterIP()).isEqualTo("None");
                    assertStateOnItsVolume(workload, container, config.stateDir());
                    assertThat(env).containsEntry("ONBOARDING_KAFKA_GROUP_INSTANCE_ID", workload.podName());
                }
                case "scheduler" -> {
                    SchedulerConfig config = SchedulerConfig.from(settings);
                    assertHttpGet(container.getReadinessProbe(), "/ready", "ops", "scheduler readiness");
                    assertStateOnItsVolume(workload, container, config.stateDir());
                    assertThat(env).containsEntry("ONBOARDING_KAFKA_GROUP_INSTANCE_ID", workload.podName());
                }
                default -> {
                    ApiConfig config = ApiConfig.from(settings);
                    assertThat(port(container, "http")).isEqualTo(config.port());
                    // The API answers /ready on its own port too: the one its Service sends traffic to.
                    assertHttpGet(container.getReadinessProbe(), "/ready", "http", "api readiness");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local"})
    void servicesTargetNamedPortsAndNothingIsPublic(String dir) throws IOException {
        Manifests manifests = new Manifests(parse(Kustomization.render(KUBERNETES.resolve(dir))));
        for (Service service : manifests.all(Service.class)) {
            assertThat(service.getSpec().getType()).as("%s type", service.getMetadata().getName())
                    .isIn(null, "ClusterIP");
            Workload target = manifests.workloads().stream()
                    .filter(w -> w.template().getMetadata().getLabels().entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .findFirst().orElseThrow(() -> new AssertionError(service.getMetadata().getName()
                            + " selects no workload"));
            Container container = target.template().getSpec().getContainers().get(0);
            service.getSpec().getPorts().forEach(p -> assertThat(port(container, p.getTargetPort().getStrVal()))
                    .as("%s port %s", service.getMetadata().getName(), p.getName()).isEqualTo(p.getPort()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local"})
    void theUnauthenticatedQueryServerIsReachableFromThePipelinesPodsOnly(String dir) throws IOException {
        Manifests manifests = new Manifests(parse(Kustomization.render(KUBERNETES.resolve(dir))));
        PodTemplateSpec processor = manifests.workload("processor").template();
        List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class).stream()
                .filter(p -> processor.getMetadata().getLabels().entrySet()
                        .containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .toList();
        assertThat(policies).as("a NetworkPolicy over the processor's pods").hasSize(1);
        assertThat(policies.get(0).getSpec().getPolicyTypes()).contains("Ingress");
        for (NetworkPolicyIngressRule rule : policies.get(0).getSpec().getIngress()) {
            boolean queries = rule.getPorts().stream().anyMatch(p -> new IntOrString("queries").equals(p.getPort())
                    || new IntOrString(8090).equals(p.getPort()));
            if (queries) {
                assertThat(rule.getFrom()).as("the queries port only from the pipeline's pods").isNotEmpty()
                        .allSatisfy(peer -> {
                            assertThat(peer.getIpBlock()).isNull();
                            assertThat(peer.getNamespaceSelector()).isNull();
                            assertThat(peer.getPodSelector().getMatchLabels())
                                    .containsEntry("app.kubernetes.io/part-of", "onboarding");
                        });
            }
        }
        assertThat(policies.get(0).getSpec().getIngress()).as("some rule admits the queries port")
                .anyMatch(r -> !r.getFrom().isEmpty());
    }

    @Test
    void theRenderingIsKubectlsWhereKubectlIsInstalled() throws Exception {
        Optional<Path> kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst();
        assumeThat(kubectl).as("kubectl is not installed: the rendering is checked by this test's own renderer only")
                .isPresent();
        Path overlay = KUBERNETES.resolve("overlays/local");
        Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize", overlay.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize").isZero();
        Path rendered = Files.createTempFile("kustomized", ".yaml");
        try {
            Files.write(rendered, out);
            assertThat(byKey(Kustomization.documents(rendered))).isEqualTo(byKey(Kustomization.render(overlay)));
        } finally {
            Files.delete(rendered);
        }
    }

    private static Map<String, JsonNode> byKey(List<ObjectNode> objects) {
        Map<String, JsonNode> out = new HashMap<>();
        objects.forEach(o -> out.put(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText(), o));
        return out;
    }

    private static void assertStateOnItsVolume(Workload workload, Container container, Path stateDir) {
        List<String> claims = workload.statefulSet().getSpec().getVolumeClaimTemplates().stream()
                .map(PersistentVolumeClaim::getMetadata).map(m -> m.getName()).toList();
        assertThat(container.getVolumeMounts()).as("the state dir %s is on a claimed volume", stateDir)
                .anySatisfy(mount -> {
                    assertThat(claims).contains(mount.getName());
                    assertThat(stateDir.startsWith(Path.of(mount.getMountPath()))).isTrue();
                });
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp");
    }

    private static void assertHttpGet(Probe probe, String path, String port, String what) {
        assertThat(probe).as(what).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as(what).isNotNull();
        assertThat(get.getPath()).as(what).isEqualTo(path);
        assertThat(get.getPort()).as(what).isEqualTo(new IntOrString(port));
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " has no port " + name));
    }

    /** Each object in its fabric8 class, strictly. */
    private static List<HasMetadata> parse(List<ObjectNode> documents) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (ObjectNode document : documents) {
            String key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(key);
            assertThat(type).as("a kind this test knows: %s", key).isNotNull();
            out.add(STRICT.treeToValue(document, type));
        }
        return out;
    }

    /** A Deployment or a StatefulSet. */
    private record Workload(HasMetadata object, PodTemplateSpec template) {
        StatefulSet statefulSet() {
            assertThat(object).as("%s is a StatefulSet", object.getMetadata().getName()).isInstanceOf(StatefulSet.class);
            return (StatefulSet) object;
        }

        /** A name its pods get: a StatefulSet's first ordinal, a Deployment's any. */
        String podName() {
            return object.getMetadata().getName() + (object instanceof StatefulSet ? "-0" : "-5d8f9c7b6-x2k4q");
        }
    }

    /** The rendered objects, with lookups the checks need. */
    private record Manifests(List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<Workload> workloads() {
            List<Workload> out = new ArrayList<>();
            all(Deployment.class).forEach(d -> out.add(new Workload(d, d.getSpec().getTemplate())));
            all(StatefulSet.class).forEach(s -> out.add(new Workload(s, s.getSpec().getTemplate())));
            return out;
        }

        Workload workload(String app) {
            return workloads().stream().filter(w -> w.object().getMetadata().getName().equals("onboarding-" + app))
                    .findFirst().orElseThrow(() -> new AssertionError("no workload onboarding-" + app));
        }

        Service service(String name) {
            return all(Service.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no Service " + name));
        }

        Optional<PodDisruptionBudget> disruptionBudgetFor(PodTemplateSpec pod) {
            return all(PodDisruptionBudget.class).stream().filter(b -> pod.getMetadata().getLabels().entrySet()
                    .containsAll(b.getSpec().getSelector().getMatchLabels().entrySet())).findFirst();
        }

        /** The container's environment as Kubernetes builds it: envFrom first, then env in order, $(VAR) expanded. */
        Map<String, String> environment(Container container, String podName) {
            Map<String, String> env = new LinkedHashMap<>();
            for (EnvFromSource source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null) {
                    env.putAll(configMap(source.getConfigMapRef().getName()).getData());
                } else if (source.getSecretRef() != null) {
                    Optional<Secret> secret = all(Secret.class).stream()
                            .filter(s -> s.getMetadata().getName().equals(source.getSecretRef().getName()))
                            .findFirst();
                    assertThat(secret.isPresent() || Boolean.TRUE.equals(source.getSecretRef().getOptional()))
                            .as("Secret %s exists or is optional", source.getSecretRef().getName()).isTrue();
                    secret.map(Secret::getStringData).ifPresent(env::putAll);
                }
            }
            for (EnvVar variable : container.getEnv()) {
                if (variable.getValueFrom() != null) {
                    assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
                    env.put(variable.getName(), podName);
                } else {
                    Matcher m = REFERENCE.matcher(variable.getValue());
                    StringBuilder value = new StringBuilder();
                    while (m.find()) {
                        assertThat(env).as("$(%s) refers to a variable defined before it", m.group(1))
                                .containsKey(m.group(1));
                        m.appendReplacement(value, Matcher.quoteReplacement(env.get(m.group(1))));
                    }
                    m.appendTail(value);
                    env.put(variable.getName(), value.toString());
                }
            }
            return env;
        }

        private ConfigMap configMap(String name) {
            return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
        }
    }
}
