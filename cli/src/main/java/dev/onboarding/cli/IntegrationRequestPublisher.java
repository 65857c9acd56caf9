package dev.onboarding.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.QuickCreateLink;
import dev.onboarding.schemas.requests.RequestConfig;
import dev.onboarding.schemas.requests.StackSetLaunch;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an upstream service does when a customer asks to connect an AWS account: mints the external ID, produces
 * an {@code IntegrationRequested} event (key: the integration id) and hands back the quick-create link the
 * customer opens. Shared by {@code request}, {@code simulate request} and {@code demo}.
 */
public final class IntegrationRequestPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationRequestPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEND_TIMEOUT_SECONDS = 60;

    /**
     * A request that is now on the topic.
     *
     * @param integrationId the provider's id for the integration (the record key)
     * @param tenantId the customer
     * @param externalId the minted external ID (a secret: for the customer's stack, never for logs)
     * @param roleName the role the customer's stack creates
     * @param stackName the stack name the link proposes
     * @param quickCreateUrl the console link with every parameter filled in
     * @param expiresAt when the pending integration expires
     * @param topic the topic it was produced to
     * @param kind ACCOUNT or ORGANIZATION
     * @param stackSet for an ORGANIZATION: the StackSet template and commands (no quick-create exists); else null
     */
    public record Published(String integrationId, String tenantId, String externalId, String roleName, String stackName,
            String quickCreateUrl, Instant expiresAt, String topic, IntegrationKind kind, StackSetLaunch stackSet) {
        /** The command result as one JSON object (for scripts). */
        public ObjectNode toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put("integrationId", integrationId);
            node.put("tenantId", tenantId);
            node.put("externalId", externalId);
            node.put("roleName", roleName);
            node.put("kind", kind.name());
            if (stackSet == null) {
                node.put("quickCreateUrl", quickCreateUrl);
            } else {
                stackSet.writeTo(node.putObject("stackSet"));
            }
            return node;
        }

        /** The command result for people: what was requested and the link to hand to the customer. */
        public void printTo(PrintWriter out) {
            out.println("Integration " + integrationId + " requested for tenant " + tenantId + " on " + topic + ".");
            out.println("  external ID   " + externalId);
            out.println("  role name     " + roleName);
            if (stackSet != null) {
                out.println("  organization  every member account connects with this external ID (kind ORGANIZATION)");
                out.println("Send the customer the StackSet template and the commands to run in the management "
                        + "account (docs/organizations.md):");
                out.println("  " + stackSet.templateUrl());
                out.println("  " + stackSet.createStackSet());
                out.println("  " + stackSet.createStackInstances());
                out.flush();
                return;
            }
            out.println("  expires at    " + expiresAt);
            out.println("Send the customer this link to create the stack (CloudFormation quick-create):");
            out.println("  " + quickCreateUrl);
            out.flush();
        }
    }

    private final RequestConfig config;
    private final Clock clock;
    private final ExternalIds externalIds = new ExternalIds();
    private final SchemaRegistry registry;
    private final Topic<String, IntegrationRequestEvent> topic;
    private final KafkaProducer<String, IntegrationRequestEvent> producer;

    /** A publisher with its own producer and registry client; close it. */
    public IntegrationRequestPublisher(KafkaSettings kafka, RegistrySettings registrySettings, TopicSettings topics,
            RequestConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.registry = SchemaRegistries.connect(registrySettings);
        try {
            this.topic = TopicCatalog.create(topics, registry, registrySettings.autoRegister()).integrationRequests();
            Map<String, Object> props = kafka.clientProperties();
            props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
            props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            // A command should fail within a minute when Kafka is unreachable, not hang.
            props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000);
            props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
            props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "onboarding-request");
            this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
        } catch (RuntimeException e) {
            closeRegistry();
            throw e;
        }
    }

    /** Mints the external ID, produces the event and waits until Kafka has it. */
    public Published publish(IntegrationRequest request) {
        String integrationId = "int-" + UUID.randomUUID();
        String externalId = externalIds.mint();
        // Refused before anything is produced: an organization needs the StackSet template's URL.
        StackSetLaunch stackSet = request.organization().map(scope -> StackSetLaunch.forIntegration(config,
                config.consoleRegion(), integrationId, externalId, request.roleName(), scope.organizationalUnitIds()))
                .orElse(null);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        IntegrationRequested requested = request.toEvent(integrationId, externalId, now, config.ttl());
        Instant expiresAt = requested.getExpiresAt();
        IntegrationRequestEvent event = IntegrationRequestEvent.newBuilder().setEvent(requested).build();
        RecordMetadata metadata;
        try {
            metadata = producer.send(new ProducerRecord<>(topic.name(), integrationId, event))
                    .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing the integration request");
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce the integration request to " + topic.name() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the integration request within "
                    + SEND_TIMEOUT_SECONDS + " s");
        }
        LOG.info("requested integration {} for tenant {} (external ID {}) at {}-{}@{}", integrationId,
                request.tenantId(), ExternalIds.redact(externalId), metadata.topic(), metadata.partition(),
                metadata.offset());
        String stackName = QuickCreateLink.stackNameFor(integrationId);
        return new Published(integrationId, request.tenantId(), externalId, request.roleName(), stackName,
                stackSet == null ? QuickCreateLink.forIntegration(config, stackName, externalId, request.roleName())
                        : null, expiresAt, topic.name(), request.kind(), stackSet);
    }

    @Override
    public void close() {
        producer.close();
        closeRegistry();
    }

    private void closeRegistry() {
        try {
            registry.close();
        } catch (Exception e) {
            LOG.debug("closing the registry client failed", e);
        }
    }
}
