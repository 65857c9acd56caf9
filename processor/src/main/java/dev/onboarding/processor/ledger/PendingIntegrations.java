package dev.onboarding.processor.ledger;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.requests.OrganizationScope;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider side of an integration's life: a request registers a PENDING integration under its
 * external ID, a cancel ends it, the clock expires it. An external ID belongs to one tenant and one
 * integration forever: a request that reuses one is refused and never touches the first owner. Pure
 * rules, no Kafka.
 */
public final class PendingIntegrations {
    /** Dead-letter reason code: the event cannot be read or is incomplete. */
    public static final String MALFORMED = "MALFORMED_REQUEST";
    /** Dead-letter reason code: the external ID already belongs to another integration. */
    public static final String EXTERNAL_ID_IN_USE = "EXTERNAL_ID_IN_USE";
    /** Dead-letter reason code: the integration id was already requested with another external ID. */
    public static final String INTEGRATION_ID_IN_USE = "INTEGRATION_ID_IN_USE";
    /** Dead-letter reason code: a cancel names an integration that was never requested. */
    public static final String UNKNOWN_INTEGRATION = "UNKNOWN_INTEGRATION";
    /** Dead-letter reason code: a cancel names an external ID owned by another integration or tenant. */
    public static final String NOT_THE_OWNER = "NOT_THE_OWNER";
    /** Dead-letter reason code: a string field is longer than its bound ({@link #MAX_LENGTHS}). */
    public static final String FIELD_TOO_LONG = "FIELD_TOO_LONG";
    /** Dead-letter reason code: the external ID is not one this provider mints (nor an accepted legacy one). */
    public static final String EXTERNAL_ID_NOT_MINTED = "EXTERNAL_ID_NOT_MINTED";

    /**
     * The length bound, in characters, of every string an upstream service writes in a request or cancel (besides
     * {@code externalId}: at most {@value ExternalIds#MAX_LENGTH}, STS's bound, and the minted shape unless a legacy
     * pattern is accepted; {@code roleName}: IAM's 64; {@code expectedAccountId}: 12 digits). The same bounds as the
     * API's. A longer value is refused with {@link #FIELD_TOO_LONG} before it reaches any store, topic or the
     * scheduler's binary format (whose strings cannot exceed 65,535 bytes).
     */
    public static final Map<String, Integer> MAX_LENGTHS = Map.of(
            "integrationId", 128,
            "tenantId", 256,
            "name", 256,
            "description", 1024,
            "tags", 50,
            "tag key", 128,
            "tag value", 256,
            "reason", 1024);

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    /** A rule set. */
    public PendingIntegrations() {
    }

    /** What an event does. */
    public sealed interface Result {
    }

    /**
     * The integration changes.
     *
     * @param newState its new state
     * @param release a claim to give back (a connected integration cancelled by the provider)
     */
    public record Changed(Integration newState, Optional<ClaimCommand> release) implements Result {
    }

    /** Nothing changes (a redelivered request, a second cancel). */
    public record Unchanged() implements Result {
    }

    /**
     * The event is refused and dead-lettered.
     *
     * @param reasonCode machine-readable reason
     * @param reason human-readable reason
     */
    public record Refused(String reasonCode, String reason) implements Result {
    }

    /**
     * Why an event on the requests topic cannot be used at all, or empty when it is well formed.
     *
     * @param key the record key (must be the integration id)
     * @param event the event, null for a tombstone
     */
    public static Optional<String> malformed(String key, IntegrationRequestEvent event) {
        if (event == null || event.getEvent() == null) {
            return Optional.of("empty value");
        }
        if (event.getEvent() instanceof IntegrationRequested r) {
            return firstProblem(
                    ids(key, r.getIntegrationId(), r.getTenantId(), r.getExternalId()),
                    r.getRoleName() == null || !ROLE_NAME.matcher(r.getRoleName()).matches()
                            ? "roleName is not a valid IAM role name" : null,
                    r.getExpectedAccountId() != null && !ACCOUNT_ID.matcher(r.getExpectedAccountId()).matches()
                            ? "expectedAccountId is not a 12-digit AWS account id" : null,
                    r.getKind() == IntegrationKind.ORGANIZATION && (r.getExpectedOrganizationId() == null
                            || !OrganizationScope.ORGANIZATION_ID.matcher(r.getExpectedOrganizationId()).matches())
                            ? "an ORGANIZATION request needs expectedOrganizationId (o-...)" : null,
                    r.getKind() == IntegrationKind.ORGANIZATION && r.getExpectedAccountId() != null
                            ? "an ORGANIZATION request connects its member accounts: expectedAccountId must be null"
                            : null,
                    r.getExpiresAt() == null || r.getRequestedAt() == null
                            || !r.getExpiresAt().isAfter(r.getRequestedAt())
                            ? "expiresAt must be after requestedAt" : null);
        }
        if (event.getEvent() instanceof IntegrationCancelled c) {
            return firstProblem(ids(key, c.getIntegrationId(), c.getTenantId(), c.getExternalId()));
        }
        return Optional.of("unknown event type " + event.getEvent().getClass().getSimpleName());
    }

