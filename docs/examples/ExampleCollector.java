// An example collector for the onboarding pipeline: reads onboarding.collection-jobs, collects, and reports one
// CollectionResult per job to onboarding.collection-results (see docs/collectors.md).
//
// Dependencies: org.apache.kafka:kafka-clients, io.confluent:kafka-avro-serializer (Confluent's Maven repository),
// software.amazon.awssdk:sts and :ec2, and the classes generated from the project's schemas
// (schemas/src/main/avro, package dev.onboarding.contract).
//
// Run: java ExampleCollector <bootstrap servers> <schema registry url>

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.CollectionOutcome;
import dev.onboarding.contract.CollectionResult;
import io.confluent.kafka.serializers.KafkaAvroDeserializer;
import io.confluent.kafka.serializers.KafkaAvroDeserializerConfig;
import io.confluent.kafka.serializers.KafkaAvroSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

public final class ExampleCollector {
    private static final String JOBS = "onboarding.collection-jobs";
    private static final String RESULTS = "onboarding.collection-results";
    private static final String NAME = "example-collector";

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        String bootstrap = args[0];
        String registry = args[1];

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, NAME);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the scheduler is exactly-once
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, KafkaAvroDeserializer.class);
        consumerProps.put(KafkaAvroDeserializerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
        consumerProps.put(KafkaAvroDeserializerConfig.SPECIFIC_AVRO_READER_CONFIG, true);

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class);
        producerProps.put("schema.registry.url", registry);

        try (StsClient sts = StsClient.create();
                KafkaConsumer<String, CollectionJob> jobs = new KafkaConsumer<>(consumerProps);
                KafkaProducer<String, CollectionResult> results = new KafkaProducer<>(producerProps)) {
            jobs.subscribe(List.of(JOBS));
            while (!Thread.currentThread().isInterrupted()) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (ConsumerRecord<String, CollectionJob> record : jobs.poll(Duration.ofSeconds(1))) {
                    CollectionJob job = record.value();
                    if (job == null || Instant.now().isAfter(job.getDeadline())) {
                        continue; // stale (or unreadable): skipped, no result needed
                    }
                    sent.add(results.send(new ProducerRecord<>(RESULTS, job.getIntegrationId(), collect(sts, job))));
                }
                // Every result of the batch is acknowledged before the jobs are committed: a crash repeats jobs,
                // it never loses a result. A send that failed throws here, so its jobs are not committed: the
                // consumer stops and, restarted, takes them again.
                for (Future<RecordMetadata> result : sent) {
                    result.get();
                }
                jobs.commitSync();
            }
        }
    }

    /** Runs one job and says how it ended. Never logs the external ID or the credentials. */
    static CollectionResult collect(StsClient sts, CollectionJob job) {
        CollectionResult.Builder result = CollectionResult.newBuilder()
                .setJobId(job.getJobId())
                .setIntegrationId(job.getIntegrationId())
                .setResourceType(job.getResourceType())
                .setRegion(job.getRegion())
                .setCollector(NAME);
        Credentials credentials;
        try {
            credentials = sts.assumeRole(r -> r.roleArn(job.getRoleArn()).externalId(job.getExternalId())
                    .roleSessionName(NAME + "-" + UUID.randomUUID().toString().substring(0, 8))
                    .durationSeconds(900)).credentials();
        } catch (AwsServiceException e) {
            return ended(result, e, "sts:AssumeRole");
        } catch (SdkException e) {
            return result.setOutcome(CollectionOutcome.ERROR).setMessage(e.getClass().getSimpleName())
                    .setFinishedAt(Instant.now()).build();
        }
        StaticCredentialsProvider session = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken()));
        try {
            if (job.getResourceType().equals("AWS::EC2::Instance")) {
                try (Ec2Client ec2 = Ec2Client.builder().region(Region.of(job.getRegion()))
                        .credentialsProvider(session).build()) {
                    ec2.describeInstancesPaginator().reservations().forEach(reservation -> {
                        // ... store the inventory
                    });
                }
            } // ... one branch per job type of the catalog
            return result.setOutcome(CollectionOutcome.OK).setFinishedAt(Instant.now()).build();
        } catch (AwsServiceException e) {
            return ended(result, e, actionOf(job));
        } catch (SdkException e) {
            return result.setOutcome(CollectionOutcome.ERROR).setMessage(e.getClass().getSimpleName())
                    .setFinishedAt(Instant.now()).build();
        }
    }

    /** An AWS error as an outcome: a denial names the action, throttling and the rest say nothing of the role. */
    private static CollectionResult ended(CollectionResult.Builder result, AwsServiceException e, String action) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        CollectionOutcome outcome = code == null ? CollectionOutcome.ERROR
                : code.startsWith("AccessDenied") || code.equals("UnauthorizedOperation")
                        ? CollectionOutcome.ACCESS_DENIED
                        : e.isThrottlingException() ? CollectionOutcome.THROTTLED : CollectionOutcome.ERROR;
        return result.setOutcome(outcome)
                .setAction(outcome == CollectionOutcome.ACCESS_DENIED ? action : null)
                .setErrorCode(code)
                .setMessage(code == null ? "HTTP " + e.statusCode() : code)
                .setFinishedAt(Instant.now())
                .build();
    }

    /** The IAM action the job type's first call needs (the catalog's iam_actions column lists them all). */
    private static String actionOf(CollectionJob job) {
        return job.getResourceType().equals("AWS::EC2::Instance") ? "ec2:DescribeInstances" : job.getService() + ":*";
    }
}
