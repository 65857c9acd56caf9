package dev.onboarding.api;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the processor does with requests and cancels, as far as the API can see it, for the api module's tests
 * (which may not depend on the processor; the whole-stack tests in cli use the real one): the first request of an
 * integration id becomes its PENDING state and a later one with another external ID is refused (as the
 * processor's request intake does), a cancel ends a PENDING integration (CANCELLED) or a connected one
 * (DISCONNECTED). An organization's request keeps its kind, expected organization and OUs. Tests can also connect an
 * integration and hold requests back.
 */
final class ProcessorStandIn implements AutoCloseable {
    private final TopicCatalog catalog;
    private final KafkaConsumer<String, IntegrationRequestEvent> consumer;
    private final KafkaProducer<String, Integration> producer;
    private final Map<String, Integration> states = new ConcurrentHashMap<>();
    private final Map<String, Integer> refused = new ConcurrentHashMap<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closing;

    ProcessorStandIn(String bootstrapServers, TopicCatalog catalog) {
        this.catalog = catalog;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                catalog.integrationRequests().valueSerde().deserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), catalog.integrations().valueSerde().serializer());
        String topic = catalog.integrationRequests().name();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "processor-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** Holds requests back until {@link #resume}. */
    void pause() {
        paused.set(true);
    }

    void resume() {
        paused.set(false);
    }

    /** How many requests were refused because their integration id was already requested. */
    int refusedRequests(String integrationId) {
        return refused.getOrDefault(integrationId, 0);
    }

    /** The latest state the stand-in wrote of an integration. */
    Optional<Integration> state(String integrationId) {
        return Optional.ofNullable(states.get(integrationId));
    }

    /** Connects a PENDING integration, as a customer's stack would. */
    Integration connect(String integrationId, String accountId) {
        Integration pending = states.get(integrationId);
        Instant now = Instant.now();
        return write(Integration.newBuilder(pending).setStatus(IntegrationStatus.CONNECTED).setAccountId(accountId)
                .setRoleArn("arn:aws:iam::" + accountId + ":role/" + pending.getRoleName()).setRegion("us-east-1")
                .setConnectedAt(now).setUpdatedAt(now).setVersion(pending.getVersion() + 1).build());
    }

    /** Writes any state (tests of the copy). */
    Integration write(Integration state) {
        // Known here before the API can show it: a test that saw it through the API may build on it at once.
        states.put(state.getIntegrationId(), state);
        try {
            producer.send(new ProducerRecord<>(catalog.integrations().name(), state.getIntegrationId(), state))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write a state", e);
        }
        return state;
    }

    private void run() {
        try {
            while (!closing) {
                if (paused.get()) {
                    Thread.sleep(50);
                    continue;
                }
                for (ConsumerRecord<String, IntegrationRequestEvent> record : consumer.poll(Duration.ofMillis(100))) {
                    // a record a poll returned while pause() was called is held too, not applied
                    while (paused.get() && !closing) {
                        Thread.sleep(50);
                    }
                    apply(record.value());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void apply(IntegrationRequestEvent event) {
        Instant now = Instant.now();
        if (event.getEvent() instanceof IntegrationRequested r) {
            Integration known = states.get(r.getIntegrationId());
            if (known != null) {
                if (!known.getExternalId().equals(r.getExternalId())) {
                    refused.merge(r.getIntegrationId(), 1, Integer::sum);
                }
                return;
            }
            write(Integration.newBuilder().setIntegrationId(r.getIntegrationId()).setTenantId(r.getTenantId())
                    .setExternalId(r.getExternalId()).setName(r.getName()).setStatus(IntegrationStatus.PENDING)
                    .setRoleName(r.getRoleName()).setExpectedAccountId(r.getExpectedAccountId())
                    .setTags(new HashMap<>(r.getTags())).setRequestedAt(r.getRequestedAt())
                    .setExpiresAt(r.getExpiresAt()).setUpdatedAt(now).setVersion(1).setKind(r.getKind())
                    .setExpectedOrganizationId(r.getExpectedOrganizationId())
                    .setOrganizationalUnitIds(r.getOrganizationalUnitIds()).build());
        } else if (event.getEvent() instanceof IntegrationCancelled c) {
            Integration known = states.get(c.getIntegrationId());
            if (known == null || !known.getExternalId().equals(c.getExternalId())) {
                return;
            }
            IntegrationStatus next = known.getStatus() == IntegrationStatus.PENDING ? IntegrationStatus.CANCELLED
                    : known.getStatus() == IntegrationStatus.CONNECTED ? IntegrationStatus.DISCONNECTED : null;
            if (next != null) {
                write(Integration.newBuilder(known).setStatus(next).setUpdatedAt(now)
                        .setVersion(known.getVersion() + 1).build());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
