package dev.onboarding.bench.soak;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The soak's verdict: compares what the plan said must happen with what the topics, the S3 stand-in and the
 * attacker's server show, and works out the figures.
 */
final class SoakChecks {

    /**
     * What the topics held at the end.
     *
     * @param responses    every record of onboarding.cfn-responses (key: RequestId)
     * @param integrations the last state per integration id on onboarding.integrations
     * @param deadLetters  every record of onboarding.cfn-callbacks.dlq
     */
    record TopicContents(List<CfnResponse> responses, Map<String, Integration> integrations,
            List<DeadLetter> deadLetters) {
    }

    private SoakChecks() {
    }

    /** Checks everything and gathers the figures. */
    static SoakReport verdict(SoakPlan plan, SoakOptions options, SoakDriver.Observations seen, TopicContents topics,
            JobWatch jobs, int expectedInitialJobs, int attackerRequests, List<ChildJvm> apps) {
        SoakReport report = new SoakReport();
        figures(report, plan, options, seen, jobs);

        // Exactly one distinct decision per RequestId, the expected one.
        Map<String, Set<String>> decisions = new HashMap<>();
        Map<String, CfnResponse> oneOf = new HashMap<>();
        for (CfnResponse r : topics.responses()) {
            decisions.computeIfAbsent(r.getRequestId(), k -> new HashSet<>()).add(decisionOf(r));
            oneOf.putIfAbsent(r.getRequestId(), r);
        }
        List<String> lost = new ArrayList<>();
        List<String> doubled = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        int expectedSent = 0;
        for (Map.Entry<String, SoakPlan.ExpectedAnswer> e : plan.answers().entrySet()) {
            if (!seen.sentAt().containsKey(e.getKey())) {
                continue; // an unsent dependent: reported on its own
            }
            expectedSent++;
            Set<String> distinct = decisions.getOrDefault(e.getKey(), Set.of());
            SoakPlan.ExpectedAnswer want = e.getValue();
            if (distinct.isEmpty()) {
                lost.add(want.kind() + " " + e.getKey() + " has no decision");
            } else if (distinct.size() > 1) {
                doubled.add(want.kind() + " " + e.getKey() + " has " + distinct.size() + " decisions: " + distinct);
            } else {
                CfnResponse r = oneOf.get(e.getKey());
                String reason = r.getReason() == null ? "" : r.getReason();
                if (!want.status().equals(r.getStatus().name()) || !want.physicalId().equals(r.getPhysicalResourceId())
                        || !reason.contains(want.reasonContains())) {
                    wrong.add(want.kind() + " " + e.getKey() + " (sent at +" + Duration.between(seen.firstSend(),
                            seen.sentAt().get(e.getKey())).toMillis() + " ms): decided " + r.getStatus() + " "
                            + r.getPhysicalResourceId() + " '" + reason + "', expected " + want.status() + " "
                            + want.physicalId() + " '" + want.reasonContains() + "'");
                }
            }
        }
        List<String> uninvited = new ArrayList<>();
        for (String requestId : decisions.keySet()) {
            if (!plan.answers().containsKey(requestId)) {
                uninvited.add("a decision for " + requestId + ", which must not be answered");
            }
        }
        report.check("every request decided (lost = 0)", expectedSent, lost);
        report.check("no request decided twice or differently (doubled = 0)", expectedSent, doubled);
        report.check("every decision the expected one", expectedSent, wrong);
        report.check("no decision for unanswerable or forged requests", decisions.size(), uninvited);

        // Every decision reached CloudFormation, and what it saw is the decision.
        List<String> undelivered = new ArrayList<>();
        for (Map.Entry<String, SoakPlan.ExpectedAnswer> e : plan.answers().entrySet()) {
            if (!seen.sentAt().containsKey(e.getKey())) {
                continue;
            }
            SoakDriver.Answer answer = seen.answers().get(e.getKey());
            if (answer == null) {
                undelivered.add(e.getValue().kind() + " " + e.getKey() + " never reached CloudFormation");
            } else if (!answer.status().equals(e.getValue().status())
                    || !answer.physicalId().equals(e.getValue().physicalId())) {
                undelivered.add(e.getKey() + " reached CloudFormation as " + answer.status() + " "
                        + answer.physicalId());
            }
        }
        report.check("every decision delivered to its ResponseURL", expectedSent, undelivered);

        List<String> unsentProblems = new ArrayList<>(seen.unsent());
        report.check("every planned message sent", plan.total(), unsentProblems);

        // Final integration states.
        List<String> states = new ArrayList<>();
        for (SoakPlan.ExpectedIntegration want : plan.integrations().values()) {
            Integration got = topics.integrations().get(want.integrationId());
            String status = got == null ? "nothing" : got.getStatus().name();
            if (!want.status().equals(status)) {
                states.add(want.integrationId() + " ended " + status + ", expected " + want.status());
            }
        }
        report.check("every integration's final state the expected one", plan.integrations().size(), states);

        // Dead letters.
        Map<String, Set<String>> lettersByBody = new HashMap<>();
        int sqsMaxReceives = 0;
        for (DeadLetter letter : topics.deadLetters()) {
            if ("SQS_MAX_RECEIVES".equals(letter.getReasonCode())) {
                sqsMaxReceives++;
            }
            ByteBuffer value = letter.getOriginalValue();
            if (value != null) {
                byte[] bytes = new byte[value.remaining()];
                value.duplicate().get(bytes);
                lettersByBody.computeIfAbsent(new String(bytes, StandardCharsets.UTF_8), k -> new HashSet<>())
                        .add(letter.getReasonCode());
            }
        }
        List<String> missingLetters = new ArrayList<>();
        for (SoakPlan.ExpectedDeadLetter want : plan.deadLetters()) {
            Set<String> codes = lettersByBody.getOrDefault(want.body(), Set.of());
            if (!codes.equals(Set.of(want.reasonCode()))) {
                missingLetters.add(want.kind() + " body dead-lettered with " + codes + ", expected "
                        + want.reasonCode() + ": " + abbreviate(want.body()));
            }
        }
        report.check("every malformed or forged body dead-lettered with its reason", plan.deadLetters().size(),
                missingLetters);
        report.check("no message went to the SQS dead-letter queue (SQS_MAX_RECEIVES)", topics.deadLetters().size(),
                sqsMaxReceives == 0 ? List.of() : List.of(sqsMaxReceives + " letters with SQS_MAX_RECEIVES"));
        report.check("forged ResponseURLs: the attacker's server got zero requests",
                plan.counts().getOrDefault(SoakPlan.Kind.FORGED_URL, 0),
                attackerRequests == 0 ? List.of() : List.of(attackerRequests + " requests reached it"));

        // Jobs.
        List<String> initial = new ArrayList<>();
        List<String> afterDisconnect = new ArrayList<>();
        long allowance = options.jobAllowance().toMillis();
        long latestLag = Long.MIN_VALUE;
        int disconnected = 0;
        for (SoakPlan.ExpectedIntegration want : plan.integrations().values()) {
            JobWatch.Jobs got = jobs.jobsOf(want.integrationId());
            if (want.connects() && got.initialJobs() != expectedInitialJobs) {
                initial.add(want.integrationId() + " got " + got.initialJobs() + " of " + expectedInitialJobs
                        + " initial jobs");
            } else if (!want.connects() && got.jobs() > 0) {
                initial.add(want.integrationId() + " was never connected but got " + got.jobs() + " jobs");
            }
            Integration state = topics.integrations().get(want.integrationId());
            if (state != null && "DISCONNECTED".equals(state.getStatus().name()) && got.jobs() > 0) {
                disconnected++;
                long decidedAt = state.getUpdatedAt().toEpochMilli();
                latestLag = Math.max(latestLag, got.latestSlot() - decidedAt);
                if (got.latestSlot() > decidedAt + allowance) {
                    afterDisconnect.add(want.integrationId() + " got a job for "
                            + Instant.ofEpochMilli(got.latestSlot()) + ", disconnected at " + state.getUpdatedAt());
                }
            }
        }
        report.check("every connected integration got its initial jobs (" + expectedInitialJobs + " each)",
                plan.integrations().size(), initial);
        report.check("no job scheduled after a disconnect (allowance " + options.jobAllowance().toSeconds() + " s)",
                disconnected, afterDisconnect);
        if (disconnected > 0) {
            report.figure("latest job slot after a disconnect was decided: %+d ms (INITIAL slots are the connection "
                    + "time, so this is mostly negative)", latestLag);
        }

        report.check("no full external ID, pre-signed URL or secret key in any app's log", apps.size(),
                secretsInLogs(apps));

        List<String> dead = new ArrayList<>();
        for (ChildJvm app : apps) {
            if (!app.isAlive()) {
                dead.add(app.name() + " is not running:\n" + app.tail(30));
            }
        }
        report.check("every app alive at the end", apps.size(), dead);
        return report;
    }

