package dev.onboarding.processor;

import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.verification.RoleVerificationResults;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The bridge's role verifier as the processor's broker tests need it (the processor does not depend on the bridge):
 * reads every committed request of {@code onboarding.role-verifications} and answers it VERIFIED under its key, as
 * the verifier does for a role that requires the external ID. The bridge's own tests check the real verifier.
 */
final class VerifierStandIn implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    VerifierStandIn(String bootstrapServers, TopicCatalog catalog) {
        Topic<String, RoleVerificationRequest> requests = catalog.roleVerifications();
        Topic<String, RoleVerificationResult> results = catalog.roleVerificationResults();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier-stand-in-" + UUID.randomUUID());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                consumer.subscribe(List.of(requests.name()));
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        RoleVerificationRequest request = requests.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                        RoleVerificationResult result = RoleVerificationResults.answering(request,
                                TestData.verified());
                        producer.send(new ProducerRecord<>(results.name(), record.key(),
                                results.valueSerde().serializer().serialize(results.name(), result)));
                    }
                    producer.flush();
                }
            }
        }, "verifier-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
