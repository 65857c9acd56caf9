package dev.onboarding.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys that wire the apps to the embedded services, from the services themselves. */
class StackSettingsTest {
    @Test
    void wiresTheAppsToEveryService() {
        try (EmbeddedSqs east = EmbeddedSqs.start("us-east-1", "111122223333");
                EmbeddedSqs west = EmbeddedSqs.start("eu-west-1", "111122223333");
                StsStandIn sts = StsStandIn.start();
                S3ResponseStandIn s3 = S3ResponseStandIn.start()) {
            EmbeddedSqs.QueuePair eastQueues = east.createQueueWithDeadLetterQueue("callbacks-us-east-1", 5);
            EmbeddedSqs.QueuePair westQueues = west.createQueueWithDeadLetterQueue("callbacks-eu-west-1", 5);

            Map<String, String> settings = StackSettings.of("127.0.0.1:9092", "http://127.0.0.1:8081/apis/ccompat/v7")
                    .queue("us-east-1", east, eastQueues)
                    .queue("eu-west-1", west, westQueues)
                    .sts(sts)
                    .responsesTo(s3)
                    .awsCredentials("local", "secret")
                    .topic("cfn-callbacks", "t1.cfn-callbacks")
                    .loopbackQueries()
                    .stateDir(Path.of("/var/lib/stack"))
                    .with("bridge.sqs.wait-time", "1s")
                    .build();

            assertThat(settings).containsOnly(
                    Map.entry("kafka.bootstrap.servers", "127.0.0.1:9092"),
                    Map.entry("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7"),
                    Map.entry("bridge.queues", "us-east-1=" + eastQueues.queueUrl() + ",eu-west-1="
                            + westQueues.queueUrl()),
                    Map.entry("bridge.dead-letter-queues", "us-east-1=" + eastQueues.deadLetterQueueUrl()
                            + ",eu-west-1=" + westQueues.deadLetterQueueUrl()),
                    Map.entry("bridge.sqs.endpoint.us-east-1", east.endpoint().toString()),
                    Map.entry("bridge.sqs.endpoint.eu-west-1", west.endpoint().toString()),
                    Map.entry("bridge.sts.endpoint", sts.endpoint().toString()),
                    Map.entry("bridge.organizations.endpoint", sts.endpoint().toString()),
                    Map.entry("bridge.response-url.local-origin", s3.origin()),
                    Map.entry("bridge.aws.access-key-id", "local"),
                    Map.entry("bridge.aws.secret-access-key", "secret"),
                    Map.entry("topics.cfn-callbacks.name", "t1.cfn-callbacks"),
                    Map.entry("processor.http.bind-address", "127.0.0.1"),
                    Map.entry("processor.http.advertised-host", "127.0.0.1"),
                    Map.entry("processor.state-dir", Path.of("/var/lib/stack/processor").toString()),
                    Map.entry("scheduler.state-dir", Path.of("/var/lib/stack/scheduler").toString()),
                    Map.entry("bridge.sqs.wait-time", "1s"));
        }
    }

    @Test
    void aQueueWithoutDeadLetterQueueAddsNoDrainAndAnyKeyCanBeOverridden() {
        try (EmbeddedSqs sqs = EmbeddedSqs.start("eu-west-1", "000000000000")) {
            String queue = sqs.createQueue("bench-callbacks");

            Map<String, String> settings = StackSettings.of("k:9092", "mock://scope")
                    .queue("eu-west-1", sqs, queue)
                    .with("bridge.queues", "eu-west-1=" + queue + "-other")
                    .with("schema.registry.url", "mock://other")
                    .build();

            assertThat(settings).doesNotContainKey("bridge.dead-letter-queues")
                    .containsEntry("bridge.queues", "eu-west-1=" + queue + "-other")
                    .containsEntry("schema.registry.url", "mock://other")
                    .containsEntry("bridge.sqs.endpoint.eu-west-1", sqs.endpoint().toString());
        }
    }
}
