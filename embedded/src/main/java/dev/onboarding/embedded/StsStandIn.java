package dev.onboarding.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for AWS STS {@code AssumeRole} that the AWS SDK v2 {@code StsClient} talks to unchanged
 * ({@code endpointOverride(endpoint())}). It answers from a table of trusted (role ARN, external id) pairs that tests
 * change at run time, and can script AccessDenied and other failures per role.
 *
 * <p>Built on WireMock: one catch-all stub whose answer a global response transformer computes from the form body.
 *
 * <p>Another process (e.g. {@code onboarding simulate}) controls the trust table over HTTP, on the same loopback port:
 * {@code POST /__onboarding/roles} with {@code {"roleArn": "...", "externalId": "..."}} trusts a pair (like
 * {@link #trust}); {@code DELETE /__onboarding/roles?roleArn=...} revokes a role (like {@link #revoke}). These admin
 * calls are not AssumeRole calls: they are neither counted nor recorded.
 */
public final class StsStandIn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StsStandIn.class);
    private static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final String TRANSFORMER = "sts-assume-role";
    private static final String NO_EXTERNAL_ID = "\u0000none";
    private static final String BASE64ISH = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Path of the admin route that trusts (POST) and revokes (DELETE) roles. */
    public static final String ADMIN_ROLES_PATH = "/__onboarding/roles";

    /**
     * One AssumeRole request as received, with the answer given.
     *
     * @param roleArn         RoleArn as sent (null if missing)
     * @param roleSessionName RoleSessionName as sent
     * @param externalId      ExternalId as sent (null if none)
     * @param durationSeconds DurationSeconds as sent (null if none; -1 if not a number)
     * @param httpStatus      the status answered
     * @param errorCode       the STS error code answered, null on success
     * @param receivedAt      when the request arrived
     */
    public record AssumeRoleCall(String roleArn, String roleSessionName, String externalId, Integer durationSeconds,
                                 int httpStatus, String errorCode, Instant receivedAt) {
    }

    private record ScriptedFailure(int httpStatus, String errorCode, String message) {
    }

    private final Map<String, Set<String>> trusted = new ConcurrentHashMap<>();
    private final Map<String, Queue<ScriptedFailure>> scripted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsPerRole = new ConcurrentHashMap<>();
    private final AtomicInteger totalCalls = new AtomicInteger();
    private final Queue<AssumeRoleCall> calls = new ConcurrentLinkedQueue<>();
    private final SecureRandom random = new SecureRandom();
    private final WireMockServer server;

    private StsStandIn() {
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress(Support.LOOPBACK)
                .dynamicPort()
                .containerThreads(8) // Jetty's minimum that still serves a few concurrent SDK clients
                .disableRequestJournal() // we keep our own record; the journal would grow forever in long runs
                .notifier(new Slf4jBridge())
                .extensions(new AssumeRoleTransformer()));
        server.start();
        server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withTransformers(TRANSFORMER)));
    }

    /** Starts a stand-in on a free loopback port with no trusted pairs. */
    public static StsStandIn start() {
        StsStandIn sts = new StsStandIn();
        LOG.info("STS stand-in listening on {}", sts.endpoint());
        return sts;
    }

    /** The endpoint to pass to {@code StsClientBuilder.endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://" + Support.LOOPBACK + ":" + server.port());
    }

    /** Lets {@code roleArn} be assumed with {@code externalId} (null: a request without ExternalId). */
    public void trust(String roleArn, String externalId) {
        trusted.computeIfAbsent(roleArn, r -> ConcurrentHashMap.newKeySet()).add(key(externalId));
    }

    /** Removes every trusted external id of {@code roleArn}: later calls get AccessDenied. */
    public void revoke(String roleArn) {
        trusted.remove(roleArn);
    }

    /** The next {@code times} calls for {@code roleArn} get AccessDenied even if trusted (IAM propagation delay). */
    public void denyNext(String roleArn, int times) {
        script(roleArn, times, new ScriptedFailure(403, "AccessDenied", notAuthorized(roleArn)));
    }

    /**
     * The next {@code times} calls for {@code roleArn} fail with {@code httpStatus} and {@code errorCode} (e.g. 500
     * InternalFailure, 400 Throttling). Note that the SDK retries those itself, and every retry counts as a call.
     */
    public void failNext(String roleArn, int times, int httpStatus, String errorCode) {
        script(roleArn, times, new ScriptedFailure(httpStatus, errorCode, "Scripted failure " + errorCode));
    }

    /** HTTP AssumeRole requests received for {@code roleArn}, SDK retries included. */
    public int assumeRoleCalls(String roleArn) {
        AtomicInteger count = callsPerRole.get(roleArn);
        return count == null ? 0 : count.get();
    }

    /** HTTP AssumeRole requests received in total, SDK retries included. */
    public int assumeRoleCalls() {
        return totalCalls.get();
    }

    /** Every AssumeRole request received so far, oldest first. */
    public List<AssumeRoleCall> calls() {
        return List.copyOf(calls);
    }

    /** Forgets trusted pairs, scripted failures and counts. */
    public void reset() {
        trusted.clear();
        scripted.clear();
        callsPerRole.clear();
        totalCalls.set(0);
        calls.clear();
    }

    /** Stops the HTTP server. */
    @Override
    public void close() {
        server.stop();
    }

    private void script(String roleArn, int times, ScriptedFailure failure) {
        Queue<ScriptedFailure> queue = scripted.computeIfAbsent(roleArn, r -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            queue.add(failure);
        }
    }

    private static String key(String externalId) {
        return externalId == null ? NO_EXTERNAL_ID : externalId;
    }

    private static String notAuthorized(String roleArn) {
        return "User: arn:aws:iam::000000000000:user/onboarding is not authorized to perform: sts:AssumeRole on resource: "
                + roleArn;
    }

    // ---------------------------------------------------------------- request handling

    private ResponseDefinition answer(Request request) {
        if (request.getUrl().startsWith("/__onboarding/")) {
            return admin(request);
        }
        Map<String, String> form = parseForm(request.getBodyAsString());
        String action = form.get("Action");
        if (!"POST".equals(request.getMethod().getName()) || !"AssumeRole".equals(action)) {
            return error(400, "InvalidAction", "Could not find operation " + action + " for version "
                    + form.get("Version"));
        }
        String roleArn = form.get("RoleArn");
        String sessionName = form.get("RoleSessionName");
        String externalId = form.get("ExternalId");
        Integer duration = parseIntOrNull(form.get("DurationSeconds"));
        totalCalls.incrementAndGet();
        if (roleArn != null) {
            callsPerRole.computeIfAbsent(roleArn, r -> new AtomicInteger()).incrementAndGet();
        }

        ResponseDefinition response;
        String errorCode = null;
        int status;
        ScriptedFailure failure;
        if (!request.containsHeader("Authorization")) {
            // Real STS rejects unsigned AssumeRole calls; catches code that forgot its base credentials.
            status = 403;
            errorCode = "MissingAuthenticationToken";
            response = error(status, errorCode, "Request is missing Authentication Token");
        } else if (roleArn == null || sessionName == null) {
            status = 400;
            errorCode = "ValidationError";
            response = error(status, errorCode, "RoleArn and RoleSessionName are required");
        } else if (duration != null && (duration < 900 || duration > 43200)) {
            status = 400;
            errorCode = "ValidationError";
            response = error(status, errorCode, "1 validation error detected: Value '" + duration
                    + "' at 'durationSeconds' failed to satisfy constraint");
        } else if ((failure = pollScripted(roleArn)) != null) {
            status = failure.httpStatus();
            errorCode = failure.errorCode();
            response = error(status, errorCode, failure.message());
        } else if (!trusted.getOrDefault(roleArn, Set.of()).contains(key(externalId))) {
            status = 403;
            errorCode = "AccessDenied";
            response = error(status, errorCode, notAuthorized(roleArn));
        } else {
            status = 200;
            response = success(roleArn, sessionName, duration == null ? 3600 : duration);
        }
        calls.add(new AssumeRoleCall(roleArn, sessionName, externalId, duration, status, errorCode, Instant.now()));
        return response;
    }

    /** The admin routes: changes to the trust table from another process. */
    private ResponseDefinition admin(Request request) {
        URI uri = URI.create(request.getUrl());
        String method = request.getMethod().getName();
        if (!ADMIN_ROLES_PATH.equals(uri.getPath())) {
            return adminAnswer(404, "{\"error\":\"no such admin route\"}");
        }
        if ("POST".equals(method)) {
            JsonNode body;
            try {
                body = JSON.readTree(request.getBodyAsString());
            } catch (Exception e) {
                return adminAnswer(400, "{\"error\":\"body is not JSON\"}");
            }
            String roleArn = body == null ? null : textOrNull(body.get("roleArn"));
            if (roleArn == null || !roleArn.startsWith("arn:")) {
                return adminAnswer(400, "{\"error\":\"roleArn must be an ARN\"}");
            }
            trust(roleArn, textOrNull(body.get("externalId")));
            return adminAnswer(200, JSON.createObjectNode().put("roleArn", roleArn).put("trusted", true).toString());
        }
        if ("DELETE".equals(method)) {
            String roleArn = parseForm(uri.getRawQuery()).get("roleArn");
            if (roleArn == null || roleArn.isEmpty()) {
                return adminAnswer(400, "{\"error\":\"roleArn query parameter is required\"}");
            }
            revoke(roleArn);
            return adminAnswer(200, JSON.createObjectNode().put("roleArn", roleArn).put("trusted", false).toString());
        }
        return adminAnswer(405, "{\"error\":\"use POST or DELETE\"}");
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static ResponseDefinition adminAnswer(int status, String json) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(json)
                .build();
    }

    private ScriptedFailure pollScripted(String roleArn) {
        Queue<ScriptedFailure> queue = scripted.get(roleArn);
        return queue == null ? null : queue.poll();
    }

    private ResponseDefinition success(String roleArn, String sessionName, int durationSeconds) {
        String expiration = DateTimeFormatter.ISO_INSTANT.format(
                Instant.now().plusSeconds(durationSeconds).truncatedTo(ChronoUnit.SECONDS));
        String account = arnPart(roleArn, 4, "000000000000");
        String resource = arnPart(roleArn, 5, "role/unknown");
        String roleName = resource.substring(resource.lastIndexOf('/') + 1);
        String roleId = "AROA" + randomToken(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        String xml = "<AssumeRoleResponse xmlns=\"" + STS_NS + "\">\n"
                + "  <AssumeRoleResult>\n"
                + "    <AssumedRoleUser>\n"
                + "      <AssumedRoleId>" + roleId + ":" + xml(sessionName) + "</AssumedRoleId>\n"
                + "      <Arn>arn:aws:sts::" + xml(account) + ":assumed-role/" + xml(roleName) + "/"
                + xml(sessionName) + "</Arn>\n"
                + "    </AssumedRoleUser>\n"
                + "    <Credentials>\n"
                + "      <AccessKeyId>ASIA" + randomToken(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + randomToken(40, BASE64ISH) + "</SecretAccessKey>\n"
                + "      <SessionToken>FwoGZXIvYXdzE" + randomToken(120, BASE64ISH) + "</SessionToken>\n"
                + "      <Expiration>" + expiration + "</Expiration>\n"
                + "    </Credentials>\n"
                + "    <PackedPolicySize>0</PackedPolicySize>\n"
                + "  </AssumeRoleResult>\n"
                + "  <ResponseMetadata>\n"
                + "    <RequestId>" + UUID.randomUUID() + "</RequestId>\n"
                + "  </ResponseMetadata>\n"
                + "</AssumeRoleResponse>\n";
        return xmlResponse(200, xml);
    }

    private static ResponseDefinition error(int status, String code, String message) {
        String type = status >= 500 ? "Receiver" : "Sender";
        String xml = "<ErrorResponse xmlns=\"" + STS_NS + "\">\n"
                + "  <Error>\n"
                + "    <Type>" + type + "</Type>\n"
                + "    <Code>" + xml(code) + "</Code>\n"
                + "    <Message>" + xml(message) + "</Message>\n"
                + "  </Error>\n"
                + "  <RequestId>" + UUID.randomUUID() + "</RequestId>\n"
                + "</ErrorResponse>\n";
        return xmlResponse(status, xml);
    }

    private static ResponseDefinition xmlResponse(int status, String xml) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "text/xml")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .withBody(xml)
                .build();
    }

    private String randomToken(int length, String alphabet) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String arnPart(String arn, int index, String fallback) {
        String[] parts = arn.split(":", 6);
        return parts.length > index && !parts[index].isEmpty() ? parts[index] : fallback;
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    private static Integer parseIntOrNull(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return -1; // fails the range check, like STS's validation error
        }
    }

    private static String xml(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Computes each answer from the stand-in's state; WireMock's own stub matching only routes to it. */
    private final class AssumeRoleTransformer implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            try {
                return answer(serveEvent.getRequest());
            } catch (RuntimeException e) {
                LOG.warn("STS stand-in failed to answer", e);
                return error(500, "InternalFailure", String.valueOf(e));
            }
        }

        @Override
        public boolean applyGlobally() {
            return false; // only the catch-all stub names it
        }

        @Override
        public String getName() {
            return TRANSFORMER;
        }
    }

    /** WireMock's console notifier would print to stdout; route it to our logging instead. */
    static final class Slf4jBridge implements Notifier {
        private static final Logger WIREMOCK = LoggerFactory.getLogger("dev.onboarding.embedded.wiremock");

        @Override
        public void info(String message) {
            WIREMOCK.debug(message);
        }

        @Override
        public void error(String message) {
            WIREMOCK.warn(message);
        }

        @Override
        public void error(String message, Throwable t) {
            WIREMOCK.warn(message, t);
        }
    }
}
