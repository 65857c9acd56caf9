package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.ProcessorQueries;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.CollectionOutcome;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Integration health on the local run as {@code onboarding local} starts it: a role revoked with {@code simulate
 * revoke-role} makes its integration UNREACHABLE after the run of denied re-verifications and pauses its jobs;
 * {@code simulate restore-role} makes it HEALTHY and resumes them without a second INITIAL burst; a collector's
 * results move health both ways.
 */
@ExtendWith(LocalSandbox.Extension.class)
class IntegrationHealthLocalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration INTERVAL = Duration.parse("PT" + LocalRun.LOCAL_REVERIFICATION_INTERVAL);
    private static final Pattern METRIC = Pattern.compile(
            "^scheduler_connections_total\\{event=\"(\\w+)\"[^}]*} ([0-9.E+]+)$", Pattern.MULTILINE);

    private record Connected(String integrationId, String externalId) {
    }

    /** Requests and connects an integration through the local run's commands. */
    private static Connected connect(LocalSandbox sandbox, String tenant) throws Exception {
        String endpoints = sandbox.endpointsFile().toString();
        CommandRun requested = CommandRun.of("simulate", "request", "--endpoints-file", endpoints, "--tenant", tenant,
                "--json");
        assertThat(requested.exitCode()).as(requested.err()).isZero();
        JsonNode request = JSON.readTree(requested.out());
        String id = request.get("integrationId").asText();
        String externalId = request.get("externalId").asText();
        String account = Long.toString(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        CommandRun launched = CommandRun.of("simulate", "launch-stack", "--endpoints-file", endpoints,
                "--external-id", externalId, "--account", account, "--region", LocalSandbox.REGION, "--wait",
                "--json");
        assertThat(launched.exitCode()).as(launched.err() + launched.out()).isZero();
        assertThat(JSON.readTree(launched.out()).path("status").asText()).isEqualTo("SUCCESS");
        awaitState(sandbox, id, "connected", s -> s.path("status").asText().equals("CONNECTED"));
        return new Connected(id, externalId);
    }

    private static JsonNode awaitState(LocalSandbox sandbox, String id, String what,
            java.util.function.Predicate<JsonNode> condition) {
        ProcessorQueries queries = new ProcessorQueries(sandbox.endpoints().processorUrl());
        JsonNode[] last = new JsonNode[1];
        await(id + " " + what).atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = queries.integration(id).orElse(null);
            return last[0] != null && condition.test(last[0]);
        });
        return last[0];
    }

    private static String health(JsonNode state) {
        return state.path("health").path("status").asText("");
    }

    /** The scheduler's {@code scheduler_connections_total{event}} from its operations endpoint. */
    private static double connections(LocalSandbox sandbox, String event) throws Exception {
        URI metrics = URI.create(sandbox.endpoints().require("http.scheduler.url").replaceAll("/+$", "")
                + "/metrics");
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(event)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    @Test
    void aRevokedRoleIsUnreachableAndPausedThenRestoredHealthyAndResumedWithoutASecondBurst(LocalSandbox sandbox)
            throws Exception {
        EndpointsFile endpoints = sandbox.endpoints();
        try (CollectionJobWatch jobs = CollectionJobWatch.start(endpoints.kafkaBootstrapServers(),
                endpoints.schemaRegistryUrl(), "onboarding.collection-jobs", PATIENCE)) {
            Connected connected = connect(sandbox, "health-revoke");
            CollectionJobWatch.Seen seen = jobs.seen(connected.integrationId());
            await("the INITIAL burst").atMost(PATIENCE).until(() -> seen.initialJobs() > 0);
            // The first re-verification after connecting says HEALTHY.
            awaitState(sandbox, connected.integrationId(), "checked", s -> health(s).equals("HEALTHY"));
            double pausedBefore = connections(sandbox, "paused");
            double resumedBefore = connections(sandbox, "resumed");

            Instant revokedAt = Instant.now();
            CommandRun revoke = CommandRun.of("simulate", "revoke-role", "--endpoints-file",
                    sandbox.endpointsFile().toString(), "--integration-id", connected.integrationId());
            assertThat(revoke.exitCode()).as(revoke.err()).isZero();
            assertThat(revoke.out()).contains("revoked").doesNotContain(connected.externalId());

            JsonNode unreachable = awaitState(sandbox, connected.integrationId(), "UNREACHABLE",
                    s -> health(s).equals("UNREACHABLE"));
            assertThat(unreachable.path("status").asText()).as("status values unchanged").isEqualTo("CONNECTED");
            assertThat(unreachable.at("/health/reason").asText()).contains("3 consecutive checks");
            // Three denials in a row, one per interval: not before the third re-verification after the revoke.
            Instant since = Instant.parse(unreachable.at("/health/since").asText());
            assertThat(Duration.between(revokedAt, since)).as("UNREACHABLE only after the run of denials")
                    .isGreaterThanOrEqualTo(INTERVAL.multipliedBy(2).minusSeconds(1));
            assertThat(Duration.between(revokedAt, Instant.now())).as("shows within a minute")
                    .isLessThan(Duration.ofSeconds(60).plus(INTERVAL));
            await("jobs paused").atMost(PATIENCE).until(() -> connections(sandbox, "paused") > pausedBefore);
            CommandRun status = CommandRun.of("status", connected.integrationId(), "--endpoints-file",
                    sandbox.endpointsFile().toString());
            assertThat(status.out()).startsWith("integration " + connected.integrationId() + ": CONNECTED (UNREACHABLE)")
                    .contains("could not be assumed");
            int initialJobs = seen.initialJobs();

            CommandRun restore = CommandRun.of("simulate", "restore-role", "--endpoints-file",
                    sandbox.endpointsFile().toString(), "--integration-id", connected.integrationId());
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            JsonNode healthy = awaitState(sandbox, connected.integrationId(), "HEALTHY again",
                    s -> health(s).equals("HEALTHY"));
            assertThat(healthy.at("/health/reason").isNull()).isTrue();
            await("jobs resumed").atMost(PATIENCE).until(() -> connections(sandbox, "resumed") > resumedBefore);
            await("no second INITIAL burst").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> seen.initialJobs() == initialJobs);
            assertThat(CommandRun.of("simulate", "restore-role", "--endpoints-file",
                    sandbox.endpointsFile().toString(), "--integration-id", connected.integrationId()).exitCode())
                    .as("nothing left to restore").isEqualTo(1);
        }
    }

    @Test
    void aCollectorsResultsMoveHealthBothWays(LocalSandbox sandbox) throws Exception {
        Connected connected = connect(sandbox, "health-collector");
        EndpointsFile endpoints = sandbox.endpoints();
        try (SchemaRegistry registry = SchemaRegistries.connect(RegistrySettings.of(endpoints.schemaRegistryUrl()))) {
            Topic<String, CollectionResult> results = TopicCatalog.create(TopicSettings.defaults(), registry, true)
                    .collectionResults();
            Map<String, Object> props = KafkaSettings.of(endpoints.kafkaBootstrapServers()).clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, CollectionResult> collector = new KafkaProducer<>(props, new StringSerializer(),
                    results.valueSerde().serializer())) {
                collector.send(new ProducerRecord<>(results.name(), connected.integrationId(), CollectionResult
                        .newBuilder().setJobId("job-1").setIntegrationId(connected.integrationId())
                        .setResourceType("AWS::EC2::Instance").setRegion(LocalSandbox.REGION)
                        .setOutcome(CollectionOutcome.ACCESS_DENIED).setAction("ec2:DescribeInstances")
                        .setErrorCode("AccessDenied").setFinishedAt(Instant.now()).build()))
                        .get(30, TimeUnit.SECONDS);
                JsonNode degraded = awaitState(sandbox, connected.integrationId(), "DEGRADED",
                        s -> health(s).equals("DEGRADED"));
                assertThat(degraded.at("/health/deniedJobTypes/0/resourceType").asText())
                        .isEqualTo("AWS::EC2::Instance");
                assertThat(degraded.at("/health/deniedJobTypes/0/grantedByTemplate").asBoolean())
                        .as("the shipped template grants ec2:DescribeInstances").isTrue();
                assertThat(degraded.at("/health/reason").asText()).contains("permissions boundary");

                collector.send(new ProducerRecord<>(results.name(), connected.integrationId(), CollectionResult
                        .newBuilder().setJobId("job-2").setIntegrationId(connected.integrationId())
                        .setResourceType("AWS::EC2::Instance").setRegion(LocalSandbox.REGION)
                        .setOutcome(CollectionOutcome.OK).setFinishedAt(Instant.now()).build()))
                        .get(30, TimeUnit.SECONDS);
                JsonNode healthy = awaitState(sandbox, connected.integrationId(), "HEALTHY",
                        s -> health(s).equals("HEALTHY"));
                assertThat(healthy.at("/health/deniedJobTypes").isArray()).as("an empty list, not a missing one")
                        .isTrue();
                assertThat(healthy.at("/health/deniedJobTypes").size()).isZero();
            }
        }
    }
}
