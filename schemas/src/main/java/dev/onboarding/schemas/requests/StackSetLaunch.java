package dev.onboarding.schemas.requests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a customer connects a whole AWS Organization: there is no quick-create link for StackSets, so the provider
 * hands over the StackSet template's URL and the two AWS CLI commands to run in the management account (or a
 * delegated administrator, adding {@code --call-as DELEGATED_ADMIN}): {@code create-stack-set} (service-managed,
 * automatic deployment on, so accounts that join later connect too) and {@code create-stack-instances} to the
 * organizational units, in exactly one region (IAM is global: a second region's stack would create the same role
 * again and fail).
 *
 * @param stackSetName the StackSet name the commands use
 * @param templateUrl the StackSet template ({@code onboarding template organization}) in S3
 * @param region the one region the StackSet is created in and deploys to
 * @param createStackSet the {@code aws cloudformation create-stack-set} command line
 * @param createStackInstances the {@code aws cloudformation create-stack-instances} command line
 */
public record StackSetLaunch(String stackSetName, String templateUrl, String region, String createStackSet,
        String createStackInstances) {
    /** Stands for the OUs in the command when the request named none: the customer fills them in. */
    public static final String OU_PLACEHOLDER = "REPLACE-WITH-OU-OR-ROOT-IDS";

    /** Writes the five fields into {@code node} (the {@code stackSet} object of the CLI's and the API's answers). */
    public ObjectNode writeTo(ObjectNode node) {
        return node.put("stackSetName", stackSetName).put("templateUrl", templateUrl).put("region", region)
                .put("createStackSet", createStackSet).put("createStackInstances", createStackInstances);
    }

    /**
     * The launch of one organization integration. Values go in single quotes; none of them can hold one (the
     * external ID, role name, account, topic and URL patterns exclude it).
     */
    public static StackSetLaunch forIntegration(RequestConfig config, String region, String integrationId,
            String externalId, String roleName, List<String> organizationalUnitIds) {
        String templateUrl = config.organizationTemplateUrl().orElseThrow(() -> new IllegalStateException(
                "request.organization-template-url is not set: an organization integration needs the StackSet "
                        + "template's URL (onboarding template organization, uploaded to S3)"));
        String name = QuickCreateLink.stackNameFor(integrationId);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("ExternalID", externalId);
        parameters.put("RoleName", roleName);
        parameters.put("ProviderAccountId", config.providerAccountId());
        parameters.put("ProviderTopicName", config.providerTopicName());
        String parameterJson = parameters.entrySet().stream()
                .map(p -> "{\"ParameterKey\":\"" + p.getKey() + "\",\"ParameterValue\":\"" + p.getValue() + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        String createStackSet = "aws cloudformation create-stack-set --region " + region + " --stack-set-name " + name
                + " --template-url '" + templateUrl + "' --permission-model SERVICE_MANAGED"
                + " --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false"
                + " --capabilities CAPABILITY_NAMED_IAM --parameters '" + parameterJson + "'";
        String targets = organizationalUnitIds.isEmpty() ? OU_PLACEHOLDER : String.join(",", organizationalUnitIds);
        String createStackInstances = "aws cloudformation create-stack-instances --region " + region
                + " --stack-set-name " + name + " --deployment-targets OrganizationalUnitIds=" + targets
                + " --regions " + region;
        return new StackSetLaunch(name, templateUrl, region, createStackSet, createStackInstances);
    }
}
