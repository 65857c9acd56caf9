package dev.onboarding.schemas.requests;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CloudFormation console's quick-create link for the customer template: it opens the console with the
 * template, a stack name and every parameter filled in, so the customer only confirms. The external ID travels
 * in the link (the customer needs it in the stack) and is shown read-only by the template's description.
 */
public final class QuickCreateLink {
    private QuickCreateLink() {
    }

    /** The link for one integration, in the configured console region. */
    public static String forIntegration(RequestConfig config, String stackName, String externalId, String roleName) {
        return forIntegration(config, config.consoleRegion(), stackName, externalId, roleName);
    }

    /** The link for one integration, in the console of {@code consoleRegion}. */
    public static String forIntegration(RequestConfig config, String consoleRegion, String stackName,
            String externalId, String roleName) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("ExternalID", externalId);
        parameters.put("RoleName", roleName);
        parameters.put("ProviderAccountId", config.providerAccountId());
        parameters.put("ProviderTopicName", config.providerTopicName());
        return build(consoleRegion, config.templateUrl(), stackName, parameters);
    }

    /** The link for any template and parameters, in the partition's console for {@code region}. */
    public static String build(String region, String templateUrl, String stackName, Map<String, String> parameters) {
        StringBuilder url = new StringBuilder(consoleHost(region))
                .append("/cloudformation/home?region=").append(encode(region))
                .append("#/stacks/quickcreate?templateURL=").append(encode(templateUrl))
                .append("&stackName=").append(encode(stackName));
        parameters.forEach((name, value) -> url.append("&param_").append(encode(name)).append('=')
                .append(encode(value)));
        return url.toString();
    }

    /** A valid stack name for an integration: a letter first, then letters, digits and dashes. */
    public static String stackNameFor(String integrationId) {
        String cleaned = ("Onboarding-" + integrationId).replaceAll("[^A-Za-z0-9-]", "-");
        return cleaned.length() > 128 ? cleaned.substring(0, 128) : cleaned;
    }

    private static String consoleHost(String region) {
        if (region.startsWith("cn-")) {
            return "https://console.amazonaws.cn";
        }
        if (region.startsWith("us-gov-")) {
            return "https://console.amazonaws-us-gov.com";
        }
        return "https://console.aws.amazon.com";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
