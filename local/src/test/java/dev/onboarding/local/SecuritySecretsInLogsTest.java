package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.schemas.ExternalIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line the applications write during an end-to-end run (a connect whose first answer is
 * retried, a FAILED attempt and its rollback, a rejected and a forged message, a Delete), with the product's own
 * loggers at DEBUG, and checks that none carries a secret: a full external ID, a ResponseURL's path or query
 * (its signature), the bridge's AWS secret key, or credentials STS handed out. The stand-ins of AWS itself
 * ({@code dev.onboarding.embedded}) are not the provider's logs and are left out. Command results on stdout are
 * not logs and are not looked at.
 */
@ExtendWith(SecurityStackExtension.class)
class SecuritySecretsInLogsTest {
    /** STS credentials the stand-in hands out: the access key id shape and the session token's fixed prefix. */
    private static final Pattern STS_CREDENTIALS = Pattern.compile("ASIA[A-Z2-7]{16}|FwoGZXIvYXdzE|SecretAccessKey"
            + "|SessionToken");
    /** A secret access key's shape: 40 base64 characters, mixed case and digits, standing alone. */
    private static final Pattern SECRET_KEY_SHAPE = Pattern.compile(
            "(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])"
                    + "[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])");

    @Test
    void noLogLineCarriesASecret(SecurityStack stack) {
        List<String> externalIds = new ArrayList<>();
        List<String> responseUrls = new ArrayList<>();
        List<ILoggingEvent> events = captureLogs(() -> endToEndRun(stack, externalIds, responseUrls));

        List<String> lines = events.stream()
                .filter(e -> !e.getLoggerName().startsWith("dev.onboarding.embedded"))
                .map(SecuritySecretsInLogsTest::fullText).toList();
        // The capture works and saw the run: the decisions are logged, with redacted external IDs.
        assertThat(lines).anyMatch(l -> l.contains("decided CREATE"))
                .anyMatch(l -> l.contains(ExternalIds.redact(externalIds.get(0))))
                .anyMatch(l -> l.contains("attempt 1 failed"));

        for (String line : lines) {
            for (String id : externalIds) {
                assertThat(line).as("a log line carries a full external ID").doesNotContain(id);
            }
            for (String url : responseUrls) {
                String pathAndQuery = url.substring(url.indexOf('/', url.indexOf("://") + 3));
                assertThat(line).as("a log line carries a ResponseURL")
                        .doesNotContain(pathAndQuery.substring(pathAndQuery.indexOf('?')))
                        .doesNotContain(pathAndQuery.substring(0, pathAndQuery.indexOf('?')));
            }
            assertThat(line).as("a log line carries a pre-signed URL's parameters")
                    .doesNotContain("X-Amz-Signature").doesNotContain("X-Amz-Credential");
            assertThat(line).as("a log line carries the bridge's AWS secret key")
                    .doesNotContain(stack.secretAccessKey);
            assertThat(line).as("a log line carries STS credentials").doesNotContainPattern(STS_CREDENTIALS)
                    .doesNotContainPattern(SECRET_KEY_SHAPE);
        }
    }

