package dev.onboarding.embedded;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.RelaxedSQSLimits$;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One ElasticMQ server (a real SQS endpoint speaking the AWS JSON protocol) on 127.0.0.1 standing in for one AWS
 * region. Start one per simulated region.
 */
public final class EmbeddedSqs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSqs.class);

    /**
     * A queue and the dead-letter queue it redrives to.
     *
     * @param queueUrl           the main queue's URL
     * @param deadLetterQueueUrl the URL of the queue that receives messages received too often
     */
    public record QueuePair(String queueUrl, String deadLetterQueueUrl) {
    }

    private final String region;
    private final String accountId;
    private final ActorSystem actorSystem;
    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient admin;

    private EmbeddedSqs(String region, String accountId, ActorSystem actorSystem, SQSRestServer server, int port) {
        this.region = region;
        this.accountId = accountId;
        this.actorSystem = actorSystem;
        this.server = server;
        this.endpoint = URI.create("http://" + Support.LOOPBACK + ":" + port);
        this.admin = newClient();
    }

    /** Starts ElasticMQ for {@code region} (e.g. "eu-west-1"); queue ARNs carry that region and {@code accountId}. */
    public static EmbeddedSqs start(String region, String accountId) {
        return start(region, accountId, true);
    }

    /**
     * Starts ElasticMQ for {@code region}; with {@code strictLimits} false it keeps SQS's API but not its limits
     * (ElasticMQ's relaxed mode): it no longer checks every character of every sent body, which SQS does on its own
     * machines but ElasticMQ does on the caller's cores. For benchmarks whose load generator shares those cores.
     */
    public static EmbeddedSqs start(String region, String accountId, boolean strictLimits) {
        ActorSystem system = ActorSystem.create("elasticmq-" + region.replaceAll("[^A-Za-z0-9-]", "-"), pekkoConfig());
        SQSRestServer server = null;
        try {
            server = SQSRestServerBuilder.withActorSystem(system)
                    .withInterface(Support.LOOPBACK) // the default is every interface
                    .withDynamicPort()
                    .withAWSRegion(region) // the default is "elasticmq", which no SDK region parser accepts
                    .withAWSAccountId(accountId)
                    .withSQSLimits(strictLimits ? StrictSQSLimits$.MODULE$ : RelaxedSQSLimits$.MODULE$)
                    .start();
            int port = server.waitUntilStarted().localAddress().getPort();
            EmbeddedSqs sqs = new EmbeddedSqs(region, accountId, system, server, port);
            LOG.info("ElasticMQ for {} listening on {}", region, sqs.endpoint);
            return sqs;
        } catch (RuntimeException | Error e) {
            if (server != null) {
                stopQuietly(server);
            }
            terminate(system);
            throw e;
        }
    }

    /** ElasticMQ's jar sets pekko.loglevel=DEBUG; our own actor system keeps Pekko at WARNING without global state. */
    private static Config pekkoConfig() {
        Map<String, Object> quiet = new HashMap<>();
        quiet.put("pekko.loglevel", "WARNING");
        quiet.put("pekko.stdout-loglevel", "WARNING");
        quiet.put("pekko.log-dead-letters", "off");
        quiet.put("pekko.log-dead-letters-during-shutdown", "off");
        return ConfigFactory.parseMap(quiet).withFallback(ConfigFactory.load());
    }

    /** The SQS endpoint to pass to {@code SqsClientBuilder.endpointOverride}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The AWS region this server stands in for. */
    public String region() {
        return region;
    }

    /** The account id used in queue URLs and ARNs. */
    public String accountId() {
        return accountId;
    }

    /**
     * A new SDK client for this endpoint (its region, dummy static credentials, Apache HTTP client); the caller
     * closes it.
     */
    public SqsClient newClient() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
    }

    /** Creates (or returns the existing) queue and returns its URL; a name ending in ".fifo" makes a FIFO queue. */
    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    /**
     * Creates {@code name} and {@code name + "-dlq"} (FIFO names keep their ".fifo" suffix last) such that a message
     * received more than {@code maxReceiveCount} times without being deleted moves to the dead-letter queue.
     */
    public QueuePair createQueueWithDeadLetterQueue(String name, int maxReceiveCount) {
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1");
        }
        String dlqName = name.endsWith(".fifo")
                ? name.substring(0, name.length() - ".fifo".length()) + "-dlq.fifo"
                : name + "-dlq";
        String dlqUrl = createQueue(dlqName);
        String dlqArn = admin.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrivePolicy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        String queueUrl = createQueue(name, Map.of(QueueAttributeName.REDRIVE_POLICY, redrivePolicy));
        return new QueuePair(queueUrl, dlqUrl);
    }

    private String createQueue(String name, Map<QueueAttributeName, String> extra) {
        Map<QueueAttributeName, String> attributes = new HashMap<>(extra);
        if (name.endsWith(".fifo")) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return admin.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    /** Stops the server and its actor system. */
    @Override
    public void close() {
        admin.close();
        stopQuietly(server);
        terminate(actorSystem);
        LOG.info("ElasticMQ for {} on {} stopped", region, endpoint);
    }

    private static void stopQuietly(SQSRestServer server) {
        try {
            server.stopAndWait();
        } catch (RuntimeException e) {
            LOG.warn("ElasticMQ did not stop cleanly", e);
        }
    }

    /** The server leaves an actor system it did not create running; terminate it here. */
    private static void terminate(ActorSystem system) {
        try {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Pekko actor system {} did not terminate cleanly", system.name(), e);
        }
    }
}
