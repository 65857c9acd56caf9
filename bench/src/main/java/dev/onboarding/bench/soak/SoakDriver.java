package dev.onboarding.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.schemas.topics.Topic;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the upstream service, CloudFormation and the operator's bad day: publishes the integration requests,
 * sends the plan's messages to the regional queues at the configured rate (a Delete only once its stack's Create
 * was answered, as CloudFormation would), watches what the S3 stand-in receives, and meanwhile kills the bridge,
 * kills a processor instance, restarts the broker and takes S3 down.
 */
final class SoakDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /**
     * An answer CloudFormation received (the S3 stand-in answered the PUT with 2xx).
     *
     * @param requestId  the RequestId
     * @param status     SUCCESS or FAILED
     * @param reason     the reason, empty if none
     * @param physicalId the PhysicalResourceId
     * @param receivedAt when S3 received it
     */
    record Answer(String requestId, String status, String reason, String physicalId, Instant receivedAt) {
    }

    /**
     * A fault the run caused.
     *
     * @param name      what happened
     * @param at        when it began
     * @param took      until the component was back (or the outage ended)
     */
    record Fault(String name, Instant at, Duration took) {
    }

    /**
     * What the driver saw.
     *
     * @param firstSend      the first message's send time
     * @param lastSend       the last message's send time
     * @param sent           messages sent
     * @param sentAt         first send time per RequestId
     * @param answers        first delivered answer per RequestId
     * @param deliveredPuts  response PUTs S3 accepted, per RequestId
     * @param refusedPuts    response PUTs S3 refused (the outage)
     * @param faults         the faults, in order
     * @param unsent         dependents never sent, with why
     * @param doneAt         when the last expected answer arrived (or the run gave up)
     */
    record Observations(Instant firstSend, Instant lastSend, int sent, Map<String, Instant> sentAt,
            Map<String, Answer> answers, Map<String, Integer> deliveredPuts, int refusedPuts, List<Fault> faults,
            List<String> unsent, Instant doneAt) {
    }

    private final SoakStack stack;
    private final SoakPlan plan;
    private final SoakOptions options;
    private final Map<String, Instant> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> deliveredPuts = new ConcurrentHashMap<>();
    private final Map<String, List<SoakPlan.Dependent>> waiting = new HashMap<>();
    private final LinkedBlockingQueue<SoakPlan.Message> released = new LinkedBlockingQueue<>();
    private final List<String> unsent = Collections.synchronizedList(new ArrayList<>());
    private final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger dependentsOpen = new AtomicInteger();
    private volatile int refusedPuts;
    private volatile boolean stopping;
    private volatile RuntimeException faultFailure;

    SoakDriver(SoakStack stack, SoakPlan plan, SoakOptions options) {
        this.stack = stack;
        this.plan = plan;
        this.options = options;
        for (SoakPlan.Dependent d : plan.dependents()) {
            waiting.computeIfAbsent(d.after(), k -> new ArrayList<>()).add(d);
        }
        dependentsOpen.set(plan.dependents().size());
    }

    /** Runs the workload and the faults; returns when every expected answer arrived or patience ran out. */
    Observations run() {
        for (SoakPlan.TrustedRole role : plan.trustedRoles()) {
            stack.sts().trust(role.roleArn(), role.externalId());
        }
        for (SoakPlan.OrganizationMember member : plan.organizationMembers()) {
            stack.sts().organizations().join(member.accountId(), member.organizationId());
        }
        publish(stack, plan.requests());
        awaitPending(stack, plan.requests());
        Thread watcher = new Thread(this::watchAnswers, "soak-answer-watch");
        watcher.setDaemon(true);
        watcher.start();
        Thread chaos = new Thread(this::causeFaults, "soak-faults");
        chaos.setDaemon(true);
        Instant firstSend = Instant.now();
        chaos.start();
        Instant lastSend = send();
        try {
            chaos.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (faultFailure != null) {
            stopping = true;
            throw faultFailure;
        }
        Instant doneAt = awaitAnswers(Instant.now().plus(options.patience()));
        stopping = true;
        try {
            watcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Observations(firstSend, lastSend, sent.get(), Map.copyOf(sentAt), Map.copyOf(answers),
                Map.copyOf(deliveredPuts), refusedPuts, List.copyOf(faults), List.copyOf(unsent), doneAt);
    }

    /** Publishes {@code requests} on the integration requests topic, as the upstream service does. */
    static void publish(SoakStack stack, List<IntegrationRequested> requests) {
        Topic<String, IntegrationRequestEvent> topic = stack.catalog().integrationRequests();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, IntegrationRequestEvent> producer = new KafkaProducer<>(props,
                new StringSerializer(), topic.valueSerde().serializer())) {
            for (IntegrationRequested requested : requests) {
                producer.send(new ProducerRecord<>(topic.name(), requested.getIntegrationId(),
                        IntegrationRequestEvent.newBuilder().setEvent(requested).build()));
            }
            producer.flush();
        }
    }

    /**
     * The upstream service requests an integration long before its customer launches the stack: waits until the
     * processor shows every requested integration PENDING, so that no valid Create can overtake its request by
     * more than the (short) grace the soak configures.
     */
    static void awaitPending(SoakStack stack, List<IntegrationRequested> requests) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI base = stack.processorQueries().get(0);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (IntegrationRequested requested : requests) {
            java.net.URI uri = base.resolve("/integrations/" + requested.getIntegrationId());
            while (!isPending(http, uri)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the processor did not show integration "
                            + requested.getIntegrationId() + " PENDING within " + READY_TIMEOUT.toSeconds() + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the processor is taking requests in
            }
        }
    }

    private static boolean isPending(java.net.http.HttpClient http, java.net.URI uri) {
        return "PENDING".equals(statusOf(http, uri));
    }

    /** The status the processor's query at {@code uri} shows for an integration, or null if it shows none. */
    static String statusOf(java.net.http.HttpClient http, java.net.URI uri) {
        try {
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()).path("status").asText() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends at the configured rate, dependents first as they are released; returns the last send time. */
    private Instant send() {
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / options.rate();
        Iterator<SoakPlan.Message> independent = plan.independent().iterator();
        Instant last = Instant.now();
        long giveUpAt = Long.MAX_VALUE;
        while (independent.hasNext() || dependentsOpen.get() > 0 || !released.isEmpty()) {
            long due = start + sent.get() * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing the sender, not waiting for a result
            }
            SoakPlan.Message message = released.poll();
            if (message == null && independent.hasNext()) {
                message = independent.next();
            }
            if (message == null) {
                // Only dependents are left: they wait for answers, which may wait for a fault to heal.
                if (giveUpAt == Long.MAX_VALUE) {
                    giveUpAt = System.nanoTime() + options.patience().toNanos() + TimeUnit.MINUTES.toNanos(3);
                }
                try {
                    message = released.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (message == null) {
                    if (System.nanoTime() > giveUpAt) {
                        break;
                    }
                    continue;
                }
            }
            deliver(message);
            last = Instant.now();
        }
        return last;
    }

    private void deliver(SoakPlan.Message message) {
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Instant now = Instant.now();
                stack.sender(message.region()).sendMessage(b -> b.queueUrl(stack.queueUrl(message.region()))
                        .messageBody(message.body()));
                if (message.requestId() != null) {
                    sentAt.putIfAbsent(message.requestId(), now);
                }
                sent.incrementAndGet();
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw new IllegalStateException("cannot send to the " + message.region() + " queue", failure);
    }

    private void watchAnswers() {
        int seen = 0;
        while (!stopping) {
            List<S3ResponseStandIn.RecordedRequest> requests = stack.s3().requests();
            for (; seen < requests.size(); seen++) {
                S3ResponseStandIn.RecordedRequest request = requests.get(seen);
                if (!"PUT".equals(request.method())) {
                    continue;
                }
                if (!request.delivered()) {
                    refusedPuts++;
                    continue;
                }
                Answer answer = parse(request);
                if (answer == null) {
                    continue;
                }
                deliveredPuts.merge(answer.requestId(), 1, Integer::sum);
                if (answers.putIfAbsent(answer.requestId(), answer) == null) {
                    release(answer);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling the stand-in's recordings
        }
    }

    private void release(Answer answer) {
        List<SoakPlan.Dependent> dependents;
        synchronized (waiting) {
            dependents = waiting.remove(answer.requestId());
        }
        if (dependents == null) {
            return;
        }
        for (SoakPlan.Dependent d : dependents) {
            if (d.afterStatus().equals(answer.status())) {
                released.add(d.message());
            } else {
                unsent.add(d.message().kind() + " " + d.message().requestId() + ": its prerequisite "
                        + answer.requestId() + " was answered " + answer.status() + " (" + answer.reason() + ")");
            }
            dependentsOpen.decrementAndGet();
        }
    }

    /** The answer a response PUT carries, or null if its body is not one. */
    static Answer parse(S3ResponseStandIn.RecordedRequest request) {
        try {
            JsonNode body = JSON.readTree(request.body());
            return new Answer(body.path("RequestId").asText(), body.path("Status").asText(),
                    body.path("Reason").asText(""), body.path("PhysicalResourceId").asText(), request.receivedAt());
        } catch (IOException e) {
            return null; // counted as missing by the checks
        }
    }

    private void causeFaults() {
        try {
            int total = plan.total();
            awaitSent(total * 15 / 100);
            ChildJvm bridge = stack.bridge();
            restartKilled(bridge, "bridge killed (destroyForcibly) and restarted");
            awaitSent(total * 35 / 100);
            restartKilled(stack.processors().get(0), stack.processors().get(0).name()
                    + " killed (destroyForcibly) and restarted");
            awaitSent(total * 55 / 100);
            Instant at = Instant.now();
            stack.kafka().restart();
            faults.add(new Fault("broker restarted", at, Duration.between(at, Instant.now())));
            awaitSent(total * 75 / 100);
            at = Instant.now();
            stack.s3().failAllFor(options.s3Outage(), 503);
            faults.add(new Fault("S3 answered 503 to every response", at, options.s3Outage()));
            long end = System.nanoTime() + options.s3Outage().toNanos();
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(end - System.nanoTime()); // the outage lasts this long by definition
            }
        } catch (RuntimeException e) {
            faultFailure = e;
        }
    }

    private void restartKilled(ChildJvm app, String what) {
        Instant at = Instant.now();
        app.kill();
        app.start();
        app.awaitReady(READY_TIMEOUT);
        faults.add(new Fault(what, at, Duration.between(at, Instant.now())));
    }

    private void awaitSent(int count) {
        while (sent.get() < count && !stopping) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // following the sender's progress
        }
    }

    /** Waits until every sent answerable request was answered, or {@code deadline}; returns when it stopped. */
    private Instant awaitAnswers(Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            boolean all = plan.answers().keySet().stream()
                    .filter(sentAt::containsKey)
                    .allMatch(answers::containsKey);
            if (all) {
                return Instant.now();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // the answers arrive through S3
        }
        return Instant.now();
    }
}