    /**
     * Why an event on the requests topic is refused at the intake, or empty when it may go on: malformed
     * ({@link #MALFORMED}), a string longer than its bound ({@link #FIELD_TOO_LONG}), or a request whose external ID
     * is neither minted by this provider ({@link ExternalIds#isMintedFormat}) nor matched by the operator's
     * {@code legacyExternalIds} pattern ({@link #EXTERNAL_ID_NOT_MINTED}). A cancel names an existing integration
     * and so may carry a legacy external ID.
     *
     * @param key the record key (must be the integration id)
     * @param event the event, null for a tombstone
     * @param legacyExternalIds external IDs accepted besides the minted ones, if any
     */
    public static Optional<Refused> refusal(String key, IntegrationRequestEvent event,
            Optional<Pattern> legacyExternalIds) {
        Optional<String> tooLong = tooLong(event);
        if (tooLong.isPresent()) {
            return tooLong.map(problem -> new Refused(FIELD_TOO_LONG, problem));
        }
        Optional<String> malformed = malformed(key, event);
        if (malformed.isPresent()) {
            return malformed.map(problem -> new Refused(MALFORMED, problem));
        }
        if (event.getEvent() instanceof IntegrationRequested r && !ExternalIds.isMintedFormat(r.getExternalId())
                && !legacyExternalIds.map(p -> p.matcher(r.getExternalId()).matches()).orElse(false)) {
            return Optional.of(new Refused(EXTERNAL_ID_NOT_MINTED, "externalId " + ExternalIds.redact(r.getExternalId())
                    + " is not one this provider mints (" + ExternalIds.PREFIX + " and 32 base32 characters)"
                    + legacyExternalIds.map(p -> " nor matches processor.requests.legacy-external-id-pattern")
                            .orElse("")));
        }
        return Optional.empty();
    }

    /** The first string of the event longer than its bound ({@link #MAX_LENGTHS}), or empty. */
    static Optional<String> tooLong(IntegrationRequestEvent event) {
        if (event == null) {
            return Optional.empty();
        }
        if (event.getEvent() instanceof IntegrationRequested r) {
            Optional<String> tags = r.getTags() == null ? Optional.empty()
                    : r.getTags().size() > MAX_LENGTHS.get("tags")
                    ? Optional.of("tags has " + r.getTags().size() + " entries, more than " + MAX_LENGTHS.get("tags"))
                    : r.getTags().entrySet().stream()
                            .flatMap(tag -> firstProblem(longer("tag key", tag.getKey()),
                                    longer("tag value", tag.getValue())).stream())
                            .findFirst();
            return firstProblem(longer("integrationId", r.getIntegrationId()), longer("tenantId", r.getTenantId()),
                    longerThan("externalId", r.getExternalId(), ExternalIds.MAX_LENGTH),
                    longerThan("roleName", r.getRoleName(), 64), longer("name", r.getName()),
                    longer("description", r.getDescription()),
                    longerThan("expectedAccountId", r.getExpectedAccountId(), 12), tags.orElse(null));
        }
        if (event.getEvent() instanceof IntegrationCancelled c) {
            return firstProblem(longer("integrationId", c.getIntegrationId()), longer("tenantId", c.getTenantId()),
                    longerThan("externalId", c.getExternalId(), ExternalIds.MAX_LENGTH),
                    longer("reason", c.getReason()));
        }
        return Optional.empty();
    }

    private static String longer(String field, String value) {
        return longerThan(field, value, MAX_LENGTHS.get(field));
    }

    /** A problem naming the field, its length and its bound (never the value, which may be a secret). */
    private static String longerThan(String field, String value, int max) {
        return value != null && value.length() > max
                ? field + " has " + value.length() + " characters, more than " + max : null;
    }

