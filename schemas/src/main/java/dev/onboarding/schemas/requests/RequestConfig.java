package dev.onboarding.schemas.requests;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code onboarding request} and the API need beyond Kafka and the registry: where the customer template lives, the
 * provider's account and SNS topic name (parameters of the quick-create link), how long a request stays open,
 * and which console region the link opens.
 *
 * @param templateUrl https URL of the customer template ({@code onboarding template customer}) in S3
 * @param providerAccountId the provider's 12-digit AWS account id (ProviderAccountId parameter)
 * @param providerTopicName the provider's SNS topic name in every region (ProviderTopicName parameter)
 * @param ttl how long the pending integration waits for the customer's stack ({@code expiresAt})
 * @param consoleRegion region the CloudFormation console opens in (the customer may switch it)
 * @param organizationTemplateUrl https URL of the StackSet template ({@code onboarding template organization}) in
 *     S3; without it, organization integrations are refused
 */
public record RequestConfig(String templateUrl, String providerAccountId, String providerTopicName, Duration ttl,
        String consoleRegion, Optional<String> organizationTemplateUrl) {
    /** The topic name the provider template creates in every region. */
    public static final String DEFAULT_TOPIC_NAME = "onboarding-callbacks";
    /** How long a request stays open unless configured. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Where the quick-create link opens unless configured. */
    public static final String DEFAULT_CONSOLE_REGION = "us-east-1";

    /** Checks what the getters cannot. */
    public RequestConfig {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new SettingsException("request.ttl", "must be positive, got " + ttl);
        }
        if (!providerAccountId.matches("\\d{12}")) {
            throw new SettingsException("request.provider-account-id", "must be a 12-digit AWS account id, got '"
                    + providerAccountId + "'");
        }
        if (!providerTopicName.matches("[A-Za-z0-9_-]{1,256}")) {
            throw new SettingsException("request.topic-name", "is not an SNS topic name: '" + providerTopicName + "'");
        }
        if (!isRegion(consoleRegion)) {
            throw new SettingsException("request.console-region", "is not an AWS region: '" + consoleRegion + "'");
        }
        checkTemplateUrl("request.template-url", templateUrl);
        organizationTemplateUrl.ifPresent(url -> checkTemplateUrl("request.organization-template-url", url));
    }

    /** A configuration without the StackSet template: organization integrations are refused. */
    public RequestConfig(String templateUrl, String providerAccountId, String providerTopicName, Duration ttl,
            String consoleRegion) {
        this(templateUrl, providerAccountId, providerTopicName, ttl, consoleRegion, Optional.empty());
    }

    private static void checkTemplateUrl(String key, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key, "is not a URL: " + e.getMessage());
        }
        // Single quotes would break the StackSet commands handed to the customer (StackSetLaunch).
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || url.indexOf('\'') >= 0) {
            throw new SettingsException(key, "must be an https URL (CloudFormation reads "
                    + "templates from S3 over https), got '" + url + "'");
        }
    }

    /** Reads the {@code request.*} keys; the template URL and the provider account are required. */
    public static RequestConfig from(Settings settings) {
        return new RequestConfig(
                settings.string("request.template-url"),
                settings.string("request.provider-account-id"),
                settings.string("request.topic-name", DEFAULT_TOPIC_NAME),
                settings.duration("request.ttl", DEFAULT_TTL),
                settings.string("request.console-region", DEFAULT_CONSOLE_REGION),
                settings.find("request.organization-template-url"));
    }

    /** Whether {@code region} has the shape of an AWS region name ({@code us-east-1}, {@code us-gov-west-1}). */
    public static boolean isRegion(String region) {
        return region != null && region.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    }
}
