package dev.onboarding.schemas.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code request.*} keys and the quick-create link they shape. */
class RequestConfigTest {
    private static final Map<String, String> REQUIRED = Map.of(
            "request.template-url", "https://bucket.s3.amazonaws.com/customer.json",
            "request.provider-account-id", "444455556666");

    @Test
    void defaultsApplyToWhatIsNotSet() {
        RequestConfig config = RequestConfig.from(Settings.of(REQUIRED));

        assertThat(config.providerTopicName()).isEqualTo("onboarding-callbacks");
        assertThat(config.ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.consoleRegion()).isEqualTo("us-east-1");
    }

    @Test
    void everyBadValueNamesItsKey() {
        assertThatThrownBy(() -> RequestConfig.from(Settings.of(Map.of("request.template-url", "https://x/y"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("request.provider-account-id");
        assertThat(problemWith("request.provider-account-id", "1234")).contains("request.provider-account-id");
        assertThat(problemWith("request.template-url", "http://insecure.example.com/t.json"))
                .contains("request.template-url");
        assertThat(problemWith("request.ttl", "0s")).contains("request.ttl");
        assertThat(problemWith("request.ttl", "soon")).contains("request.ttl");
        assertThat(problemWith("request.console-region", "mars")).contains("request.console-region");
        assertThat(problemWith("request.topic-name", "no spaces")).contains("request.topic-name");
    }

    @Test
    void theLinkCarriesEveryParameterEncoded() {
        RequestConfig config = RequestConfig.from(Settings.of(REQUIRED));

        String link = QuickCreateLink.forIntegration(config, "Onboarding-int-1", "onb-a+b/c=d", "Role@1");

        URI uri = URI.create(link);
        assertThat(uri.getHost()).isEqualTo("console.aws.amazon.com");
        assertThat(uri.getRawFragment()).startsWith("/stacks/quickcreate?");
        Map<String, String> params = fragmentParameters(uri.getRawFragment());
        assertThat(params).containsExactly(
                Map.entry("templateURL", "https://bucket.s3.amazonaws.com/customer.json"),
                Map.entry("stackName", "Onboarding-int-1"),
                Map.entry("param_ExternalID", "onb-a+b/c=d"),
                Map.entry("param_RoleName", "Role@1"),
                Map.entry("param_ProviderAccountId", "444455556666"),
                Map.entry("param_ProviderTopicName", "onboarding-callbacks"));
    }

    @Test
    void partitionsHaveTheirOwnConsole() {
        assertThat(QuickCreateLink.build("cn-north-1", "https://t", "s", Map.of()))
                .startsWith("https://console.amazonaws.cn/cloudformation/home?region=cn-north-1#");
        assertThat(QuickCreateLink.build("us-gov-west-1", "https://t", "s", Map.of()))
                .startsWith("https://console.amazonaws-us-gov.com/");
        assertThat(QuickCreateLink.stackNameFor("int-1_2")).isEqualTo("Onboarding-int-1-2");
    }

    private static String problemWith(String key, String value) {
        Map<String, String> values = new LinkedHashMap<>(REQUIRED);
        values.put(key, value);
        try {
            RequestConfig.from(Settings.of(values));
            return "accepted";
        } catch (SettingsException e) {
            return e.getMessage();
        }
    }

    private static Map<String, String> fragmentParameters(String rawFragment) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawFragment.substring(rawFragment.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
