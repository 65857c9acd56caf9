package dev.onboarding.bench.soak;

import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.processor.TopologyNames;
import dev.onboarding.schemas.ExternalIds;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One flood run (issue #19): the whole pipeline as the soak runs it, with the processor's retentions shortened.
 * First {@code genuine} onboardings alone; then the bridge's rate on forged Deletes alone; then a window of forged
 * traffic at that rate while as many genuine onboardings start again; then the stores after the answer retention
 * and after the retention.
 */
final class Flood {
    private static final String REGION = "us-east-1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final String DIGESTS = TopologyNames.DECIDED_REQUEST_DIGESTS_STORE;
    private static final int SCRAPE_EVERY = 5;

    /**
     * One genuine customer's onboarding.
     *
     * @param request   the upstream service's request
     * @param roleArn   the role the customer's stack creates
     * @param requestId the Create's RequestId
     * @param body      the Create as SNS delivers it
     */
    private record Genuine(IntegrationRequested request, String roleArn, String requestId, String body) {
    }

    private final FloodOptions options;
    private final PrintStream progress;
    private final Map<String, Instant> sentAt = new ConcurrentHashMap<>();
    private final Map<String, SoakDriver.Answer> genuineAnswers = new ConcurrentHashMap<>();
    private final Set<String> forgedAnswered = ConcurrentHashMap.newKeySet();
    private final AtomicLong forgedDelivered = new AtomicLong();
    private volatile boolean stopping;

    private Flood(FloodOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the flood {@code options} describe; {@code progress} gets a line per phase. */
    static SoakReport run(FloodOptions options, PrintStream progress) {
        return new Flood(options, progress).run();
    }

    private SoakReport run() {
        SoakOptions stackOptions = new SoakOptions(100, 1, List.of(REGION), 1, Duration.ZERO, options.patience(),
                Duration.ZERO, Duration.ZERO, false, 19, options.childHeap());
        progress.println("flood: starting the broker, registry, queue, stand-ins and 3 app JVMs");
        try (SoakStack stack = SoakStack.start(stackOptions, options.processorSettings(), options.sqsBodyChecks());
                PipelineProbe probe = new PipelineProbe(stack, REGION);
                GenuineStages stages = options.stages() ? new GenuineStages(stack.kafka().bootstrapServers(),
                        List.of(stack.catalog().cfnCallbacks().name(), stack.catalog().roleVerifications().name(),
                                stack.catalog().roleVerificationResults().name(),
                                stack.catalog().cfnResponses().name())) : null) {
            stack.s3().refuseUnder(FloodTraffic.FORGED_PATH, 403);
            CustomResourceBodies bodies = new CustomResourceBodies(stack.s3().origin());
            List<Genuine> genuine = genuine(bodies, 2 * options.genuine());
            List<IntegrationRequested> requests = genuine.stream().map(Genuine::request).toList();
            genuine.forEach(g -> stack.sts().trust(g.roleArn(), g.request().getExternalId()));
            SoakDriver.publish(stack, requests);
            SoakDriver.awaitPending(stack, requests);
            List<Genuine> calm = genuine.subList(0, options.genuine());
            List<Genuine> flooded = genuine.subList(options.genuine(), genuine.size());
            String victim = accountOf(flooded.get(0));
            FloodTraffic traffic = new FloodTraffic(bodies, stack.s3().origin(), REGION, victim,
                    options.creates());

            Thread watcher = new Thread(() -> watchAnswers(stack.s3()), "flood-answer-watch");
            watcher.setDaemon(true);
            watcher.start();
            SoakReport report = new SoakReport("flood");

            progress.printf("flood: %d genuine onboardings without a flood, over %d s%n", calm.size(),
                    options.seconds());
            sendGenuine(stack, calm);
            awaitOrReport(report, "genuine answers without the flood", () -> answered(calm));

            Map<String, StoreCensus.Store> baseline = new java.util.HashMap<>();
            double bridgeRate = calibrate(stack, traffic, probe, baseline);
            int rate = options.rate() > 0 ? options.rate() : (int) Math.round(bridgeRate);
            long calibrationForged = traffic.answerable();
            awaitOrReport(report, "answers to the calibration's forged Deletes",
                    () -> forgedAnswered.size() >= calibrationForged);
            int stsBefore = stack.sts().assumeRoleCalls();
            // Every genuine role counts, the first window's too: the scheduler re-verifies connected roles (spread
            // over its interval), so one of them may be checked during the run; those calls name genuine roles.
            int genuineStsBefore = genuineCalls(stack, genuine);
            PipelineProbe.Reading before = probe.read();
            long callbacksBefore = probe.records(stack.catalog().cfnCallbacks().name());
            long deadLettersBefore = probe.records(stack.catalog().cfnCallbacksDlq().name());

            progress.printf("flood: %d s of forged traffic at %,d/s (%d/s junk) with %d genuine onboardings%n",
                    options.seconds(), rate, options.junkRate(), flooded.size());
            Instant floodStart = Instant.now();
            Thread genuineSender = new Thread(() -> sendGenuine(stack, flooded), "flood-genuine");
            genuineSender.start();
            long[] peak = new long[2];
            Thread sampler = new Thread(() -> sample(probe, peak), "flood-sampler");
            sampler.setDaemon(true);
            sampler.start();
            traffic.send(stack.sender(REGION), stack.queueUrl(REGION), rate, options.junkRate(),
                    Duration.ofSeconds(options.seconds()), options.senders());
            Instant floodEnd = Instant.now();
            join(genuineSender);
            PipelineProbe.Reading atEnd = probe.read();
            Map<FloodTraffic.Kind, Long> sent = traffic.sent();
            long forged = sent.values().stream().mapToLong(Long::longValue).sum() - calibrationForged;
            long answerable = traffic.answerable();
            long junk = sent.get(FloodTraffic.Kind.JUNK);
            progress.printf("flood: %,d forged messages sent in %.1f s; waiting for the pipeline to take them in%n",
                    forged, Duration.between(floodStart, floodEnd).toMillis() / 1000.0);
            awaitOrReport(report, "genuine answers during the flood", () -> answered(flooded));
            awaitOrReport(report, "answers to every forged callback", () -> forgedAnswered.size() >= answerable);
            awaitOrReport(report, "a dead letter for every junk body",
                    () -> probe.records(stack.catalog().cfnCallbacksDlq().name()) - deadLettersBefore >= junk);
            Instant drained = Instant.now();
            stopping = true;
            sampler.interrupt();
            PipelineProbe.Reading afterDrain = probe.read();
            long callbacks = probe.records(stack.catalog().cfnCallbacks().name()) - callbacksBefore;
            long deadLetters = probe.records(stack.catalog().cfnCallbacksDlq().name()) - deadLettersBefore;
            int forgedSts = stack.sts().assumeRoleCalls() - stsBefore
                    - (genuineCalls(stack, genuine) - genuineStsBefore);
            List<String> notConnected = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (Genuine g : genuine) {
                String status = SoakDriver.statusOf(http, stack.processorQueries().get(0)
                        .resolve("/integrations/" + g.request().getIntegrationId()));
                if (!"CONNECTED".equals(status)) {
                    notConnected.add(g.request().getIntegrationId() + " is " + status);
                }
            }

            // The stores once every whole answer is past the answer retention, then once everything is past the
            // retention (the sweeps run every cleanup interval).
            Duration slack = options.cleanupInterval().multipliedBy(2).plusSeconds(5);
            awaitTime(drained.plus(options.answerRetention()).plus(slack), "the answer retention");
            Map<String, StoreCensus.Store> afterAnswers = census(stack, true);
            awaitTime(drained.plus(options.retention()).plus(slack), "the retention");
            Map<String, StoreCensus.Store> afterRetention = census(stack, false);

            report.figure("machine: %d cores, %s %s, max heap %d MB (this JVM; each app JVM -Xmx%s)",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, options.childHeap());
            report.figure("bridge alone on forged Deletes (%,d, 4 KB ResponseURLs): %,.0f/s", options.calibration(),
                    bridgeRate);
            report.figure("forged traffic: %,d messages in %.1f s = %,.0f/s offered at %,d/s: %s",
                    forged, Duration.between(floodStart, floodEnd).toMillis() / 1000.0,
                    forged / Math.max(0.001, Duration.between(floodStart, floodEnd).toMillis() / 1000.0), rate,
                    floodCounts(sent, calibrationForged));
            report.figure("absorbed: every forged callback answered or dead-lettered %.1f s after the window; "
                    + "%,d forged callbacks/s from the first send to the last answer", Duration.between(floodEnd,
                    drained).toMillis() / 1000.0, (long) (forged / Math.max(0.001,
                    Duration.between(floodStart, drained).toMillis() / 1000.0)));
            report.figure("SQS backlog: at most %,d messages waiting during the window, %,d at its end", peak[0],
                    atEnd.queued());
            latencies(report, "without the flood", calm);
            stages(report, stages, calm);
            latencies(report, "during the flood", flooded);
            stages(report, stages, flooded);
            report.figure("held callbacks (in the grace): %,d before, at most %,d during, %,d at the end of the "
                    + "window, %,d once drained; %,d decided early at the bound (processor.held-callbacks.*)",
                    before.inGrace(), peak[1], atEnd.inGrace(), afterDrain.inGrace(),
                    afterDrain.overBound() - before.overBound());
            long remembered = remembered(baseline, afterAnswers, forged);
            stores(report, baseline, afterAnswers, afterRetention, remembered);
            topics(report, before, afterDrain, forged);

            report.check("every genuine onboarding CONNECTED (both windows)", genuine.size(), notConnected);
            report.check("latency: flood p99 at most 2x the no-flood p99 plus 5 s", 1, latencyTarget(calm, flooded));
            report.check("no STS call for an unknown external ID", answerable, forgedSts == 0 ? List.of()
                    : List.of(forgedSts + " AssumeRole calls beyond the genuine onboardings'"));
            List<String> lost = new ArrayList<>();
            if (forgedAnswered.size() < answerable) {
                lost.add((answerable - forgedAnswered.size()) + " forged callbacks not answered when the run stopped "
                        + "waiting (patience " + options.patience() + ")");
            }
            if (deadLetters < junk) {
                lost.add((junk - deadLetters) + " junk bodies without a dead letter when the run stopped waiting");
            }
            if (callbacks < forged - junk + flooded.size()) {
                lost.add("onboarding.cfn-callbacks got " + callbacks + " records for "
                        + (forged - junk + flooded.size()) + " well-formed messages");
            }
            if (forgedDelivered.get() > 0) {
                lost.add(forgedDelivered.get() + " forged answers were accepted by S3");
            }
            if (afterDrain.queued() > 0) {
                lost.add(afterDrain.queued() + " messages still in the queue when the run stopped waiting");
            }
            report.check("nothing lost: every forged callback answered, every junk body dead-lettered", forged, lost);
            long perForged = (StoreCensus.total(afterAnswers).bytes() - StoreCensus.total(baseline).bytes())
                    / remembered;
            report.check("at most 200 B per remembered forged callback in the stores after the answer retention", 1,
                    perForged <= 200 ? List.of() : List.of(perForged + " B per forged callback"));
            // The baseline holds what the first window's genuine onboardings keep; the second window's add as much.
            long baseKeys = StoreCensus.total(baseline).entries();
            long lastKeys = StoreCensus.total(afterRetention).entries();
            report.check("live keys after the retention back to the baseline (plus the genuine onboardings' own)", 1,
                    lastKeys <= 2 * baseKeys ? List.of()
                            : List.of(lastKeys + " live entries, baseline " + baseKeys + " before the second window's "
                                    + flooded.size() + " genuine onboardings"));
            if (!report.passed()) {
                for (ChildJvm app : stack.apps()) {
                    report.note(app.name() + " log tail:\n" + app.tail(25));
                }
            }
            return report;
        } finally {
            stopping = true;
        }
    }

    private List<Genuine> genuine(CustomResourceBodies bodies, int count) {
        ExternalIds externalIds = new ExternalIds();
        Instant now = Instant.now();
        String run = Long.toString(now.toEpochMilli() % 1_000_000, 36);
        List<Genuine> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String integrationId = "flood-" + run + "-" + i;
            String account = String.format("%012d", 400_000_000_000L + i);
            String externalId = externalIds.mint();
            String stackId = CustomResourceBodies.stackId(REGION, account);
            String requestId = UUID.randomUUID().toString();
            IntegrationRequested request = SoakPlan.requested(integrationId, "flood-tenant-" + run + "-" + i,
                    externalId, "ProviderReadOnly", now);
            all.add(new Genuine(request, SoakPlan.roleArn(account, "ProviderReadOnly"), requestId,
                    bodies.request("Create", REGION, stackId, requestId, null, externalId, "ProviderReadOnly",
                            bodies.responseUrl(REGION, stackId, requestId))));
        }
        return all;
    }

    private static String accountOf(Genuine g) {
        return g.roleArn().split(":")[4];
    }

    /** Sends the genuine Creates spread evenly over the window, recording when each went. */
    private void sendGenuine(SoakStack stack, List<Genuine> onboardings) {
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(options.seconds()) / onboardings.size();
        for (int i = 0; i < onboardings.size(); i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // spreading the customers over the window
            }
            Genuine g = onboardings.get(i);
            Instant at = Instant.now();
            stack.sender(REGION).sendMessage(b -> b.queueUrl(stack.queueUrl(REGION)).messageBody(g.body()));
            sentAt.put(g.requestId(), at);
        }
    }

    /** Follows what S3 receives: genuine answers by RequestId, forged ones as a set of RequestIds. */
    private void watchAnswers(S3ResponseStandIn s3) {
        while (!stopping) {
            for (S3ResponseStandIn.RecordedRequest request : s3.takeRequests()) {
                if (!"PUT".equals(request.method())) {
                    continue;
                }
                SoakDriver.Answer answer = SoakDriver.parse(request);
                if (answer == null) {
                    continue;
                }
                if (request.path().startsWith(FloodTraffic.FORGED_PATH)) {
                    forgedAnswered.add(answer.requestId());
                    if (request.delivered()) {
                        forgedDelivered.incrementAndGet();
                    }
                } else if (request.delivered()) {
                    genuineAnswers.putIfAbsent(answer.requestId(), answer);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling the stand-in's recordings
        }
    }

    /**
     * Stops the bridge and the processor, queues {@code calibration} forged Deletes, starts the bridge again and
     * times how fast it moves them to {@code onboarding.cfn-callbacks} (from 5% to 95% of them, so its start is
     * not counted), with nothing else at work; then starts the processor again.
     */
    private double calibrate(SoakStack stack, FloodTraffic traffic, PipelineProbe probe,
            Map<String, StoreCensus.Store> baseline) {
        progress.printf("flood: measuring the bridge alone on %,d forged Deletes%n", options.calibration());
        String topic = stack.catalog().cfnCallbacks().name();
        baseline.putAll(census(stack, false));
        stack.bridge().close();
        long base = probe.records(topic);
        traffic.sendDeletes(stack.sender(REGION), stack.queueUrl(REGION), options.calibration(), options.senders());
        stack.bridge().start();
        long low = base + options.calibration() / 20;
        long high = base + options.calibration() * 19L / 20;
        long lowAt = 0;
        long deadline = System.nanoTime() + options.patience().toNanos();
        while (System.nanoTime() < deadline) {
            long moved = probe.records(topic);
            long now = System.nanoTime();
            if (lowAt == 0 && moved >= low) {
                lowAt = now;
            }
            if (moved >= high) {
                double rate = (high - low) / ((now - lowAt) / 1e9);
                progress.printf("flood: the bridge moved forged Deletes at %,.0f/s%n", rate);
                stack.bridge().awaitReady(READY_TIMEOUT);
                startProcessors(stack);
                return rate;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // following the topic's end offsets
        }
        throw new IllegalStateException("the bridge did not move " + options.calibration() + " Deletes within "
                + options.patience() + " (queue: " + probe.queued() + ")");
    }

    /**
     * The SQS backlog every second and the held callbacks every {@value #SCRAPE_EVERY} seconds: a scrape of the
     * processor's {@code /metrics} renders every Kafka client metric, which once a second cost the processor's JVM
     * more than half of what its stream threads used (JFR), a load no Prometheus puts on it.
     */
    private void sample(PipelineProbe probe, long[] peak) {
        for (long second = 0; !stopping && !Thread.currentThread().isInterrupted(); second++) {
            try {
                long queued = probe.queued();
                long inGrace = second % SCRAPE_EVERY == 0 ? probe.inGrace() : 0;
                synchronized (peak) {
                    peak[0] = Math.max(peak[0], queued);
                    peak[1] = Math.max(peak[1], inGrace);
                }
            } catch (RuntimeException e) {
                // a reading that timed out under load: the next one counts
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // sampling once a second
        }
    }

    private boolean answered(List<Genuine> onboardings) {
        return onboardings.stream().allMatch(g -> genuineAnswers.containsKey(g.requestId()));
    }

    private void awaitOrReport(SoakReport report, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + options.patience().toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                report.note("gave up waiting for " + what + " after " + options.patience());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // the pipeline is working
        }
    }

    private void awaitTime(Instant when, String what) {
        progress.printf("flood: waiting until %s is over (%s)%n", what, when);
        long wait;
        while ((wait = Duration.between(Instant.now(), when).toNanos()) > 0) {
            LockSupport.parkNanos(wait); // a retention is wall-clock time by definition
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int genuineCalls(SoakStack stack, List<Genuine> onboardings) {
        Set<String> roles = new HashSet<>();
        onboardings.forEach(g -> roles.add(g.roleArn()));
        return roles.stream().mapToInt(r -> stack.sts().assumeRoleCalls(r)).sum();
    }

    private static String floodCounts(Map<FloodTraffic.Kind, Long> sent, long calibration) {
        StringBuilder counts = new StringBuilder();
        sent.forEach((kind, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(kind.name()
                .toLowerCase(java.util.Locale.ROOT)).append(' ').append(String.format("%,d",
                kind == FloodTraffic.Kind.DELETE_UNKNOWN ? n - calibration : n)));
        return counts.toString();
    }

    private long[] latencies(List<Genuine> onboardings) {
        return onboardings.stream().filter(g -> genuineAnswers.containsKey(g.requestId()))
                .mapToLong(g -> Duration.between(sentAt.get(g.requestId()),
                        genuineAnswers.get(g.requestId()).receivedAt()).toMillis())
                .sorted().toArray();
    }

    private void latencies(SoakReport report, String when, List<Genuine> onboardings) {
        long[] sorted = latencies(onboardings);
        if (sorted.length > 0) {
            report.figure("genuine onboardings %s: %d of %d answered, stack sent to answer delivered p50 %,d ms, "
                    + "p99 %,d ms, max %,d ms", when, sorted.length, onboardings.size(),
                    SoakChecks.percentile(sorted, 50), SoakChecks.percentile(sorted, 99), sorted[sorted.length - 1]);
        }
    }

    private void stages(SoakReport report, GenuineStages stages, List<Genuine> onboardings) {
        if (stages == null) {
            return;
        }
        List<GenuineStages.Timeline> timelines = onboardings.stream()
                .filter(g -> genuineAnswers.containsKey(g.requestId()))
                .map(g -> new GenuineStages.Timeline(g.request().getExternalId(), g.requestId(),
                        sentAt.get(g.requestId()), genuineAnswers.get(g.requestId()).receivedAt()))
                .toList();
        stages.breakdown(timelines).forEach(line -> report.figure("  %s", line));
    }

    private List<String> latencyTarget(List<Genuine> calm, List<Genuine> flooded) {
        long[] without = latencies(calm);
        long[] with = latencies(flooded);
        if (without.length == 0 || with.length == 0) {
            return List.of("no latencies to compare");
        }
        long bound = 2 * SoakChecks.percentile(without, 99) + 5_000;
        long p99 = SoakChecks.percentile(with, 99);
        return p99 <= bound ? List.of() : List.of("p99 " + p99 + " ms > " + bound + " ms");
    }

    /**
     * Stops the processor (a clean close writes its memtables out), counts what its stores hold, and starts it
     * again if {@code restart}.
     */
    private static Map<String, StoreCensus.Store> census(SoakStack stack, boolean restart) {
        stack.processors().forEach(ChildJvm::close);
        Map<String, StoreCensus.Store> stores = StoreCensus.of(stack.workDir().resolve("processor-1"));
        if (restart) {
            startProcessors(stack);
        }
        return stores;
    }

    private static void startProcessors(SoakStack stack) {
        stack.processors().forEach(ChildJvm::start);
        stack.processors().forEach(p -> p.awaitReady(READY_TIMEOUT));
    }

    /**
     * Forged callbacks the stores remember in the reading after the answer retention: its digests more than the
     * baseline's. Those decided longer than the retention before it (the calibration's, the window's first ones
     * in a long window) are gone, so the stores' growth is divided by what they still hold, not by all sent.
     */
    private static long remembered(Map<String, StoreCensus.Store> baseline, Map<String, StoreCensus.Store> later,
            long forged) {
        StoreCensus.Store none = new StoreCensus.Store(0, 0);
        long digests = later.getOrDefault(DIGESTS, none).entries() - baseline.getOrDefault(DIGESTS, none).entries();
        return digests > 0 ? digests : Math.max(1, forged);
    }

    private static void stores(SoakReport report, Map<String, StoreCensus.Store> baseline,
            Map<String, StoreCensus.Store> afterAnswers, Map<String, StoreCensus.Store> afterRetention,
            long remembered) {
        StoreCensus.Store none = new StoreCensus.Store(0, 0);
        Set<String> names = new TreeSet<>(baseline.keySet());
        names.addAll(afterAnswers.keySet());
        names.addAll(afterRetention.keySet());
        report.figure("processor stores, live entries and their key and value bytes (read from the stopped "
                + "processor's RocksDB): before the forged traffic -> after the answer retention -> after the "
                + "retention; growth per forged callback still remembered after the answer retention (%,d)",
                remembered);
        for (String name : names) {
            StoreCensus.Store base = baseline.getOrDefault(name, none);
            StoreCensus.Store later = afterAnswers.getOrDefault(name, none);
            StoreCensus.Store last = afterRetention.getOrDefault(name, none);
            report.figure("  %-28s %,8d -> %,8d -> %,8d entries; %,11d -> %,11d -> %,11d B; %+,5.1f B per "
                    + "remembered callback", name, base.entries(), later.entries(), last.entries(),
                    base.bytes(), later.bytes(), last.bytes(), (later.bytes() - base.bytes()) / (double) remembered);
        }
        StoreCensus.Store base = StoreCensus.total(baseline);
        StoreCensus.Store later = StoreCensus.total(afterAnswers);
        StoreCensus.Store last = StoreCensus.total(afterRetention);
        report.figure("  %-28s %,8d -> %,8d -> %,8d entries; %,11d -> %,11d -> %,11d B; %+,5.1f B per "
                + "remembered callback", "all stores", base.entries(), later.entries(),
                last.entries(), base.bytes(), later.bytes(), last.bytes(), (later.bytes() - base.bytes())
                / (double) remembered);
    }

    private static void topics(SoakReport report, PipelineProbe.Reading before, PipelineProbe.Reading drained,
            long forged) {
        drained.topicBytes().forEach((topic, bytes) -> {
            long added = bytes - before.topicBytes().getOrDefault(topic, 0L);
            if (added > 0) {
                report.figure("  topic %-70s +%,14d B = %,7d B per forged message", topic, added,
                        added / Math.max(1, forged));
            }
        });
    }
}
