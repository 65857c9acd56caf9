package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.processor.ledger.CallbackDecider;
import dev.onboarding.processor.ledger.CallbackDecision;
import dev.onboarding.processor.ledger.ExternalIdLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The processor's own meters, all in this class: what the pipeline decided and why, callbacks waiting in their
 * grace, role verifications, account claims, integrations by status and dead letters. Processors reach it through
 * the Streams config ({@link #CONFIG}, see {@link #of}), so the topology's constructors do not carry it.
 *
 * <p>Prometheus names (Micrometer adds {@code _total} to counters):
 * <ul>
 *   <li>{@code processor_decisions_total{type,outcome,reason}}: answers decided, by request type, SUCCESS/FAILED
 *       and a bounded reason code ({@link #reasonOf})</li>
 *   <li>{@code processor_callbacks_held_total}: Creates that arrived before their request and wait in the grace;
 *       {@code processor_callbacks_in_grace}: how many wait now</li>
 *   <li>{@code processor_role_verifications_requested_total} and
 *       {@code processor_role_verification_results_total{outcome}}: verifications asked of the bridge's verifier
 *       (for Creates, and Updates that change the role, that passed the ownership checks) and the outcomes joined
 *       back (a wait that ended without a result counts as ERROR)</li>
 *   <li>{@code processor_account_claims_total{outcome=granted|denied}}, {@code processor_account_releases_total}</li>
 *   <li>{@code processor_integrations{status}}: integrations in each status, as the integrations topic holds them
 *       (this instance's partitions; sum over instances)</li>
 *   <li>{@code processor_integrations_by_health{health}}: CONNECTED integrations by health ({@code HEALTHY},
 *       {@code DEGRADED}, {@code UNREACHABLE}; one not checked yet counts as HEALTHY), as the integrations topic
 *       holds them (this instance's partitions; sum over instances)</li>
 *   <li>{@code processor_dead_letters_total{source,reason}}: by the topic the record came from</li>
 * </ul>
 */
public final class ProcessorMetrics {
    /** Streams config key under which the app hands its metrics to the processors (like the dead-letter routes). */
    public static final String CONFIG = "onboarding.processor.metrics";

    /** Reason of a FAILED answer whose text no rule below names. */
    static final String OTHER = "other";

    /**
     * FAILED reasons as bounded codes, from the answer's text. The decider words its reasons for the customer; this
     * is the one place that maps them to codes (ProcessorMetricsTest walks every rule of the decider).
     */
    private static final List<Map.Entry<String, Predicate<String>>> FAILED_REASONS = List.of(
            rule("unknown_external_id", r -> r.equals(CallbackDecider.UNKNOWN_EXTERNAL_ID)),
            rule("external_id_changed", r -> r.equals(CallbackDecider.EXTERNAL_ID_CHANGED)),
            rule("account_already_connected", r -> r.startsWith("AWS account ") && r.contains("already connected")),
            rule("account_mismatch", r -> r.contains("is not the account this integration was created for")),
            rule("account_malformed", r -> r.contains("AWS account id is malformed")),
            rule("external_id_already_connected", r -> r.startsWith("this external ID is already connected")),
            rule("expired", r -> r.startsWith("this integration expired")),
            rule("cancelled", r -> r.startsWith("this integration was cancelled")),
            rule("disconnected", r -> r.startsWith("this integration was disconnected")),
            rule("still_pending", r -> r.startsWith("this integration is still pending")),
            rule("role_name_mismatch", r -> r.startsWith(CallbackDecider.ROLE_NAME_MISMATCH)),
            rule("role_trusts_without_external_id",
                    r -> r.startsWith(CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID)),
            rule("verification_busy", r -> r.equals(ExternalIdLedger.VERIFICATION_BUSY)),
            rule("role_not_verified", r -> r.startsWith("could not assume the") || r.contains(" was not verified")),
            rule("not_the_connected_stack", r -> r.startsWith("this stack is not the one connected")),
            rule("unsupported_request_type", r -> r.startsWith("unsupported request type")));

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<TaskId, AtomicLong> inGrace = new ConcurrentHashMap<>();
    private final Map<TaskId, AtomicLongArray> byStatus = new ConcurrentHashMap<>();
    private final Map<TaskId, AtomicLongArray> byHealth = new ConcurrentHashMap<>();

    /** Registers the meters in {@code registry}. */
    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("processor.callbacks.in.grace", inGrace, m -> m.values().stream()
                        .mapToLong(AtomicLong::get).sum())
                .description("Callbacks that arrived before their request, waiting for it (this instance)")
                .register(registry);
        for (IntegrationStatus status : IntegrationStatus.values()) {
            Gauge.builder("processor.integrations", byStatus, m -> m.values().stream()
                            .mapToLong(counts -> counts.get(status.ordinal())).sum())
                    .tag("status", status.name())
                    .description("Integrations in each status in this instance's partitions of the integrations topic")
                    .register(registry);
        }
        for (HealthStatus health : HealthStatus.values()) {
            Gauge.builder("processor.integrations.by.health", byHealth, m -> m.values().stream()
                            .mapToLong(counts -> counts.get(health.ordinal())).sum())
                    .tag("health", health.name())
                    .description("CONNECTED integrations by health in this instance's partitions of the integrations"
                            + " topic")
                    .register(registry);
        }
        // Zero series for what every dashboard and alert reads, so rates start at 0 rather than at the first event.
        counter("processor.callbacks.held");
        counter("processor.role.verifications.requested");
        for (RoleVerificationOutcome outcome : RoleVerificationOutcome.values()) {
            counter("processor.role.verification.results", "outcome", outcome.name());
        }
        counter("processor.account.claims", "outcome", "granted");
        counter("processor.account.claims", "outcome", "denied");
        counter("processor.account.releases");
        counter("processor.decisions", "type", RequestType.CREATE.name(), "outcome", "SUCCESS", "reason",
                "connected");
        counter("processor.decisions", "type", RequestType.CREATE.name(), "outcome", "FAILED", "reason",
                "unknown_external_id");
    }

    /** Meters nobody reads (tests and tools that run a topology without an app). */
    public static ProcessorMetrics none() {
        return new ProcessorMetrics(new SimpleMeterRegistry());
    }

    /** The meters handed to the processors in {@code configs} (Streams' app configs), else {@link #none()}. */
    public static ProcessorMetrics from(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof ProcessorMetrics metrics ? metrics : none();
    }

    /** The meters of the task {@code context} belongs to. */
    public static Task of(ProcessorContext<?, ?> context) {
        return from(context.appConfigs()).new Task(context.taskId());
    }

    /** A FAILED answer's reason as a bounded code; {@code other} for a text no rule knows. */
    static String reasonOf(String failedReason) {
        if (failedReason == null) {
            return OTHER;
        }
        return FAILED_REASONS.stream().filter(rule -> rule.getValue().test(failedReason)).map(Map.Entry::getKey)
                .findFirst().orElse(OTHER);
    }

    /** A SUCCESS answer's reason: what the request did to its integration. */
    private static String successReason(CfnCallback callback, CallbackDecision.Answer answer) {
        IntegrationStatus next = answer.newState().map(Integration::getStatus).orElse(null);
        return switch (callback.getRequestType()) {
            case CREATE -> "connected";
            case UPDATE -> next == null ? "unchanged" : "updated";
            case DELETE -> next == IntegrationStatus.DISCONNECTED ? "disconnected" : "nothing_connected";
            default -> OTHER;
        };
    }

    /** One processor's view: meters kept per task (gauges of a task that moves away leave with it). */
    public final class Task {
        private final TaskId task;

        private Task(TaskId task) {
            this.task = task;
        }

        /**
         * A decision about {@code callback}: an answer (counted by type, outcome and reason) or a hold (the grace
         * begins). A verification asked or a claim sent is no answer yet.
         */
        public void decided(CfnCallback callback, CallbackDecision decision) {
            if (decision instanceof CallbackDecision.Hold) {
                counter("processor.callbacks.held").increment();
            } else if (decision instanceof CallbackDecision.Answer answer) {
                CfnResponse response = answer.response();
                boolean success = response.getStatus() == ResponseStatus.SUCCESS;
                String reason = success ? successReason(callback, answer) : reasonOf(response.getReason());
                counter("processor.decisions", "type", callback.getRequestType().name(), "outcome",
                        response.getStatus().name(), "reason", reason).increment();
            }
        }

        /** A role verification written to the verifier's topic. */
        public void verificationRequested() {
            counter("processor.role.verifications.requested").increment();
        }

        /** The verifier's result joined to the callback that waited for it (ERROR: the wait ended first). */
        public void verificationResult(RoleVerificationOutcome outcome) {
            counter("processor.role.verification.results", "outcome", outcome.name()).increment();
        }

        /** How many callbacks wait in this task's grace now. */
        public void inGrace(long count) {
            inGrace.computeIfAbsent(task, t -> new AtomicLong()).set(count);
        }

        /** An account claim granted or denied. */
        public void claimed(boolean granted) {
            counter("processor.account.claims", "outcome", granted ? "granted" : "denied").increment();
        }

        /** An account claim given back. */
        public void released() {
            counter("processor.account.releases").increment();
        }

        /** A dead letter written. */
        public void deadLettered(DeadLetter letter) {
            ProcessorMetrics.this.deadLettered(letter);
        }

        /** This task's integrations by status, counted afresh (the task starts on its restored store). */
        public void integrations(long[] countsByStatusOrdinal) {
            byStatus.put(task, new AtomicLongArray(countsByStatusOrdinal));
        }

        /** An integration of this task left status {@code from} (null: new) for {@code to} (null: deleted). */
        public void integrationMoved(IntegrationStatus from, IntegrationStatus to) {
            if (from == to) {
                return;
            }
            AtomicLongArray counts = byStatus.computeIfAbsent(task,
                    t -> new AtomicLongArray(IntegrationStatus.values().length));
            if (from != null) {
                counts.decrementAndGet(from.ordinal());
            }
            if (to != null) {
                counts.incrementAndGet(to.ordinal());
            }
        }

        /** This task's CONNECTED integrations by health, counted afresh (the task starts on its restored store). */
        public void integrationsByHealth(long[] countsByHealthOrdinal) {
            byHealth.put(task, new AtomicLongArray(countsByHealthOrdinal));
        }

        /** A CONNECTED integration of this task moved from health {@code from} (null: not counted) to {@code to}. */
        public void healthMoved(HealthStatus from, HealthStatus to) {
            if (from == to) {
                return;
            }
            AtomicLongArray counts = byHealth.computeIfAbsent(task,
                    t -> new AtomicLongArray(HealthStatus.values().length));
            if (from != null) {
                counts.decrementAndGet(from.ordinal());
            }
            if (to != null) {
                counts.incrementAndGet(to.ordinal());
            }
        }

        /** The task left this instance (or closes): its gauges go with it. */
        public void close() {
            inGrace.remove(task);
            byStatus.remove(task);
            byHealth.remove(task);
        }
    }

    /** A dead letter written (also outside any task: an unreadable record). */
    public void deadLettered(DeadLetter letter) {
        String source = letter.getSource() instanceof KafkaSource kafka ? kafka.getTopic() : "unknown";
        counter("processor.dead.letters", "source", source, "reason", letter.getReasonCode()).increment();
    }

    private Counter counter(String name, String... tags) {
        String key = name + "|" + String.join("|", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
    }

    private static Map.Entry<String, Predicate<String>> rule(String code, Predicate<String> matches) {
        return Map.entry(code, matches);
    }
}
