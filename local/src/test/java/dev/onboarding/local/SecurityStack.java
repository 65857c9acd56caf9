package dev.onboarding.local;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.cli.PipelineApps;
import dev.onboarding.cli.ProcessorQueries;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.processor.ProcessorApp;
import dev.onboarding.processor.queries.IntegrationQueryServer;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.OrganizationScope;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one running stack the security suite shares (see {@link SecurityStackExtension}): the local environment of
 * {@code onboarding local} (broker, Apicurio, ElasticMQ with its dead-letter queue, STS and S3 stand-ins) and the
 * three apps in this JVM, with the settings of {@link LocalRun#appSettings} plus short verification and grace
 * bounds (so a denied AssumeRole is answered in seconds) and fake AWS credentials the suite can look for in logs.
 * It also holds what the tests drive the stack with: CloudFormation, the upstream service, the dead-letter topics
 * and a second S3 server standing for the attacker's target.
 */
final class SecurityStack implements AutoCloseable {
    /** The one simulated region. */
    static final String REGION = "us-east-1";
    /** The bridge's fake AWS access key id. */
    static final String ACCESS_KEY_ID = "AKIASECURITYSUITE0001";
    /** The default role name of the suite's stacks. */
    static final String ROLE_NAME = "SecuritySuiteRole";
    /** How long anything that crosses the stack may take on a loaded 2-core machine. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong ACCOUNTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    /** The bridge's fake AWS secret key: random per run, so a leak cannot hide behind a common word. */
    final String secretAccessKey = "SecuritySuite" + HexFormat.of().formatHex(new SecureRandom().generateSeed(14));

    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private LocalEnvironment environment;
    private PipelineApps apps;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Path stateDir;
    private EndpointsFile endpoints;
    private IntegrationRequestPublisher publisher;
    private SimulatedCloudFormation cloudFormation;
    private ProcessorQueries queries;
    private SecurityDeadLetters deadLetters;
    private S3ResponseStandIn attackerTarget;
    private SqsClient sqs;
    private TopicCatalog catalog;
    private KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private SecurityStack() {
    }

    /** Starts everything and waits until every app is ready; on failure stops what had started. */
    static SecurityStack start() {
        SecurityStack stack = new SecurityStack();
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        environment = LocalEnvironment.start(List.of(REGION), Optional.empty(),
                new ProgressLine(new PrintWriter(Writer.nullWriter())));
        TopicCreator.createAll(KafkaSettings.of(environment.kafka().bootstrapServers()), TopicSettings.defaults());
        try {
            stateDir = Files.createTempDirectory("onboarding-security-suite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Settings settings = Settings.of(LocalRun.appSettings(environment, stateDir)
                .awsCredentials(ACCESS_KEY_ID, secretAccessKey)
                // A role that never trusts the caller is answered FAILED after this bound, not after a minute.
                .with("bridge.verification.max-duration", "2s")
                .with("bridge.verification.initial-backoff", "200ms")
                .with("bridge.verification.max-backoff", "500ms")
                .with("bridge.egress.backoff.base", "200ms")
                .with("bridge.egress.backoff.max", "1s")
                .with("processor.callback-grace", "2s")
                // One region keeps every connection's initial burst of collection jobs small.
                .with("scheduler.regions", REGION)
                .build());
        apps = PipelineApps.build(EnumSet.allOf(PipelineApps.App.class), settings, metrics);
        apps.start();
        await("every app ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> apps.services().stream().allMatch(Service::isReady));
        URI processorUrl = apps.processor().flatMap(ProcessorApp::queryUrl)
                .orElseThrow(() -> new IllegalStateException("the processor serves no queries"));
        Map<String, String> values = new HashMap<>(environment.endpoints());
        values.put(EndpointsFile.PROCESSOR_URL, processorUrl.toString());
        endpoints = EndpointsFile.of(values);

        publisher = SimulateRequestCommand.localPublisher(endpoints);
        cloudFormation = new SimulatedCloudFormation(endpoints, Clock.systemUTC());
        queries = new ProcessorQueries(processorUrl.toString());
        SchemaRegistry registry = SchemaRegistries.connect(RegistrySettings.of(environment.registryUrl()));
        closeLast.add(registry);
        catalog = TopicCatalog.create(TopicSettings.defaults(), registry, true);
        deadLetters = SecurityDeadLetters.start(environment.kafka().bootstrapServers(), catalog, PATIENCE);
        attackerTarget = S3ResponseStandIn.start();
        sqs = environment.sqsByRegion().get(REGION).newClient();
        Map<String, Object> props = KafkaSettings.of(environment.kafka().bootstrapServers()).clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "security-suite");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    // ------------------------------------------------------------------ the parts

    /** The services the stack stands on (stand-ins, queues, broker). */
    LocalEnvironment environment() {
        return environment;
    }

    /** The apps, to check that they are still alive. */
    PipelineApps apps() {
        return apps;
    }

    /** What the apps serve at /metrics (the registry their operations endpoints scrape). */
    PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** The S3 stand-in behind every legitimate ResponseURL (the one origin the policy admits locally). */
    S3ResponseStandIn s3() {
        return environment.s3();
    }

    /** The STS stand-in: the IAM roles of the customers' accounts. */
    StsStandIn sts() {
        return environment.sts();
    }

    /** A second HTTP server on loopback that no forged ResponseURL may ever reach. */
    S3ResponseStandIn attackerTarget() {
        return attackerTarget;
    }

    /** CloudFormation and the customers' accounts. */
    SimulatedCloudFormation cloudFormation() {
        return cloudFormation;
    }

    /** The dead-letter topics, as read so far. */
    SecurityDeadLetters deadLetters() {
        return deadLetters;
    }

    /** The topic catalog with the stack's registry. */
    TopicCatalog catalog() {
        return catalog;
    }

    /** The region's provider queue. */
    String queueUrl() {
        return environment.queuesByRegion().get(REGION).queueUrl();
    }

    // ------------------------------------------------------------------ actors

    /** A tenant id no other test uses. */
    static String newTenant(String role) {
        return role + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A 12-digit AWS account id no other test uses. */
    static String newAccount() {
        return String.format("%012d", 400_000_000_000L + ACCOUNTS.incrementAndGet());
    }

    /** The upstream service asks to connect an account for {@code tenant}; waits until the processor has it. */
    IntegrationRequestPublisher.Published request(String tenant, Optional<String> expectedAccount) {
        IntegrationRequestPublisher.Published published = publisher.publish(new IntegrationRequest(tenant, ROLE_NAME,
                "security suite", Optional.empty(), Map.of(), expectedAccount));
        awaitStatus(published.integrationId(), "PENDING");
        return published;
    }

    /** The upstream service asks to connect organization {@code organizationId} for {@code tenant}; waits for it. */
    IntegrationRequestPublisher.Published requestOrganization(String tenant, String organizationId) {
        IntegrationRequestPublisher.Published published = publisher.publish(new IntegrationRequest(tenant, ROLE_NAME,
                "security suite organization", Optional.empty(), Map.of(), Optional.empty(),
                Optional.of(new OrganizationScope(organizationId, List.of()))));
        awaitStatus(published.integrationId(), "PENDING");
        return published;
    }

    /** Produces an {@code IntegrationRequested} as the upstream service would, with fields of the test's choosing. */
    void publishRequest(IntegrationRequested requested) {
        Topic<String, IntegrationRequestEvent> topic = catalog.integrationRequests();
        IntegrationRequestEvent event = IntegrationRequestEvent.newBuilder().setEvent(requested).build();
        send(topic.name(), requested.getIntegrationId(), topic.valueSerde().serializer().serialize(topic.name(),
                event));
    }

    /** Produces an {@code IntegrationCancelled} as the upstream service would. */
    void publishCancel(IntegrationCancelled cancelled) {
        Topic<String, IntegrationRequestEvent> topic = catalog.integrationRequests();
        IntegrationRequestEvent event = IntegrationRequestEvent.newBuilder().setEvent(cancelled).build();
        send(topic.name(), cancelled.getIntegrationId(), topic.valueSerde().serializer().serialize(topic.name(),
                event));
    }

    /** Produces a response straight onto the responses topic, as if the processor (or an intruder) had. */
    void publishResponse(CfnResponse response) {
        Topic<String, CfnResponse> topic = catalog.cfnResponses();
        send(topic.name(), response.getRequestId(), topic.valueSerde().serializer().serialize(topic.name(), response));
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /** A custom-resource request as CloudFormation would send it for {@code externalId}. */
    SecurityForgedRequest forge(StackLaunch.Type type, String externalId, String account) {
        return new SecurityForgedRequest(this, type, externalId, account);
    }

    /** Sends a raw body to the region's queue as any AWS account can (through the open SNS topic); its message id. */
    String sendRaw(String body) {
        return sqs.sendMessage(b -> b.queueUrl(queueUrl()).messageBody(body)).messageId();
    }

    /** The SQS client of the region (for bodies SQS itself may refuse). */
    SqsClient sqs() {
        return sqs;
    }

    // ------------------------------------------------------------------ waiting for the stack

    /** The first answer CloudFormation received for {@code requestId}; fails the test after {@link #PATIENCE}. */
    CloudFormationAnswer awaitAnswer(String requestId) {
        return cloudFormation.awaitAnswer(requestId, PATIENCE).orElseThrow(() -> new AssertionError(
                "CloudFormation got no answer to request " + requestId + " within " + PATIENCE.toSeconds() + " s"));
    }

    /** Waits until the processor shows {@code integrationId} with {@code status}; returns its state. */
    JsonNode awaitStatus(String integrationId, String status) {
        return await("integration " + integrationId + " " + status).atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> queries.integration(integrationId).orElse(null),
                        state -> state != null && status.equals(state.path("status").asText()));
    }

    /** The processor's state of {@code integrationId}, empty when it does not know it. */
    Optional<JsonNode> integration(String integrationId) {
        return queries.integration(integrationId);
    }

    /** Every integration of {@code tenant}, as the processor's tenant query lists them. */
    List<JsonNode> tenantIntegrations(String tenant) {
        String path = IntegrationQueryServer.tenantPath(tenant);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(queries.baseUrl() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("tenant query answered HTTP " + response.statusCode());
            }
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(response.body()).path("integrations").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Launches a legitimate stack for {@code published} in {@code account} and waits until it is CONNECTED. */
    SimulatedCloudFormation.Launched connect(IntegrationRequestPublisher.Published published, String account) {
        SimulatedCloudFormation.Launched launched = cloudFormation.launch(StackLaunch.create(published.externalId(),
                account, REGION, published.roleName()));
        CloudFormationAnswer answer = awaitAnswer(launched.requestId());
        if (!"SUCCESS".equals(answer.status())) {
            throw new AssertionError("the legitimate stack was answered " + answer.describe());
        }
        awaitStatus(published.integrationId(), "CONNECTED");
        return launched;
    }

    @Override
    public void close() {
        closeQuietly(producer);
        closeQuietly(sqs);
        closeQuietly(attackerTarget);
        closeQuietly(deadLetters);
        closeQuietly(cloudFormation);
        closeQuietly(publisher);
        closeQuietly(apps);
        for (AutoCloseable c : closeLast) {
            closeQuietly(c);
        }
        closeQuietly(environment);
        if (stateDir != null) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort on the way out
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("security suite: could not stop " + closeable.getClass().getSimpleName() + ": " + e);
        }
    }
}
