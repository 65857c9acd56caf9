package dev.onboarding.bridge.egress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The responder's meters: responses delivered, moved to retry, given up (by reason), and the time from
 * the processor's decision to CloudFormation's bucket accepting the answer.
 */
public final class ResponderMetrics {
    /** Counter: responses CloudFormation's bucket accepted. */
    public static final String DELIVERED = "bridge.responses.delivered";
    /** Counter: failed attempts moved to the retry topic. */
    public static final String RETRIED = "bridge.responses.retried";
    /** Counter, tag {@code reason}: responses dead-lettered. */
    public static final String GIVEN_UP = "bridge.responses.given.up";
    /** Timer: decision (CfnResponse.decidedAt) to delivery. */
    public static final String DECISION_TO_DELIVERY = "bridge.responses.decision.to.delivery";
    /** Gauge: responses being delivered right now. */
    public static final String IN_FLIGHT = "bridge.responses.in.flight";
    /**
     * Timer, tag {@code outcome} ({@code delivered}, {@code retried}): time left before CloudFormation's deadline when
     * an attempt ended, with buckets at 1, 5, 15 and 30 minutes for the alert on answers near their deadline.
     */
    public static final String DEADLINE_MARGIN = "bridge.responses.deadline.margin";
    private static final Duration[] MARGIN_BUCKETS = {Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofMinutes(30)};

    private final MeterRegistry registry;
    private final Counter delivered;
    private final Counter retried;
    private final Timer decisionToDelivery;
    private final Timer marginDelivered;
    private final Timer marginRetried;

    /** Registers the meters; {@code inFlight} is read by the gauge. */
    public ResponderMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
        this.registry = registry;
        this.delivered = Counter.builder(DELIVERED).description("Responses CloudFormation's bucket accepted")
                .register(registry);
        this.retried = Counter.builder(RETRIED).description("Failed attempts moved to the retry topic")
                .register(registry);
        this.decisionToDelivery = Timer.builder(DECISION_TO_DELIVERY)
                .description("From the processor's decision to delivery")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder(IN_FLIGHT, inFlight).description("Responses being delivered now").register(registry);
        // A zero series for the give-up the AnswerDeadlinePassed alert watches, so its increase() starts at 0.
        registry.counter(GIVEN_UP, "reason", DeliveryOutcome.GiveUp.DEADLINE_PASSED);
        this.marginDelivered = margin(registry, "delivered");
        this.marginRetried = margin(registry, "retried");
    }

    private static Timer margin(MeterRegistry registry, String outcome) {
        return Timer.builder(DEADLINE_MARGIN).tag("outcome", outcome)
                .description("Time left before CloudFormation's deadline when an attempt ended")
                .serviceLevelObjectives(MARGIN_BUCKETS).register(registry);
    }

    /** An attempt ended {@code delivered} or {@code retried} at {@code now}; {@code deadline} may be null. */
    public void deadlineMargin(boolean delivered, Instant deadline, Instant now) {
        if (deadline != null) {
            Duration left = Duration.between(now, deadline);
            (delivered ? marginDelivered : marginRetried).record(left.isNegative() ? Duration.ZERO : left);
        }
    }

    /** One response delivered; {@code decidedAt} may be null (older records). */
    public void delivered(Instant decidedAt, Instant now) {
        delivered.increment();
        if (decidedAt != null && !now.isBefore(decidedAt)) {
            decisionToDelivery.record(Duration.between(decidedAt, now));
        }
    }

    /** One failed attempt moved to the retry topic. */
    public void retried() {
        retried.increment();
    }

    /** One response given up for {@code reasonCode}. */
    public void givenUp(String reasonCode) {
        registry.counter(GIVEN_UP, "reason", reasonCode).increment();
    }
}
