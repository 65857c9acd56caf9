package dev.onboarding.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.schemas.requests.IntegrationRequest;
import dev.onboarding.schemas.requests.OrganizationScope;
import dev.onboarding.schemas.requests.RequestConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the body of {@code POST /v1/integrations}: {@code name}, and optionally {@code description}, {@code tags}
 * (an object of strings), {@code roleName}, {@code expectedAccountId} and {@code consoleRegion}; for a whole AWS
 * Organization, {@code kind} ORGANIZATION with the required {@code expectedOrganizationId} and optional
 * {@code organizationalUnitIds} (docs/organizations.md). Every rule the
 * processor would refuse on is checked here, with the field named, plus sizes that keep states small (AWS's own
 * tag limits). Unknown members are refused, so a misspelt optional field does not pass silently.
 */
final class NewIntegrationBody {
    static final int MAX_NAME = 256;
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY = 128;
    static final int MAX_TAG_VALUE = 256;

    private static final Set<String> FIELDS = Set.of("name", "description", "tags", "roleName", "expectedAccountId",
            "consoleRegion", "kind", "expectedOrganizationId", "organizationalUnitIds");

    private NewIntegrationBody() {
    }

    /** The create {@code body} asks for, for {@code tenantId}; an {@link ApiProblem} naming the field otherwise. */
    static IntegrationRequests.NewIntegration parse(JsonNode body, String tenantId, RequestConfig config,
            Optional<String> idempotencyKey) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.invalid("body", "the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiProblem.invalid(name, "unknown field '" + name + "'; known: " + String.join(", ",
                        new java.util.TreeSet<>(FIELDS)));
            }
        }
        String name = text(body, "name", MAX_NAME).orElseThrow(() -> ApiProblem.invalid("name", "name is required"));
        if (name.isBlank()) {
            throw ApiProblem.invalid("name", "name must not be blank");
        }
        Optional<String> description = text(body, "description", MAX_DESCRIPTION);
        String roleName = text(body, "roleName", 64).orElse(IntegrationRequest.DEFAULT_ROLE_NAME);
        if (!IntegrationRequest.ROLE_NAME.matcher(roleName).matches()) {
            throw ApiProblem.invalid("roleName", "roleName must be an IAM role name: 1-64 characters of letters, "
                    + "digits and +=,.@_-");
        }
        Optional<String> account = text(body, "expectedAccountId", 12);
        if (account.isPresent() && !IntegrationRequest.ACCOUNT_ID.matcher(account.get()).matches()) {
            throw ApiProblem.invalid("expectedAccountId", "expectedAccountId must be a 12-digit AWS account id");
        }
        String consoleRegion = text(body, "consoleRegion", 32).orElse(config.consoleRegion());
        if (!RequestConfig.isRegion(consoleRegion)) {
            throw ApiProblem.invalid("consoleRegion", "consoleRegion must be an AWS region such as us-east-1");
        }
        Map<String, String> tags = tags(body.get("tags"));
        Optional<OrganizationScope> organization = organization(body, config);
        if (organization.isPresent() && account.isPresent()) {
            throw ApiProblem.invalid("expectedAccountId", "expectedAccountId does not apply to kind ORGANIZATION: its "
                    + "member accounts connect, checked against expectedOrganizationId");
        }
        return new IntegrationRequests.NewIntegration(new IntegrationRequest(tenantId, roleName, name, description,
                tags, account, organization), consoleRegion, idempotencyKey);
    }

    /** The organization of a {@code kind} ORGANIZATION body; empty for an ACCOUNT one (the default). */
    private static Optional<OrganizationScope> organization(JsonNode body, RequestConfig config) {
        String kind = text(body, "kind", 16).orElse(IntegrationKind.ACCOUNT.name());
        if (IntegrationKind.ACCOUNT.name().equals(kind)) {
            for (String field : List.of("expectedOrganizationId", "organizationalUnitIds")) {
                if (body.hasNonNull(field)) {
                    throw ApiProblem.invalid(field, field + " applies to kind ORGANIZATION only");
                }
            }
            return Optional.empty();
        }
        if (!IntegrationKind.ORGANIZATION.name().equals(kind)) {
            throw ApiProblem.invalid("kind", "kind must be ACCOUNT or ORGANIZATION");
        }
        if (config.organizationTemplateUrl().isEmpty()) {
            throw ApiProblem.invalid("kind", "this provider does not take organization integrations (its "
                    + "request.organization-template-url is not set)");
        }
        String organizationId = text(body, "expectedOrganizationId", 34).orElseThrow(() -> ApiProblem.invalid(
                "expectedOrganizationId", "expectedOrganizationId is required for kind ORGANIZATION: the external "
                        + "ID is shared by every member account, the organization is what ties them to you"));
        if (!OrganizationScope.ORGANIZATION_ID.matcher(organizationId).matches()) {
            throw ApiProblem.invalid("expectedOrganizationId", "expectedOrganizationId must be an AWS Organization id "
                    + "(o- then 10 to 32 lowercase letters or digits)");
        }
        List<String> units = new ArrayList<>();
        JsonNode array = body.get("organizationalUnitIds");
        if (array != null && !array.isNull()) {
            if (!array.isArray() || array.size() > OrganizationScope.MAX_ORGANIZATIONAL_UNITS) {
                throw ApiProblem.invalid("organizationalUnitIds", "organizationalUnitIds must be an array of at most "
                        + OrganizationScope.MAX_ORGANIZATIONAL_UNITS + " OU ids");
            }
            for (JsonNode unit : array) {
                if (!unit.isTextual() || !OrganizationScope.DEPLOYMENT_TARGET.matcher(unit.textValue()).matches()) {
                    throw ApiProblem.invalid("organizationalUnitIds", "organizationalUnitIds must hold OU ids "
                            + "(ou-xxxx-xxxxxxxx) or a root id (r-xxxx)");
                }
                if (units.contains(unit.textValue())) {
                    throw ApiProblem.invalid("organizationalUnitIds", "organizationalUnitIds lists "
                            + unit.textValue() + " twice");
                }
                units.add(unit.textValue());
            }
        }
        return Optional.of(new OrganizationScope(organizationId, units));
    }

    private static Optional<String> text(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiProblem.invalid(field, field + " must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw ApiProblem.invalid(field, field + " must be at most " + maxLength + " characters");
        }
        if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw ApiProblem.invalid(field, field + " must not contain control characters");
        }
        return Optional.of(text);
    }

    private static Map<String, String> tags(JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) {
            return out;
        }
        if (!tags.isObject()) {
            throw ApiProblem.invalid("tags", "tags must be an object of string values");
        }
        if (tags.size() > MAX_TAGS) {
            throw ApiProblem.invalid("tags", "at most " + MAX_TAGS + " tags");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> tag = it.next();
            String field = "tags." + tag.getKey();
            if (tag.getKey().isEmpty() || tag.getKey().length() > MAX_TAG_KEY
                    || tag.getKey().chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.invalid(field, "a tag key must be 1-" + MAX_TAG_KEY + " characters without control "
                        + "characters");
            }
            if (!tag.getValue().isTextual() || tag.getValue().textValue().length() > MAX_TAG_VALUE
                    || tag.getValue().textValue().chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.invalid(field, "a tag value must be a string of at most " + MAX_TAG_VALUE
                        + " characters without control characters");
            }
            out.put(tag.getKey(), tag.getValue().textValue());
        }
        return out;
    }
}
