package dev.onboarding.local;

import dev.onboarding.cli.TemplateCommand;
import java.util.Optional;

/**
 * One custom-resource request a customer's stack makes, as {@code simulate launch-stack} describes it.
 *
 * @param type Create, Update or Delete
 * @param externalId the ExternalID property of the resource
 * @param account the customer's AWS account (the StackId's and the role's)
 * @param region the stack's region (picks the provider's queue)
 * @param roleName the RoleName property
 * @param stackId an existing stack to reuse (Update, Delete), else a new one
 * @param physicalId the PhysicalResourceId for Update and Delete, else the one of the stack's last answer
 * @param oldRoleName the RoleName before an Update (default: unchanged)
 * @param oldExternalId the ExternalID before an Update (default: unchanged)
 * @param createRole whether the stack creates the role in the STS stand-in first
 * @param trustExternalId the external ID the role trusts (default: {@code externalId})
 * @param templateVersion the TemplateVersion property, absent for a stack of a template before versions
 * @param oldTemplateVersion the TemplateVersion before an Update (default: unchanged)
 * @param trustWithoutExternalId whether the role trusts the provider with no external ID condition at all (a
 *     misconfigured role the provider must refuse)
 */
record StackLaunch(Type type, String externalId, String account, String region, String roleName,
        Optional<String> stackId, Optional<String> physicalId, Optional<String> oldRoleName,
        Optional<String> oldExternalId, boolean createRole, Optional<String> trustExternalId,
        Optional<String> templateVersion, Optional<String> oldTemplateVersion, boolean trustWithoutExternalId) {

    /** The custom resource request types, spelled as CloudFormation spells them. */
    enum Type {
        /** The stack is created. */
        Create,
        /** The resource's properties changed. */
        Update,
        /** The stack is deleted, or a failed create rolls back. */
        Delete
    }

    /** A launch whose role, if created, trusts the provider with an external ID. */
    StackLaunch(Type type, String externalId, String account, String region, String roleName,
            Optional<String> stackId, Optional<String> physicalId, Optional<String> oldRoleName,
            Optional<String> oldExternalId, boolean createRole, Optional<String> trustExternalId,
            Optional<String> templateVersion, Optional<String> oldTemplateVersion) {
        this(type, externalId, account, region, roleName, stackId, physicalId, oldRoleName, oldExternalId, createRole,
                trustExternalId, templateVersion, oldTemplateVersion, false);
    }

    /** Checks what CloudFormation itself would guarantee. */
    StackLaunch {
        if (!account.matches("\\d{12}")) {
            throw new IllegalArgumentException("--account must be a 12-digit AWS account id, got '" + account + "'");
        }
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
            throw new IllegalArgumentException("--region is not an AWS region: '" + region + "'");
        }
        if (externalId.isEmpty() || roleName.isEmpty()) {
            throw new IllegalArgumentException("--external-id and --role-name must not be empty");
        }
        if (trustWithoutExternalId && (!createRole || trustExternalId.isPresent())) {
            throw new IllegalArgumentException(
                    "--trust-without-external-id cannot be combined with --no-role or --trust-external-id");
        }
    }

    /** A Create of a new stack of the shipped template whose role trusts the provider with {@code externalId}. */
    static StackLaunch create(String externalId, String account, String region, String roleName) {
        return new StackLaunch(Type.Create, externalId, account, region, roleName, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), true, Optional.empty(),
                Optional.of(TemplateCommand.customerTemplateVersion()), Optional.empty());
    }

    /** A Delete of {@code stackId} (the physical id comes from its last answer unless given). */
    static StackLaunch delete(String externalId, String account, String region, String roleName, String stackId,
            Optional<String> physicalId) {
        return new StackLaunch(Type.Delete, externalId, account, region, roleName, Optional.of(stackId), physicalId,
                Optional.empty(), Optional.empty(), false, Optional.empty(),
                Optional.of(TemplateCommand.customerTemplateVersion()), Optional.empty());
    }

    /** The role the stack creates, {@code arn:aws:iam::<account>:role/<RoleName>}. */
    String roleArn() {
        return "arn:aws:iam::" + account + ":role/" + roleName;
    }
}
