package dev.onboarding.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.cli.ProcessorQueries;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The story {@code onboarding demo} tells against a running local stack, with the same building blocks as
 * {@code simulate}: a tenant connects an account (SUCCESS, CONNECTED, jobs flowing), tries the same account again
 * (FAILED, and the rollback Delete leaves the first integration connected), then deletes the stack
 * (DISCONNECTED, jobs stop). Every step prints what CloudFormation sees and how long it took; {@link #run()}
 * says whether every step behaved as narrated.
 */
final class DemoScenario {
    /**
     * Who plays and how patient the narrator is.
     *
     * @param region the stacks' region
     * @param tenant the tenant
     * @param account the customer's AWS account
     * @param stepTimeout the longest wait for any one thing to happen
     * @param quietWindow how long no job may arrive for "jobs stop"
     */
    record Options(String region, String tenant, String account, Duration stepTimeout, Duration quietWindow) {
    }

    private static final Duration POLL = Duration.ofMillis(200);

    private final EndpointsFile endpoints;
    private final Options options;
    private final PrintWriter out;
    private final List<String> stepResults = new ArrayList<>();
    private final String jobsTopic = TopicSettings.defaults().name(TopicDefinition.COLLECTION_JOBS);
    private boolean stepOk;
    private long stepStart;

    /** A scenario against the stack at {@code endpoints}, narrated to {@code out}. */
    DemoScenario(EndpointsFile endpoints, Options options, PrintWriter out) {
        this.endpoints = endpoints;
        this.options = options;
        this.out = out;
    }

    /** Tells the whole story; true when every step behaved as narrated. */
    boolean run() {
        long start = System.nanoTime();
        try (IntegrationRequestPublisher publisher = SimulateRequestCommand.localPublisher(endpoints);
             SimulatedCloudFormation cloudFormation = new SimulatedCloudFormation(endpoints, Clock.systemUTC());
             CollectionJobWatch jobs = CollectionJobWatch.start(endpoints.kafkaBootstrapServers(),
                     endpoints.schemaRegistryUrl(), jobsTopic, options.stepTimeout())) {
            Cast cast = new Cast(publisher, cloudFormation, new ProcessorQueries(endpoints.processorUrl()), jobs);
            boolean ok = step(1, "tenant " + options.tenant() + " asks to connect an AWS account",
                    () -> cast.requestFirst())
                    && step(2, "the customer launches the stack in account " + options.account() + " ("
                            + options.region() + ")", () -> cast.connectFirst())
                    && step(3, "tenant " + options.tenant() + " tries to connect the same account again",
                            () -> cast.tryTheSameAccountAgain())
                    && step(4, "the customer deletes the stack", () -> cast.deleteFirst());
            summary(ok, Duration.ofNanos(System.nanoTime() - start));
            return ok;
        } catch (RuntimeException e) {
            out.println("  FAIL  the demo stopped: " + e.getMessage());
            summary(false, Duration.ofNanos(System.nanoTime() - start));
            return false;
        }
    }

    /** The actors and what they remember between steps. */
    private final class Cast {
        private final IntegrationRequestPublisher publisher;
        private final SimulatedCloudFormation cloudFormation;
        private final ProcessorQueries queries;
        private final CollectionJobWatch jobs;
        private IntegrationRequestPublisher.Published first;
        private SimulatedCloudFormation.Launched firstStack;

        Cast(IntegrationRequestPublisher publisher, SimulatedCloudFormation cloudFormation, ProcessorQueries queries,
                CollectionJobWatch jobs) {
            this.publisher = publisher;
            this.cloudFormation = cloudFormation;
            this.queries = queries;
            this.jobs = jobs;
        }

        void requestFirst() {
            first = request("production account", IntegrationRequest.DEFAULT_ROLE_NAME);
        }

        void connectFirst() {
            firstStack = cloudFormation.launch(StackLaunch.create(first.externalId(), options.account(),
                    options.region(), first.roleName()));
            expectAnswer("the custom resource", firstStack, "SUCCESS");
            expectStatus(first, "CONNECTED");
            long since = System.nanoTime();
            CollectionJobWatch.Seen seen = jobs.seen(first.integrationId());
            Optional<Integer> flowing = Polling.until(options.stepTimeout(), POLL,
                    () -> seen.jobs() > 0 ? Optional.of(seen.jobs()) : Optional.empty());
            check(flowing.isPresent(), flowing.isPresent()
                    ? "collection jobs flowing on " + jobs.topic() + ": " + seen.jobs() + " so far ("
                            + seen.initialJobs() + " INITIAL), first after " + seconds(since)
                    : "no collection job for " + first.integrationId() + " on " + jobs.topic() + " within "
                            + options.stepTimeout().toSeconds() + " s");
        }

        void tryTheSameAccountAgain() {
            // A second role in the same account needs another name: IAM role names are unique per account.
            IntegrationRequestPublisher.Published second = request("same account, second try",
                    IntegrationRequest.DEFAULT_ROLE_NAME + "2");
            SimulatedCloudFormation.Launched secondStack = cloudFormation.launch(StackLaunch.create(
                    second.externalId(), options.account(), options.region(), second.roleName()));
            CloudFormationAnswer failed = expectAnswer("the second stack's custom resource", secondStack, "FAILED");
            // CloudFormation rolls the failed Create back with a Delete carrying the FAILED answer's physical id.
            SimulatedCloudFormation.Launched rollback = cloudFormation.launch(StackLaunch.delete(second.externalId(),
                    options.account(), options.region(), second.roleName(), secondStack.stackId(),
                    Optional.of(failed.physicalResourceId()).filter(id -> !id.isEmpty())));
            expectAnswer("the rollback Delete", rollback, "SUCCESS");
            expectStatus(first, "CONNECTED");
        }

        void deleteFirst() {
            SimulatedCloudFormation.Launched delete = cloudFormation.launch(StackLaunch.delete(first.externalId(),
                    options.account(), options.region(), first.roleName(), firstStack.stackId(), Optional.empty()));
            expectAnswer("the Delete", delete, "SUCCESS");
            expectStatus(first, "DISCONNECTED");
            CollectionJobWatch.Seen seen = jobs.seen(first.integrationId());
            long since = System.nanoTime();
            // In-flight jobs may still land while the scheduler catches up: wait for a quiet window.
            Optional<Integer> quiet = Polling.until(options.stepTimeout(), POLL, () -> {
                long lastArrival = Math.max(seen.lastArrivalNanos(), since);
                return System.nanoTime() - lastArrival >= options.quietWindow().toNanos()
                        ? Optional.of(seen.jobs()) : Optional.empty();
            });
            check(quiet.isPresent(), quiet.isPresent()
                    ? "collection jobs stopped: none for " + options.quietWindow().toSeconds() + " s ("
                            + seen.jobs() + " in all)"
                    : "collection jobs still arriving " + options.stepTimeout().toSeconds() + " s after the "
                            + "disconnect (" + seen.jobs() + " in all)");
        }

        private IntegrationRequestPublisher.Published request(String name, String roleName) {
            long since = System.nanoTime();
            IntegrationRequestPublisher.Published published = publisher.publish(new IntegrationRequest(
                    options.tenant(), roleName, name, Optional.empty(), Map.of(), Optional.empty()));
            out.println("  upstream service requested integration " + published.integrationId() + " (external ID "
                    + ExternalIds.redact(published.externalId()) + ", role " + roleName + ") in " + seconds(since));
            expectStatus(published, "PENDING");
            return published;
        }

        private CloudFormationAnswer expectAnswer(String what, SimulatedCloudFormation.Launched launched,
                String expected) {
            Optional<CloudFormationAnswer> answer = cloudFormation.awaitAnswer(launched.requestId(),
                    options.stepTimeout());
            Duration took = Duration.between(launched.sentAt(), answer.map(CloudFormationAnswer::receivedAt)
                    .orElse(launched.sentAt().plus(options.stepTimeout())));
            String sees = answer.map(CloudFormationAnswer::describe)
                    .orElse("no answer within " + options.stepTimeout().toSeconds() + " s");
            boolean ok = answer.isPresent() && expected.equals(answer.get().status());
            check(ok, "CloudFormation sees " + what + ": " + sees + " (" + seconds(took) + ")"
                    + (ok ? "" : "; expected " + expected));
            return answer.orElseThrow();
        }

        private void expectStatus(IntegrationRequestPublisher.Published integration, String expected) {
            long since = System.nanoTime();
            String[] lastSeen = {"nothing"};
            Optional<String> status = Polling.until(options.stepTimeout(), POLL, () -> {
                try {
                    Optional<JsonNode> state = queries.integration(integration.integrationId());
                    lastSeen[0] = state.map(s -> "status " + s.path("status").asText()).orElse("not found (404)");
                    return state.map(s -> s.path("status").asText()).filter(expected::equals);
                } catch (IllegalStateException e) {
                    lastSeen[0] = e.getMessage();
                    return Optional.empty();
                }
            });
            check(status.isPresent(), status.isPresent()
                    ? "the processor shows integration " + integration.integrationId() + " " + expected + " ("
                            + seconds(since) + ")"
                    : "integration " + integration.integrationId() + " is not " + expected + " after "
                            + options.stepTimeout().toSeconds() + " s (last seen: " + lastSeen[0] + ")");
        }
    }

    private boolean step(int number, String title, Runnable body) {
        out.println();
        out.println("Step " + number + ": " + title);
        out.flush();
        stepOk = true;
        stepStart = System.nanoTime();
        try {
            body.run();
        } catch (CheckFailed e) {
            // already narrated
        } catch (RuntimeException e) {
            out.println("  FAIL  the step stopped: " + e.getMessage());
            stepOk = false;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - stepStart);
        String result = "Step " + number + " " + (stepOk ? "behaved as narrated" : "did NOT behave as narrated")
                + " (" + seconds(took) + ")";
        out.println("  => " + result);
        out.flush();
        stepResults.add(result);
        return stepOk;
    }

    /** Narrates one check; a failed check ends its step (later checks build on it). */
    private void check(boolean ok, String line) {
        out.println((ok ? "  ok    " : "  FAIL  ") + line);
        out.flush();
        if (!ok) {
            stepOk = false;
            throw new CheckFailed();
        }
    }

    /** Ends a step whose check failed; the failure is already narrated. */
    private static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed() {
            super(null, null, false, false);
        }
    }

    private void summary(boolean ok, Duration took) {
        out.println();
        out.println("Summary:");
        stepResults.forEach(r -> out.println("  " + r));
        out.println(ok ? "Every step behaved as narrated (" + stepResults.size() + " steps, " + seconds(took) + ")."
                : "The demo did NOT behave as narrated (" + seconds(took) + ").");
        out.flush();
    }

    private static String seconds(long sinceNanos) {
        return seconds(Duration.ofNanos(System.nanoTime() - sinceNanos));
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
