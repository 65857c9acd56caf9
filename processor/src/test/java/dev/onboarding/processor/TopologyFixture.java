package dev.onboarding.processor;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.processor.ledger.LedgerEntry;
import dev.onboarding.processor.ledger.PendingIntegrations;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import dev.onboarding.schemas.verification.RoleVerificationResults;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processor topology in a {@link TopologyTestDriver}, with typed input and output topics. It also plays the
 * bridge's verifier: every verification the processor asks for is answered at once with the outcome the test set in
 * the callback's {@code roleVerification} (VERIFIED unless set), unless {@link #verifyByHand} turned that off.
 */
final class TopologyFixture implements AutoCloseable {
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    final ProcessorConfig config;
    final TopicCatalog catalog;
    final ProcessorSerdes serdes;
    final TopologyTestDriver driver;
    final TestInputTopic<String, IntegrationRequestEvent> requests;
    final TestInputTopic<String, CfnCallback> callbacks;
    final TestInputTopic<byte[], byte[]> rawRequests;
    final TestInputTopic<byte[], byte[]> rawCallbacks;
    final TestOutputTopic<String, CfnResponse> responses;
    /** The states written, the versions that only show a role being verified set aside. */
    final DecidedStates integrations;
    final TestOutputTopic<String, DeadLetter> requestsDlq;
    final TestOutputTopic<String, DeadLetter> callbacksDlq;
    final TestOutputTopic<String, RoleVerificationRequest> verificationRequests;
    final TestInputTopic<String, RoleVerificationResult> verificationResults;
    /** Every verification request the processor sent, in order. */
    final List<RoleVerificationRequest> asked = new java.util.ArrayList<>();
    private final Map<String, RoleVerification> scripted = new HashMap<>();
    private boolean verifyAutomatically = true;
    /** What the processors counted ({@link ProcessorMetrics}). */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final String scope = "ttd-" + UUID.randomUUID();
    private final Path stateDir;
    private Instant now = START;

    TopologyFixture() {
        this(true);
    }

