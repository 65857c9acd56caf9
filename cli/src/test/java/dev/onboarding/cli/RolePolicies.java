package dev.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The permissions a template's role gets: the statements of every {@code AWS::IAM::ManagedPolicy} of the template
 * that the role's {@code ManagedPolicyArns} names, and of its inline {@code Policies}. Only what the analysis can
 * reason about soundly is accepted: Allow statements of {@code Action} and {@code Resource}; anything else
 * ({@code Deny}, {@code NotAction}, {@code Condition}, an ARN from outside the template) is an error.
 */
final class RolePolicies {
    /**
     * One Allow statement.
     *
     * @param policy the logical id of the policy resource (or role/inline policy name)
     * @param sid the statement's Sid, if any
     * @param actions the Action entries as written
     * @param resources the Resource entries, {@code Fn::Sub} strings with {@code ${AWS::Partition}} as {@code aws}
     */
    record Grant(String policy, String sid, List<String> actions, List<String> resources) {
        /** Whether the statement applies to every resource. */
        boolean everyResource() {
            return resources.contains("*");
        }
    }

    private RolePolicies() {
    }

    /** The Allow statements that reach the role {@code roleLogicalId} of {@code template}. */
    static List<Grant> of(JsonNode template, String roleLogicalId) {
        JsonNode resources = template.path("Resources");
        JsonNode role = resources.path(roleLogicalId);
        if (!"AWS::IAM::Role".equals(role.path("Type").asText())) {
            throw new IllegalArgumentException(roleLogicalId + " is not an AWS::IAM::Role");
        }
        List<Grant> grants = new ArrayList<>();
        for (JsonNode arn : role.path("Properties").path("ManagedPolicyArns")) {
            String ref = arn.path("Ref").asText();
            JsonNode policy = resources.path(ref);
            if (ref.isEmpty() || !"AWS::IAM::ManagedPolicy".equals(policy.path("Type").asText())) {
                throw new IllegalArgumentException("the role attaches " + arn + ", not a managed policy of this template");
            }
            addStatements(ref, policy.path("Properties").path("PolicyDocument"), grants);
        }
        for (JsonNode inline : role.path("Properties").path("Policies")) {
            addStatements(roleLogicalId + "/" + inline.path("PolicyName").asText(), inline.path("PolicyDocument"),
                    grants);
        }
        return grants;
    }

    /** The logical ids of the managed policies the role attaches. */
    static List<String> managedPolicies(JsonNode template, String roleLogicalId) {
        List<String> ids = new ArrayList<>();
        template.path("Resources").path(roleLogicalId).path("Properties").path("ManagedPolicyArns")
                .forEach(arn -> ids.add(arn.path("Ref").asText()));
        return ids;
    }

    private static void addStatements(String policy, JsonNode document, List<Grant> grants) {
        for (JsonNode statement : document.path("Statement")) {
            statement.fieldNames().forEachRemaining(field -> {
                if (!List.of("Sid", "Effect", "Action", "Resource").contains(field)) {
                    throw new IllegalArgumentException(policy + ": statement field " + field
                            + " is beyond what the policy analysis understands");
                }
            });
            if (!"Allow".equals(statement.path("Effect").asText())) {
                throw new IllegalArgumentException(policy + ": only Allow statements are analysed");
            }
            grants.add(new Grant(policy, statement.path("Sid").asText(null), strings(statement.path("Action")),
                    strings(statement.path("Resource"))));
        }
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (JsonNode value : node.isArray() ? node : List.of(node)) {
            if (value.isTextual()) {
                out.add(value.asText());
            } else if (value.has("Fn::Sub") && value.get("Fn::Sub").isTextual()) {
                out.add(value.get("Fn::Sub").asText().replace("${AWS::Partition}", "aws"));
            } else {
                throw new IllegalArgumentException("cannot analyse " + value);
            }
        }
        return out;
    }
}
