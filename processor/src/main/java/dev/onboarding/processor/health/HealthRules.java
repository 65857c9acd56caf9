package dev.onboarding.processor.health;

import dev.onboarding.contract.CollectionOutcome;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeniedJobType;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.RoleVerification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How checks of a connected integration's role move its health. A check is a collector's result for one job or a
 * re-verification of the role.
 * <ul>
 *   <li>A denial of the role itself (a re-verification DENIED, or a collector denied {@code sts:AssumeRole}) adds
 *       to a run of consecutive denials; at {@code unreachableAfterDenials} the integration is UNREACHABLE.</li>
 *   <li>A check that assumed the role (a re-verification VERIFIED, any collection result OK or denied another
 *       action) ends the run; an UNREACHABLE integration is HEALTHY again (its earlier denials forgotten: the role
 *       may be a new one).</li>
 *   <li>A job type denied another action makes the integration DEGRADED with that job type; an OK for that job
 *       type takes it off; with none left it is HEALTHY.</li>
 *   <li>THROTTLED and ERROR (and unknown outcomes) change nothing: they say nothing about the role.</li>
 * </ul>
 * A new health is returned only when its status, reason or denied job types change, so identical checks write no
 * new state version.
 */
public final class HealthRules {
    /** The action whose denial means the role itself cannot be assumed. */
    public static final String ASSUME_ROLE = "sts:AssumeRole";
    private static final int MAX_REASON_TYPES = 5;

    private final int unreachableAfterDenials;
    /**
     * The most denied job types one health lists (the oldest leave first): the shipped catalog has about 160 job
     * types, so this never drops a real one, and bounds what results naming made-up types can add.
     */
    public static final int MAX_DENIED_JOB_TYPES = 500;

    private final TemplateGrants grants;

    /** Rules with the given threshold and template grants. */
    public HealthRules(int unreachableAfterDenials, TemplateGrants grants) {
        if (unreachableAfterDenials < 1) {
            throw new IllegalArgumentException("unreachableAfterDenials must be at least 1");
        }
        this.unreachableAfterDenials = unreachableAfterDenials;
        this.grants = grants;
    }

    /** Rules from the processor's settings. */
    public static HealthRules of(HealthConfig config) {
        return new HealthRules(config.unreachableAfterDenials(), config.grants());
    }

    /** One check of an integration's role. */
    public sealed interface Check {
        /** When it ran. */
        Instant at();

        /** A collector's result for one job. */
        static Check of(CollectionResult result) {
            return new Collection(result.getResourceType(), result.getOutcome(), result.getAction(),
                    result.getFinishedAt());
        }
    }

    /** A collector's result: the job type, how it ended, and the denied action for ACCESS_DENIED. */
    public record Collection(String resourceType, CollectionOutcome outcome, String action, Instant at)
            implements Check {
    }

    /** A re-verification of the role: assumed, denied (with why), or neither (throttled, an error). */
    public record RoleCheck(RoleCheckOutcome outcome, String why, Instant at) implements Check {
        /**
         * The verifier's answer to a re-verification ({@code POSITIVE_ONLY}): VERIFIED assumed the role, DENIED was
         * denied, ORGANIZATION_MISMATCH (a member account) is no longer in its expected organization; anything else
         * (ERROR, a refusal by the STS bounds, an unknown symbol) tells nothing.
         */
        public static RoleCheck of(RoleVerification verification, Instant received) {
            Instant at = verification.getVerifiedAt() != null ? verification.getVerifiedAt() : received;
            RoleCheckOutcome outcome = switch (verification.getOutcome()) {
                case VERIFIED -> RoleCheckOutcome.ASSUMED;
                case DENIED -> RoleCheckOutcome.DENIED;
                case ORGANIZATION_MISMATCH -> RoleCheckOutcome.LEFT_ORGANIZATION;
                default -> RoleCheckOutcome.UNKNOWN;
            };
            String code = verification.getErrorCode();
            if (outcome == RoleCheckOutcome.LEFT_ORGANIZATION) {
                return new RoleCheck(outcome, "organizations:DescribeOrganization answered "
                        + (code == null ? "another organization" : code), at);
            }
            return new RoleCheck(outcome, "sts:AssumeRole with the external ID answered "
                    + (code == null ? "AccessDenied" : code), at);
        }
    }

