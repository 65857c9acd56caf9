package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The onboarding page in a real browser (Debian's headless Chromium, driven through its chromium-driver by
 * Selenium's Java client, which is pointed at the system driver and never downloads one), against the local run as
 * {@code onboarding local} starts it: the whole flow to Connected through "Simulate the stack here", a second stack
 * for the same account Failed with the reason and what to do, a cancel, a reload while waiting, an organization's
 * StackSet commands and members, the CSP header, and no error in the browser's console after any of them. Saves a screenshot of the connected page as
 * {@code target/onboarding-page-connected.png}.
 *
 * <p>Skipped, saying why, only where Chromium or its driver is not installed; with
 * {@code CI} set (as {@code .ci/run} does) their absence fails instead. With
 * {@code -Donboarding.page.url=http://127.0.0.1:8088/} it tests the page of a running {@code ./onboarding local}.
 */
@ExtendWith(LocalSandbox.Extension.class)
class OnboardingPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicLong ACCOUNTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private static URI page;
    private static Path profile;
    private static WebDriver browser;

    @BeforeAll
    static void openTheBrowser(LocalSandbox.PageUrl url) throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "the browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver";
        if (!installed && System.getenv("CI") != null) {
            throw new AssertionError(missing + " (CI is set, so they must not be skipped)");
        }
        Assumptions.assumeTrue(installed, "skipped: " + missing);
        page = url.uri();
        profile = Files.createTempDirectory("onboarding-chromium-profile");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1000,1300", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeTheBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterEach
    void noErrorInTheConsole() {
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("errors in the browser's console").isEmpty();
    }

    @Test
    void aNewcomerConnectsAnAccountAndWatchesItTurnConnected() throws Exception {
        open("initech");
        assertThat(unlabelledControls()).as("form controls without a label").isEmpty();

        create("Production", "the main account", "env=prod, team=data");
        awaitHeadline("Waiting for your stack");
        assertThat(text("status")).contains("Waiting for your CloudFormation stack");
        WebElement link = browser.findElement(By.id("quick-create"));
        assertThat(link.getAttribute("href")).startsWith("https://console.aws.amazon.com/cloudformation/");
        assertThat(link.getAttribute("target")).isEqualTo("_blank");
        assertThat(link.getAttribute("rel")).contains("noopener");
        assertThat(browser.findElement(By.id("quick-create-url")).getAttribute("value"))
                .isEqualTo(link.getAttribute("href"));

        String account = newAccount();
        simulate(account);
        awaitHeadline("Connected");

        assertThat(text("connected-account")).isEqualTo(account);
        assertThat(text("connected-region")).isEqualTo(LocalSandbox.REGION);
        assertThat(text("connected-role")).isEqualTo("arn:aws:iam::" + account + ":role/OnboardingIntegrationRole");
        assertThat(text("steps")).contains("✓ Done Your stack's callback arrived", "✓ Done Role verified",
                "✓ Done Connected");
        assertThat(text("status")).isEqualTo("Connected: AWS account " + account + " in " + LocalSandbox.REGION + ".");
        assertThat(browser.findElement(By.id("launch-panel")).isDisplayed()).isFalse();
        await("the list shows it connected").atMost(PATIENCE).until(() -> text("list-rows"),
                rows -> rows.contains("Production") && rows.contains("CONNECTED") && rows.contains(account));
        Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "onboarding-page-connected.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aSecondStackForTheSameAccountFailsWithTheReasonAndWhatToDo() {
        open("globex");
        String account = newAccount();
        create("First account", "", "");
        simulate(account);
        awaitHeadline("Connected");

        browser.findElement(By.id("another")).click();
        create("Same account again", "", "");
        awaitHeadline("Waiting for your stack");
        simulate(account);
        awaitHeadline("Failed");

        assertThat(text("failed-reason")).isEqualTo("AWS account " + account
                + " is already connected to this workspace");
        assertThat(text("failed-advice")).contains("already connected for your organisation");
        assertThat(text("steps")).contains("✓ Done Role verified", "✗ Failed Not connected");
        assertThat(text("status")).startsWith("Failed: AWS account " + account);
        // Another tenant does not see globex's connections.
        pickTenant("initech");
        await("initech's list").atMost(PATIENCE).until(() -> !text("list").contains("First account"));
    }

    @Test
    void aPendingConnectionCanBeCancelled() {
        open("acme");
        create("Changed my mind", "", "");
        awaitHeadline("Waiting for your stack");

        browser.findElement(By.id("cancel")).click();

        awaitHeadline("Cancelled");
        assertThat(browser.findElement(By.id("launch-panel")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("cancel")).isDisplayed()).isFalse();
        await("the list shows it cancelled").atMost(PATIENCE).until(() -> text("list-rows"),
                rows -> rows.contains("Changed my mind") && rows.contains("CANCELLED"));
    }

    @Test
    void aReloadWhileWaitingKeepsFollowingTheConnection() {
        open("acme");
        create("Reloaded", "", "");
        awaitHeadline("Waiting for your stack");
        String url = browser.getCurrentUrl();
        assertThat(url).contains("?integration=int-");

        browser.navigate().refresh();
        awaitHeadline("Waiting for your stack");
        assertThat(browser.getCurrentUrl()).isEqualTo(url);
        assertThat(text("watch-name")).isEqualTo("Reloaded");

        String account = newAccount();
        simulate(account);
        awaitHeadline("Connected");
        assertThat(text("connected-account")).isEqualTo(account);
    }

    @Test
    void aConnectedIntegrationsHealthIsInWords() throws Exception {
        open("initech");
        // The page's own module, as the page loads it, on states as the API shows them.
        Object answer = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const base = {status: 'CONNECTED', accountId: '123456789012', region: 'us-east-1'};
                const at = '2030-01-01T00:00:00Z';
                import('/page/progress.js').then((m) => done(JSON.stringify([
                  m.describe({...base, health: null}),
                  m.describe({...base, health: {status: 'HEALTHY', reason: null, deniedJobTypes: [], since: at,
                    lastCheckedAt: at}}),
                  m.describe({...base, health: {status: 'DEGRADED', reason: 'possibly an organization SCP',
                    deniedJobTypes: [{resourceType: 'AWS::EC2::Instance', action: 'ec2:DescribeInstances',
                      grantedByTemplate: true, deniedAt: at}], since: at, lastCheckedAt: at}}),
                  m.describe({...base, health: {status: 'UNREACHABLE', reason: 'the role could not be assumed',
                    deniedJobTypes: [], since: at, lastCheckedAt: at}}),
                ]))).catch((e) => done('error: ' + e));
                """);
        JsonNode meanings = new ObjectMapper().readTree(String.valueOf(answer));
        assertThat(meanings.get(0).get("headline").asText()).isEqualTo("Connected");
        assertThat(meanings.get(0).get("announcement").asText()).isEqualTo("Connected: AWS account 123456789012 in "
                + "us-east-1.");
        assertThat(meanings.get(1).get("headline").asText()).isEqualTo("Connected");
        assertThat(meanings.get(1).at("/health/label").asText()).startsWith("Healthy (last checked ");
        assertThat(meanings.get(2).get("headline").asText()).isEqualTo("Connected, some data cannot be read");
        assertThat(meanings.get(2).at("/health/label").asText()).startsWith("Degraded: AWS::EC2::Instance denied");
        assertThat(meanings.get(2).get("announcement").asText()).endsWith("possibly an organization SCP");
        assertThat(meanings).allSatisfy(m -> assertThat(m.get("outcome").asText()).isEqualTo("connected"));
        assertThat(meanings.get(3).get("headline").asText()).isEqualTo("Connected, but the role cannot be assumed");
        assertThat(meanings.get(3).at("/health/label").asText()).startsWith("Unreachable: collection is paused");
        assertThat(meanings.get(3).at("/health/reason").asText()).isEqualTo("the role could not be assumed");
    }

    @Test
    void everyAnswerCarriesAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(page).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:"));
        assertThat(index.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(index.body()).doesNotContain("<script>").contains("<script type=\"module\" src=\"/page/app.js\">");
        // The browser enforces it: a script injected inline does not run.
        open("acme");
        Object ran = ((JavascriptExecutor) browser).executeScript("const s = document.createElement('script');"
                + "s.textContent = 'window.injected = true'; document.head.append(s); return window.injected === true;");
        assertThat(ran).isEqualTo(false);
        // The refusal is the one error the console shows (read here, so the check after each test passes).
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).singleElement().satisfies(entry -> assertThat(entry.getMessage())
                .contains("violates the following Content Security Policy directive 'script-src 'self''"));
    }

    @Test
    void anOrganizationShowsTheStackSetCommandsAndItsMembersOneALine(LocalSandbox sandbox) throws Exception {
        Assumptions.assumeTrue(System.getProperty("onboarding.page.url") == null,
                "drives the test's own local run (its endpoints file)");
        String endpoints = sandbox.endpointsFile().toString();
        String token = CommandRun.of("token", "--tenant", "acme", "--endpoints-file", endpoints).out().trim();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        page.resolve("/v1/integrations")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Whole organization\",\"kind\":\"ORGANIZATION\","
                                + "\"expectedOrganizationId\":\"o-pagetest01\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = created.body().replaceAll(".*\"integrationId\":\"([^\"]+)\".*", "$1");
        String externalId = created.body().replaceAll(".*\"externalId\":\"([^\"]+)\".*", "$1");
        CommandRun members = CommandRun.of("simulate", "launch-stackset", "--endpoints-file", endpoints,
                "--external-id", externalId, "--organization-id", "o-pagetest01", "--accounts", "2", "--wait");
        CommandRun stranger = CommandRun.of("simulate", "launch-stackset", "--endpoints-file", endpoints,
                "--external-id", externalId, "--organization-id", "o-otherorg01", "--accounts", "1", "--wait");
        assertThat(members.exitCode()).as(members.err()).isZero();
        assertThat(stranger.exitCode()).as(stranger.err()).isZero();

        open("acme");
        browser.get(page.resolve("/?integration=" + id).toString());

        await("two members connected, one failed").atMost(PATIENCE).until(() -> text("member-summary"),
                "2 connected, 1 failed, 0 in progress."::equals);
        assertThat(browser.findElements(By.cssSelector("#members li"))).hasSize(3);
        assertThat(text("members")).contains(": CONNECTED", ": FAILED (ORGANIZATION_MISMATCH");
        assertThat(text("organization-id")).isEqualTo("o-pagetest01");
        assertThat(browser.findElement(By.id("launch-panel")).isDisplayed()).as("no quick-create link").isFalse();
        assertThat(browser.findElement(By.id("create-stack-set")).getAttribute("value"))
                .startsWith("aws cloudformation create-stack-set").contains(externalId);
        assertThat(browser.findElement(By.id("create-stack-instances")).getAttribute("value"))
                .startsWith("aws cloudformation create-stack-instances");
        assertThat(unlabelledControls()).as("form controls without a label").isEmpty();
        await("the list shows the organization").atMost(PATIENCE).until(() -> text("list-rows"),
                rows -> rows.contains("Organization o-pagetest01: 2 connected"));
    }

    // ---- steps ----

    private static void open(String tenant) {
        browser.get(page.toString());
        await("the page started").atMost(PATIENCE).until(() -> browser.findElement(By.id("sandbox")).isDisplayed()
                && !browser.findElements(By.cssSelector("#tenant option")).isEmpty());
        if (!browser.findElement(By.id("tenant")).getAttribute("value").equals(tenant)) {
            pickTenant(tenant);
        }
    }

    private static void pickTenant(String tenant) {
        browser.findElement(By.cssSelector("#tenant option[value='" + tenant + "']")).click();
    }

    private static void create(String name, String description, String tags) {
        await("the form").atMost(PATIENCE).until(() -> browser.findElement(By.id("create")).isDisplayed());
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("description")).sendKeys(description);
        browser.findElement(By.id("tags")).sendKeys(tags);
        browser.findElement(By.id("launch")).click();
        await("the connection is followed").atMost(PATIENCE).until(() -> browser.findElement(By.id("watch"))
                .isDisplayed() && text("watch-name").equals(name));
    }

    private static void simulate(String account) {
        WebElement field = browser.findElement(By.id("simulate-account"));
        field.clear();
        field.sendKeys(account);
        browser.findElement(By.id("simulate")).click();
    }

    private static void awaitHeadline(String headline) {
        await("the page says " + headline).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> text("headline"), headline::equals);
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText().replace('\n', ' ');
    }

    @SuppressWarnings("unchecked")
    private static List<String> unlabelledControls() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll("
                + "'input, select, textarea')].filter(c => c.type !== 'hidden' && c.labels.length === 0)"
                + ".map(c => c.id || c.name);");
    }

    private static String newAccount() {
        return String.format("%012d", 500_000_000_000L + ACCOUNTS.incrementAndGet());
    }
}