    private static final java.util.regex.Pattern SECRETS = java.util.regex.Pattern.compile(
            "onb-[a-z2-7]{32}|X-Amz-Signature=|" + SoakStack.SECRET_ACCESS_KEY);

    private static List<String> secretsInLogs(List<ChildJvm> apps) {
        List<String> leaks = new ArrayList<>();
        for (ChildJvm app : apps) {
            try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(app.log(),
                    StandardCharsets.ISO_8859_1)) {
                lines.map(SECRETS::matcher).filter(java.util.regex.Matcher::find).limit(3)
                        .forEach(m -> leaks.add(app.name() + " logged " + (m.group().startsWith("onb-")
                                ? "a full external ID" : m.group().startsWith("X-Amz") ? "a pre-signed URL"
                                : "the AWS secret key")));
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                leaks.add(app.name() + "'s log is unreadable: " + e.getMessage());
            }
        }
        return leaks;
    }

    private static void figures(SoakReport report, SoakPlan plan, SoakOptions options, SoakDriver.Observations seen,
            JobWatch jobs) {
        report.figure("messages sent: %,d of %,d planned, over %d regions, at up to %d/s (%s)", seen.sent(),
                plan.total(), options.regions().size(), options.rate(), plan.counts());
        Duration sending = Duration.between(seen.firstSend(), seen.lastSend());
        report.figure("sending took %.1f s: %.0f messages/s", sending.toMillis() / 1000.0,
                seen.sent() / Math.max(0.001, sending.toMillis() / 1000.0));
        long[] latencies = seen.answers().values().stream()
                .filter(a -> seen.sentAt().containsKey(a.requestId()) && plan.answers().containsKey(a.requestId()))
                .mapToLong(a -> Duration.between(seen.sentAt().get(a.requestId()), a.receivedAt()).toMillis())
                .sorted().toArray();
        Instant lastAnswer = seen.answers().values().stream().map(SoakDriver.Answer::receivedAt)
                .max(Instant::compareTo).orElse(seen.firstSend());
        Duration answering = Duration.between(seen.firstSend(), lastAnswer);
        report.figure("answered: %,d requests delivered to CloudFormation in %.1f s from the first send: %.0f "
                + "answers/s", latencies.length, answering.toMillis() / 1000.0,
                latencies.length / Math.max(0.001, answering.toMillis() / 1000.0));
        if (latencies.length > 0) {
            report.figure("SQS send to response delivered: p50 %,d ms, p90 %,d ms, p99 %,d ms, max %,d ms",
                    percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                    latencies[latencies.length - 1]);
        }
        long[] calm = seen.answers().values().stream()
                .filter(a -> seen.sentAt().containsKey(a.requestId()) && plan.answers().containsKey(a.requestId()))
                .filter(a -> outsideFaults(seen.sentAt().get(a.requestId()), a.receivedAt(), seen.faults()))
                .mapToLong(a -> Duration.between(seen.sentAt().get(a.requestId()), a.receivedAt()).toMillis())
                .sorted().toArray();
        if (calm.length > 0) {
            report.figure("  of which untouched by any fault (%,d): p50 %,d ms, p99 %,d ms", calm.length,
                    percentile(calm, 50), percentile(calm, 99));
        }
        long redelivered = seen.deliveredPuts().values().stream().filter(n -> n > 1).count();
        report.figure("response PUTs: %,d refused by S3 during its outage, %,d requests answered more than once "
                + "(identically, see the decision checks)", seen.refusedPuts(), redelivered);
        for (SoakDriver.Fault f : seen.faults()) {
            report.figure("fault at +%.1f s: %s, back after %.1f s",
                    Duration.between(seen.firstSend(), f.at()).toMillis() / 1000.0, f.name(), f.took().toMillis()
                    / 1000.0);
        }
        report.figure("collection jobs read: %,d", jobs.records());
    }

    private static boolean outsideFaults(Instant sent, Instant answered, List<SoakDriver.Fault> faults) {
        for (SoakDriver.Fault f : faults) {
            Instant end = f.at().plus(f.took());
            if (sent.isBefore(end) && answered.isAfter(f.at())) {
                return false;
            }
        }
        return true;
    }

    static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String decisionOf(CfnResponse r) {
        return String.join("|", r.getStatus().name(), String.valueOf(r.getReason()), r.getPhysicalResourceId(),
                r.getStackId(), r.getLogicalResourceId(), String.valueOf(r.getData()), r.getResponseUrl());
    }

    private static String abbreviate(String body) {
        return body.length() <= 80 ? body : body.substring(0, 80) + "...";
    }
}