    /** What a re-verification found. */
    public enum RoleCheckOutcome {
        /** AssumeRole with the external ID succeeded. */
        ASSUMED,
        /** AssumeRole was denied. */
        DENIED,
        /**
         * A member account's role was assumed, but the account is no longer in the organization it connected through
         * (or may no longer say): the shared external ID ties it to the customer no more, so it counts as a denial.
         */
        LEFT_ORGANIZATION,
        /** Throttled, a 5xx, the network: nothing is known. */
        UNKNOWN
    }

    /**
     * The outcome of one check.
     *
     * @param consecutiveDenials the run of consecutive role denials after the check
     * @param changed the new health, when it differs from the one before
     */
    public record Verdict(int consecutiveDenials, Optional<IntegrationHealth> changed) {
    }

    /**
     * Applies {@code check} to {@code current} (null: not checked yet) with {@code consecutiveDenials} role denials
     * in a row before it.
     */
    public Verdict apply(IntegrationHealth current, int consecutiveDenials, Check check) {
        Instant at = check.at();
        if (check instanceof RoleCheck role) {
            return switch (role.outcome()) {
                case ASSUMED -> assumed(current, at);
                case DENIED -> denied(current, consecutiveDenials, role.why(), at);
                case LEFT_ORGANIZATION -> leftOrganization(current, consecutiveDenials, role.why(), at);
                case UNKNOWN -> new Verdict(consecutiveDenials, Optional.empty());
            };
        }
        Collection collection = (Collection) check;
        if (collection.outcome() == CollectionOutcome.OK) {
            Verdict assumed = assumed(current, at);
            if (assumed.changed().isPresent() || current == null || current.getStatus() == HealthStatus.UNREACHABLE) {
                return assumed;
            }
            List<DeniedJobType> left = new ArrayList<>(current.getDeniedJobTypes());
            left.removeIf(d -> d.getResourceType().equals(collection.resourceType()));
            return new Verdict(0, changedTo(current, left, at));
        }
        if (collection.outcome() == CollectionOutcome.ACCESS_DENIED) {
            String action = collection.action() == null || collection.action().isBlank() ? "an unnamed action"
                    : collection.action();
            if (action.equalsIgnoreCase(ASSUME_ROLE)) {
                return denied(current, consecutiveDenials, "a collector was denied " + ASSUME_ROLE, at);
            }
            // The collector assumed the role to be denied something else: the run of role denials ends.
            List<DeniedJobType> denied = new ArrayList<>(current == null || current.getStatus()
                    == HealthStatus.UNREACHABLE ? List.of() : current.getDeniedJobTypes());
            Optional<DeniedJobType> same = denied.stream()
                    .filter(d -> d.getResourceType().equals(collection.resourceType())).findFirst();
            if (same.isPresent() && same.get().getAction().equals(action)) {
                return new Verdict(0, changedTo(current, denied, at));
            }
            denied.removeIf(d -> d.getResourceType().equals(collection.resourceType()));
            if (denied.size() >= MAX_DENIED_JOB_TYPES) {
                // Bounded, so a collector reporting made-up job types cannot grow the state record without end.
                denied.remove(denied.stream().min(Comparator.comparing(DeniedJobType::getDeniedAt))
                        .orElseThrow());
            }
            denied.add(DeniedJobType.newBuilder().setResourceType(collection.resourceType()).setAction(action)
                    .setGrantedByTemplate(grants.grants(action)).setDeniedAt(at).build());
            return new Verdict(0, changedTo(current, denied, at));
        }
        // THROTTLED, ERROR: nothing about the role.
        return new Verdict(consecutiveDenials, Optional.empty());
    }

    private Verdict assumed(IntegrationHealth current, Instant at) {
        if (current == null || current.getStatus() == HealthStatus.UNREACHABLE) {
            return new Verdict(0, Optional.of(healthy(at)));
        }
        return new Verdict(0, Optional.empty());
    }

    private Verdict denied(IntegrationHealth current, int consecutiveDenials, String why, Instant at) {
        return unreachableAfterRun(current, consecutiveDenials, at, run -> "the role could not be assumed in " + run
                + " consecutive check" + (run == 1 ? "" : "s") + " (" + why + "): the role was deleted, or its trust"
                + " policy no longer trusts the provider with this external ID; collection is paused until the role"
                + " can be assumed again");
    }

