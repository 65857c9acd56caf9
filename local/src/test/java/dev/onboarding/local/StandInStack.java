package dev.onboarding.local;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * What {@code simulate} talks to, without the apps: the shared broker (default topics), the in-process registry,
 * one SQS endpoint, and the STS and S3 stand-ins. Each test gets its own queue through its own endpoints file.
 */
final class StandInStack implements AutoCloseable {
    static final String REGION = "us-east-1";
    static final String REGISTRY_URL = "mock://cli-simulate-tests";

    final EmbeddedKafka kafka = EmbeddedKafka.shared();
    final EmbeddedSqs sqs = EmbeddedSqs.start(REGION, LocalEnvironment.PROVIDER_ACCOUNT);
    final StsStandIn sts = StsStandIn.start();
    final S3ResponseStandIn s3 = S3ResponseStandIn.start();

    private static volatile boolean topicsCreated;

    StandInStack() {
        synchronized (StandInStack.class) {
            if (!topicsCreated) {
                TopicCreator.createAll(KafkaSettings.of(kafka.bootstrapServers()), TopicSettings.defaults());
                topicsCreated = true;
            }
        }
    }

    /** A fresh queue for the region, and an endpoints file naming it; returns the file. */
    Endpoints endpointsWithFreshQueue(Path dir) {
        String queueUrl = sqs.createQueue("onboarding-callbacks-" + UUID.randomUUID());
        String text = String.join("\n",
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "schema.registry.url=" + REGISTRY_URL,
                "sqs." + REGION + ".queue.url=" + queueUrl,
                "sqs." + REGION + ".endpoint=" + sqs.endpoint(),
                "sts.endpoint=" + sts.endpoint(),
                "s3.response.endpoint=" + s3.endpoint(),
                "");
        try {
            Path file = Files.createTempFile(dir, "endpoints", ".properties");
            Files.writeString(file, text);
            return new Endpoints(file, queueUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An endpoints file and the queue it names.
     *
     * @param file the file
     * @param queueUrl the region's queue
     */
    record Endpoints(Path file, String queueUrl) {
    }

    @Override
    public void close() {
        s3.close();
        sts.close();
        sqs.close();
    }
}