    private static String ids(String key, String integrationId, String tenantId, String externalId) {
        if (integrationId == null || integrationId.isBlank()) {
            return "integrationId is empty";
        }
        if (!integrationId.equals(key)) {
            return "the record key is not the integration id";
        }
        if (tenantId == null || tenantId.isBlank()) {
            return "tenantId is empty";
        }
        if (!ExternalIds.isStsValid(externalId)) {
            return "externalId is not a valid STS external ID";
        }
        return null;
    }

    private static Optional<String> firstProblem(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The external ID an event concerns. */
    public static String externalIdOf(IntegrationRequestEvent event) {
        return event.getEvent() instanceof IntegrationRequested r ? r.getExternalId()
                : ((IntegrationCancelled) event.getEvent()).getExternalId();
    }

    /** The integration id an event concerns. */
    public static String integrationIdOf(IntegrationRequestEvent event) {
        return event.getEvent() instanceof IntegrationRequested r ? r.getIntegrationId()
                : ((IntegrationCancelled) event.getEvent()).getIntegrationId();
    }

    /**
     * Registers a request: a new PENDING integration when the external ID is new; nothing when the same
     * integration was already registered (a redelivery); refused when the external ID is someone else's.
     */
    public Result request(IntegrationRequested request, Optional<Integration> current, Instant now) {
        if (current.isPresent()) {
            Integration owner = current.get();
            if (owner.getIntegrationId().equals(request.getIntegrationId())
                    && owner.getTenantId().equals(request.getTenantId())) {
                return new Unchanged();
            }
            return new Refused(EXTERNAL_ID_IN_USE, "external ID " + ExternalIds.redact(request.getExternalId())
                    + " already belongs to another integration; mint a new one for this request");
        }
        Integration pending = Integration.newBuilder()
                .setIntegrationId(request.getIntegrationId())
                .setTenantId(request.getTenantId())
                .setExternalId(request.getExternalId())
                .setName(request.getName() == null ? "" : request.getName())
                .setStatus(IntegrationStatus.PENDING)
                .setRoleName(request.getRoleName())
                .setExpectedAccountId(request.getExpectedAccountId())
                .setTags(new HashMap<>(request.getTags()))
                .setRequestedAt(request.getRequestedAt())
                .setExpiresAt(request.getExpiresAt())
                .setUpdatedAt(now)
                .setVersion(1)
                .setKind(request.getKind())
                .setExpectedOrganizationId(request.getExpectedOrganizationId())
                .setOrganizationalUnitIds(request.getOrganizationalUnitIds())
                .build();
        return new Changed(pending, Optional.empty());
    }

    /**
     * Applies a provider-side cancel: PENDING becomes CANCELLED; CONNECTED becomes DISCONNECTED and gives its
     * account claim back; an integration already ended stays as it is.
     */
    public Result cancel(IntegrationCancelled cancel, Optional<Integration> current, Instant now) {
        if (current.isEmpty()) {
            return new Refused(UNKNOWN_INTEGRATION, "integration " + cancel.getIntegrationId()
                    + " was never requested with this external ID");
        }
        Integration integration = current.get();
        if (!integration.getIntegrationId().equals(cancel.getIntegrationId())
                || !integration.getTenantId().equals(cancel.getTenantId())) {
            return new Refused(NOT_THE_OWNER, "the external ID of this cancel belongs to another integration");
        }
        return switch (integration.getStatus()) {
            case PENDING -> new Changed(IntegrationChange.next(integration, now)
                    .setStatus(IntegrationStatus.CANCELLED)
                    .setLastFailureReason(null)
                    .build(), Optional.empty());
            case CONNECTED -> new Changed(IntegrationChange.next(integration, now)
                    .setStatus(IntegrationStatus.DISCONNECTED)
                    .build(), Optional.of(ClaimCommand.release(integration.getTenantId(), integration.getAccountId(),
                            integration.getIntegrationId(), integration.getExternalId())));
            default -> new Unchanged();
        };
    }

    /** The EXPIRED state of a PENDING integration whose {@code expiresAt} has passed, or empty. */
    public Optional<Integration> expire(Integration integration, Instant now) {
        if (integration.getStatus() != IntegrationStatus.PENDING || now.isBefore(integration.getExpiresAt())
                || integration.getKind() == IntegrationKind.ORGANIZATION) {
            // An organization integration accepts members (accounts joining later) until it is cancelled.
            return Optional.empty();
        }
        return Optional.of(IntegrationChange.next(integration, now).setStatus(IntegrationStatus.EXPIRED).build());
    }
}