    private Verdict leftOrganization(IntegrationHealth current, int consecutiveDenials, String why, Instant at) {
        return unreachableAfterRun(current, consecutiveDenials, at, run -> "the account was not in its expected"
                + " organization in " + run + " consecutive check" + (run == 1 ? "" : "s") + " (" + why + "): it left"
                + " the organization, or its role may no longer call organizations:DescribeOrganization; collection"
                + " is paused until it is back");
    }

    /** One more denial in the run: UNREACHABLE, saying {@code reason} of the run's length, once it is long enough. */
    private Verdict unreachableAfterRun(IntegrationHealth current, int consecutiveDenials, Instant at,
            java.util.function.IntFunction<String> reason) {
        int run = consecutiveDenials + 1;
        if (run < unreachableAfterDenials || current != null && current.getStatus() == HealthStatus.UNREACHABLE) {
            return new Verdict(run, Optional.empty());
        }
        return new Verdict(run, Optional.of(IntegrationHealth.newBuilder().setStatus(HealthStatus.UNREACHABLE)
                .setReason(reason.apply(run)).setDeniedJobTypes(List.of()).setSince(at).setLastCheckedAt(at).build()));
    }

    /** The health with {@code denied}, when it differs from {@code current} (not UNREACHABLE here). */
    private Optional<IntegrationHealth> changedTo(IntegrationHealth current, List<DeniedJobType> denied, Instant at) {
        denied.sort(Comparator.comparing(DeniedJobType::getResourceType));
        IntegrationHealth next = denied.isEmpty() ? healthy(at) : IntegrationHealth.newBuilder()
                .setStatus(HealthStatus.DEGRADED).setReason(reasonOf(denied)).setDeniedJobTypes(List.copyOf(denied))
                .setSince(at).setLastCheckedAt(at).build();
        if (current != null && sameHealth(current, next)) {
            return Optional.empty();
        }
        if (current != null && current.getStatus() == next.getStatus()) {
            next.setSince(current.getSince());
        }
        return Optional.of(next);
    }

    private static IntegrationHealth healthy(Instant at) {
        return IntegrationHealth.newBuilder().setStatus(HealthStatus.HEALTHY).setReason(null)
                .setDeniedJobTypes(List.of()).setSince(at).setLastCheckedAt(at).build();
    }

    /** Whether two healths say the same: status, reason and denied job types (times aside). */
    public static boolean sameHealth(IntegrationHealth a, IntegrationHealth b) {
        if (a.getStatus() != b.getStatus() || !Objects.equals(a.getReason(), b.getReason())
                || a.getDeniedJobTypes().size() != b.getDeniedJobTypes().size()) {
            return false;
        }
        for (int i = 0; i < a.getDeniedJobTypes().size(); i++) {
            DeniedJobType x = a.getDeniedJobTypes().get(i);
            DeniedJobType y = b.getDeniedJobTypes().get(i);
            if (!x.getResourceType().equals(y.getResourceType()) || !x.getAction().equals(y.getAction())
                    || x.getGrantedByTemplate() != y.getGrantedByTemplate()) {
                return false;
            }
        }
        return true;
    }

    /** The reason of a DEGRADED health: each denied type, and whether a template change can fix it. */
    static String reasonOf(List<DeniedJobType> denied) {
        List<String> granted = new ArrayList<>();
        List<String> notGranted = new ArrayList<>();
        for (DeniedJobType d : denied) {
            (d.getGrantedByTemplate() ? granted : notGranted).add(d.getResourceType() + " (" + d.getAction() + ")");
        }
        StringBuilder reason = new StringBuilder();
        if (!granted.isEmpty()) {
            reason.append("denied although the current template grants it, possibly by an organization SCP or a")
                    .append(" permissions boundary (not a template fix): ").append(list(granted));
        }
        if (!notGranted.isEmpty()) {
            if (!reason.isEmpty()) {
                reason.append("; ");
            }
            reason.append("denied and not granted by the current template: ").append(list(notGranted));
        }
        return reason.toString();
    }

    private static String list(List<String> types) {
        if (types.size() <= MAX_REASON_TYPES) {
            return String.join(", ", types);
        }
        return String.join(", ", types.subList(0, MAX_REASON_TYPES)) + " and " + (types.size() - MAX_REASON_TYPES)
                + " more";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "HealthRules[unreachableAfterDenials=%d, grants=%d actions]",
                unreachableAfterDenials, grants.size());
    }
}
