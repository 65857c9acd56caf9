package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The onboarding page as the API serves it (the browser tests in the local module drive it): its files with their
 * types, a strict Content-Security-Policy on every answer, the page's configuration for each way of getting a
 * token, and page code that never turns data into markup or reaches another origin.
 */
class OnboardingPageTest {
    private static final List<String> FILES = List.of("index.html", "app.js", "api.js", "events.js", "local.js",
            "progress.js", "view.js", "page.css", "icon.svg");

    private static ApiStack stack;
    private static ApiApp behindAProxy;
    private static ApiApp withATokenEndpoint;
    private static ApiApp withoutThePage;

    @BeforeAll
    static void start() {
        stack = new ApiStack();
        behindAProxy = stack.start();
        withATokenEndpoint = stack.start(stack.newDir("page-token-"), Map.of("api.page.token-endpoint",
                "https://auth.example.com/onboarding/token"));
        withoutThePage = stack.start(stack.newDir("no-page-"), Map.of("api.page.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void thePageAndItsFilesAreServedWithTheirTypesAndAStrictPolicy() {
        ApiClient client = ApiStack.client(behindAProxy);

        ApiClient.Response page = client.get("/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<label for=\"name\">Name</label>", "Launch stack", "aria-live=\"polite\"");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'; script-src 'self'; "
                + "style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'none'");
        assertThat(page.header("X-Frame-Options")).contains("DENY");
        assertThat(page.header("Referrer-Policy")).contains("no-referrer");
        assertThat(client.get("/page/app.js", null).contentType()).startsWith("text/javascript");
        assertThat(client.get("/page/page.css", null).contentType()).startsWith("text/css");
        assertThat(client.get("/page/icon.svg", null).contentType()).startsWith("image/svg+xml");
        assertThat(client.get("/page/other.js", null).status()).isEqualTo(404);
        // The API's own answers carry the same headers.
        assertThat(client.get("/v1/integrations", null).header("Content-Security-Policy")).isPresent();
    }

    @Test
    void behindAnAuthProxyThePageSendsNoTokenOfItsOwn() {
        ApiClient.Response config = ApiStack.client(behindAProxy).get("/page/config.json", null);

        assertThat(config.json().toString()).isEqualTo("{\"tokenEndpoint\":null,\"openQuickCreate\":true,"
                + "\"local\":null}");
    }

    @Test
    void aConfiguredTokenEndpointIsThePagesOneOtherOrigin() {
        ApiClient.Response page = ApiStack.client(withATokenEndpoint).get("/", null);
        ApiClient.Response config = ApiStack.client(withATokenEndpoint).get("/page/config.json", null);

        assertThat(config.json().get("tokenEndpoint").asText()).isEqualTo("https://auth.example.com/onboarding/token");
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("connect-src 'self' https://auth.example.com;"));
    }

    @Test
    void thePageCanBeTurnedOff() {
        assertThat(ApiStack.client(withoutThePage).get("/", null).status()).isEqualTo(404);
        assertThat(ApiStack.client(withoutThePage).get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void thePageNeverTurnsDataIntoMarkupNorReachesAnotherOrigin() throws IOException {
        for (String file : FILES) {
            String text = read(file);
            assertThat(text).as(file).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(", "new Function", "localStorage", "style=");
            // The only absolute URL in the code is the check that a quick-create link is https.
            assertThat(text.replace("url.startsWith('https://')", "")).as(file)
                    .doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg)");
        }
        assertThat(read("index.html")).contains("<script type=\"module\" src=\"/page/app.js\"></script>")
                .doesNotContain("<script>");
        assertThat(read("events.js")).contains("'Last-Event-ID'").contains("Authorization")
                .doesNotContain("EventSource(");
    }

    private static String read(String file) throws IOException {
        try (InputStream in = OnboardingPage.class.getResourceAsStream("page/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