    private static void endToEndRun(SecurityStack stack, List<String> externalIds, List<String> responseUrls) {
        String tenant = SecurityStack.newTenant("secrets");
        String account = SecurityStack.newAccount();

        // Connect, with S3 failing the first answer so that the responder retries (and logs the attempt).
        IntegrationRequestPublisher.Published first = stack.request(tenant, Optional.empty());
        externalIds.add(first.externalId());
        stack.sts().trust("arn:aws:iam::" + account + ":role/" + first.roleName(), first.externalId());
        SecurityForgedRequest create = stack.forge(StackLaunch.Type.Create, first.externalId(), account)
                .roleName(first.roleName());
        stack.s3().respondWith(create.responsePath(), 503, 200);
        SecurityForgedRequest.Sent connect = create.send();
        responseUrls.add(connect.responseUrl());
        assertThat(stack.awaitAnswer(connect.requestId()).status()).isEqualTo("SUCCESS");
        stack.awaitStatus(first.integrationId(), "CONNECTED");
        // The answer above is the failed attempt; wait for the retry that S3 accepted.
        org.awaitility.Awaitility.await().atMost(SecurityStack.PATIENCE)
                .until(() -> stack.s3().requestsForPath(create.responsePath()).size() >= 2);

        // A FAILED attempt: the role in another account does not trust the ID; CloudFormation rolls back.
        IntegrationRequestPublisher.Published second = stack.request(tenant, Optional.empty());
        externalIds.add(second.externalId());
        SecurityForgedRequest.Sent denied = stack.forge(StackLaunch.Type.Create, second.externalId(),
                SecurityStack.newAccount()).roleName(second.roleName()).send();
        responseUrls.add(denied.responseUrl());
        CloudFormationAnswer failed = stack.awaitAnswer(denied.requestId());
        assertThat(failed.status()).isEqualTo("FAILED");
        SecurityForgedRequest.Sent rollback = stack.forge(StackLaunch.Type.Delete, second.externalId(),
                SecurityStack.newAccount()).stackId(denied.stackId()).physicalId(failed.physicalResourceId()).send();
        responseUrls.add(rollback.responseUrl());
        assertThat(stack.awaitAnswer(rollback.requestId()).status()).isEqualTo("SUCCESS");

        // A message rejected by validation (answered), and one rejected by the URL policy (dead-lettered only).
        String third = new ExternalIds().mint();
        externalIds.add(third);
        SecurityForgedRequest.Sent badRole = stack.forge(StackLaunch.Type.Create, third, SecurityStack.newAccount())
                .roleName("not a role name!").send();
        responseUrls.add(badRole.responseUrl());
        assertThat(stack.awaitAnswer(badRole.requestId()).status()).isEqualTo("FAILED");
        String fourth = new ExternalIds().mint();
        externalIds.add(fourth);
        String forgedUrl = stack.attackerTarget().origin() + "/cloudformation-custom-resource-response-useast1/"
                + "forged?X-Amz-Credential=AKIAFORGED&X-Amz-Signature=0123456789abcdef";
        responseUrls.add(forgedUrl);
        SecurityForgedRequest.Sent forged = stack.forge(StackLaunch.Type.Create, fourth, SecurityStack.newAccount())
                .responseUrl(forgedUrl).send();
        stack.deadLetters().await(stack.catalog().cfnCallbacksDlq().name(), forged.messageId());

        // The customer deletes the connected stack.
        SecurityForgedRequest.Sent delete = stack.forge(StackLaunch.Type.Delete, first.externalId(), account)
                .roleName(first.roleName()).stackId(connect.stackId()).physicalId(first.integrationId()).send();
        responseUrls.add(delete.responseUrl());
        assertThat(stack.awaitAnswer(delete.requestId()).status()).isEqualTo("SUCCESS");
        stack.awaitStatus(first.integrationId(), "DISCONNECTED");
    }

    /** Runs {@code run} with every log event of the JVM captured, the product's loggers at DEBUG. */
    private static List<ILoggingEvent> captureLogs(Runnable run) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger product = (Logger) LoggerFactory.getLogger("dev.onboarding");
        Logger standIns = (Logger) LoggerFactory.getLogger("dev.onboarding.embedded");
        Level productLevel = product.getLevel();
        Level standInsLevel = standIns.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        product.setLevel(Level.DEBUG);
        standIns.setLevel(standInsLevel == null ? Level.INFO : standInsLevel);
        try {
            run.run();
        } finally {
            product.setLevel(productLevel);
            standIns.setLevel(standInsLevel);
            root.detachAppender(appender);
            appender.stop();
        }
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** The line as an appender would write it: message, arguments filled in, and every throwable in the chain. */
    private static String fullText(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
        event.getMDCPropertyMap().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (IThrowableProxy suppressed : t.getSuppressed()) {
                text.append(" | suppressed ").append(suppressed.getClassName()).append(": ")
                        .append(suppressed.getMessage());
            }
        }
        return text.toString();
    }
}