    /**
     * A driver for the default configuration. The driver's exactly-once producer mock drops records the
     * deserialization handler sends to a dead-letter queue (it clears uncommitted sends before the task commits);
     * tests of that path use at-least-once here and the broker test covers it under exactly-once.
     */
    TopologyFixture(boolean exactlyOnce) {
        try {
            stateDir = Files.createTempDirectory("processor-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.config = ProcessorConfig.from(Settings.of(Map.of("processor.application-id", "ttd-processor",
                "processor.state-dir", stateDir.toString())));
        SchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        this.catalog = TopicCatalog.create(TopicSettings.defaults(), registry, true);
        this.serdes = ProcessorSerdes.using(registry);
        Properties props = ProcessorApp.streamsProperties(config, KafkaSettings.of("ttd:9092"),
                DeadLetterRoutes.of(catalog), Optional.empty());
        props.put(ProcessorMetrics.CONFIG, new ProcessorMetrics(meters));
        if (!exactlyOnce) {
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        }
        this.driver = new TopologyTestDriver(OnboardingTopology.build(catalog, serdes, config, 6), props, START);
        StringSerializer keys = new StringSerializer();
        StringDeserializer keysOut = new StringDeserializer();
        requests = driver.createInputTopic(catalog.integrationRequests().name(), keys,
                catalog.integrationRequests().valueSerde().serializer());
        callbacks = driver.createInputTopic(catalog.cfnCallbacks().name(), keys,
                catalog.cfnCallbacks().valueSerde().serializer());
        rawRequests = driver.createInputTopic(catalog.integrationRequests().name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        rawCallbacks = driver.createInputTopic(catalog.cfnCallbacks().name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        responses = driver.createOutputTopic(catalog.cfnResponses().name(), keysOut,
                catalog.cfnResponses().valueSerde().deserializer());
        integrations = new DecidedStates(driver.createOutputTopic(catalog.integrations().name(), keysOut,
                catalog.integrations().valueSerde().deserializer()));
        requestsDlq = driver.createOutputTopic(catalog.integrationRequestsDlq().name(), keysOut,
                catalog.integrationRequestsDlq().valueSerde().deserializer());
        callbacksDlq = driver.createOutputTopic(catalog.cfnCallbacksDlq().name(), keysOut,
                catalog.cfnCallbacksDlq().valueSerde().deserializer());
        verificationRequests = driver.createOutputTopic(catalog.roleVerifications().name(), keysOut,
                catalog.roleVerifications().valueSerde().deserializer());
        verificationResults = driver.createInputTopic(catalog.roleVerificationResults().name(), keys,
                catalog.roleVerificationResults().valueSerde().serializer());
    }

    /** From now on the test answers verification requests itself ({@link #verify}). */
    TopologyFixture verifyByHand() {
        verifyAutomatically = false;
        return this;
    }

    /** The verification requests sent since the last call (they are also kept in {@link #asked}). */
    List<RoleVerificationRequest> newVerificationRequests() {
        List<RoleVerificationRequest> fresh = verificationRequests.readValuesToList();
        asked.addAll(fresh);
        return fresh;
    }

    /** Answers {@code request} as the verifier would, with {@code verification}. */
    void verify(RoleVerificationRequest request, RoleVerification verification) {
        verificationResults.pipeInput(request.getExternalId(), RoleVerificationResults.answering(request,
                verification), now);
    }

    /**
     * Answers every new verification request with the outcome scripted for its callback (VERIFIED unless set); tests
     * that pipe callbacks straight into {@link #callbacks} or {@link #rawCallbacks} call it themselves.
     */
    void answerVerifications() {
        if (!verifyAutomatically) {
            return;
        }
        List<RoleVerificationRequest> fresh;
        while (!(fresh = newVerificationRequests()).isEmpty()) {
            for (RoleVerificationRequest request : fresh) {
                verify(request, scripted.getOrDefault(request.getRequestId(), TestData.verified()));
            }
        }
    }

    Instant now() {
        return now;
    }

    /** Moves the wall clock (runs due punctuations). */
    void advance(Duration duration) {
        now = now.plus(duration);
        driver.advanceWallClockTime(duration);
        answerVerifications();
    }

    void request(IntegrationRequestEvent event) {
        requests.pipeInput(PendingIntegrations.integrationIdOf(event), event, now);
        answerVerifications();
    }

    void callback(CfnCallback callback) {
        RoleVerification script = callback.getRoleVerification();
        if (script != null && script.getOutcome() != RoleVerificationOutcome.NOT_REQUIRED) {
            scripted.put(callback.getRequestId(), script);
        }
        callbacks.pipeInput(callback.getExternalId(), callback, now);
        answerVerifications();
    }

    /** Requests a pending integration (24 h TTL) and returns its state as published. */
    Integration pending(String integrationId, String tenant, String externalId) {
        request(TestData.requested(integrationId, tenant, externalId, now, Duration.ofHours(24)));
        return integrations.readValue();
    }

    /** Pipes a callback and returns the one answer it produced. */
    CfnResponse answer(CfnCallback callback) {
        callback(callback);
        return responses.readValue();
    }

    List<CfnResponse> allResponses() {
        return responses.readValuesToList();
    }

    List<Integration> allStates() {
        return integrations.readValuesToList();
    }

    /** An output of one of the processor's internal repartition topics: what the app wrote to it. */
    <V> TestOutputTopic<String, V> internalOutput(String repartition, Deserializer<V> values) {
        return driver.createOutputTopic(config.applicationId() + "-" + repartition + "-repartition",
                new StringDeserializer(), values);
    }

    /** An input of one of the processor's internal repartition topics, as the app writes it. */
    <V> TestInputTopic<String, V> internalTopic(String repartition, Serializer<V> values) {
        return driver.createInputTopic(config.applicationId() + "-" + repartition + "-repartition",
                new StringSerializer(), values);
    }

    /** A Create encoded as it travels with its claim. */
    byte[] travelling(CfnCallback create) {
        return serdes.callbacks().serializer().serialize(
                TopologyNames.waitingCreatesSubjectTopic(config.applicationId()), create);
    }

    <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** The state the ledger holds for an external ID (stored in the integrations topic's format), or null. */
    Integration integrationByExternalId(String externalId) {
        LedgerEntry entry = this.<LedgerEntry>store(TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE)
                .get(externalId);
        if (entry == null) {
            return null;
        }
        byte[] state = new byte[entry.getState().remaining()];
        entry.getState().duplicate().get(state);
        return catalog.integrations().valueSerde().deserializer().deserialize(catalog.integrations().name(), state);
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.drop(scope);
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir does not matter.
        }
    }
}
