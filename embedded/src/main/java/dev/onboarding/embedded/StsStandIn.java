package dev.onboarding.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.JettySettings;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.AdminRequestHandler;
import com.github.tomakehurst.wiremock.http.FormParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.http.StubRequestHandler;
import com.github.tomakehurst.wiremock.jetty11.Jetty11HttpServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wiremock.org.eclipse.jetty.io.NetworkTrafficListener;
import wiremock.org.eclipse.jetty.server.ConnectionFactory;
import wiremock.org.eclipse.jetty.server.HttpConfiguration;
import wiremock.org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for AWS STS {@code AssumeRole} that the AWS SDK v2 {@code StsClient} talks to unchanged
 * ({@code endpointOverride(endpoint())}). It answers from each role's trust policy, which tests change at run time,
 * and can script AccessDenied, other failures and late answers per role. A trust policy is a set of statements that
 * trust the provider's principal, each with one of the {@code sts:ExternalId} conditions seen in the wild
 * ({@link Condition}): an exact ID ({@code StringEquals}, the default; several IDs make a list), no condition at
 * all, a {@code StringLike} pattern, or {@code StringEqualsIfExists}. A call is allowed when any statement allows
 * it, as IAM evaluates them.
 *
 * <p>Built on WireMock, kept cheap so that it answers "at once" even under benchmark load: one request filter answers
 * every request itself (no stub matching, no transformers); WireMock's request journal, per-request logging and gzip
 * and Jetty's header cache are off; answers carry a Content-Length (no chunking) and use no {@code SecureRandom}. The
 * stand-in counts every call and keeps a record of the most recent {@value #RECORDED_CALLS} ({@link #calls()}).
 *
 * <p>Another process (e.g. {@code onboarding simulate}) controls the trust table over HTTP, on the same loopback port:
 * {@code POST /__onboarding/roles} with {@code {"roleArn": "...", "externalId": "...", "condition": "..."}} adds a
 * statement (like {@link #trust(String, Condition, String)}; {@code condition} defaults to {@code StringEquals});
 * {@code DELETE /__onboarding/roles?roleArn=...} revokes a role (like {@link #revoke}), {@code POST
 * /__onboarding/roles/restore?roleArn=...} puts a revoked role's policy back (like {@link #restore}). These admin
 * calls are not AssumeRole calls: they are neither counted nor recorded.
 *
 * <p>The same port answers AWS Organizations' {@code DescribeOrganization} for the accounts whose roles it let be
 * assumed, with the credentials it issued ({@link #organizations()}).
 */
public final class StsStandIn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StsStandIn.class);
    private static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    /** Jetty's pool: acceptor and selector, and a worker for each of the verifier's default 16 concurrent calls. */
    private static final int CONTAINER_THREADS = 20;
    private static final String NO_EXTERNAL_ID = "\u0000none";
    private static final String BASE64ISH = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Path of the admin route that trusts (POST) and revokes (DELETE) roles. */
    public static final String ADMIN_ROLES_PATH = "/__onboarding/roles";
    /** Path of the admin route that restores (POST {@code ?roleArn=}) a revoked role. */
    public static final String ADMIN_RESTORE_PATH = "/__onboarding/roles/restore";

    /** How many of the most recent AssumeRole calls {@link #calls()} keeps; older ones are only counted. */
    public static final int RECORDED_CALLS = 10_000;

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

    /** The {@code sts:ExternalId} condition of one trust policy statement. */
    public enum Condition {
        /** {@code StringEquals}: only this external ID (a missing one is denied). The shipped template's. */
        STRING_EQUALS("StringEquals"),
        /** No condition: any caller of the provider's account, with or without an external ID. */
        NONE("None"),
        /** {@code StringLike} with a pattern ({@code *}, {@code ?}): any external ID that matches; a missing one is denied. */
        STRING_LIKE("StringLike"),
        /** {@code StringEqualsIfExists}: this external ID, or none at all. */
        STRING_EQUALS_IF_EXISTS("StringEqualsIfExists");

        private final String policyName;

        Condition(String policyName) {
            this.policyName = policyName;
        }

        /** The operator's name as written in a policy ({@code None} for no condition). */
        public String policyName() {
            return policyName;
        }

        /** The condition named {@code name} as written in a policy, case-insensitively. */
        public static Condition named(String name) {
            for (Condition c : values()) {
                if (c.policyName.equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown trust condition '" + name + "'");
        }

        boolean allows(String value, String externalId) {
            return switch (this) {
                case STRING_EQUALS -> key(value).equals(key(externalId));
                case NONE -> true;
                case STRING_LIKE -> externalId != null && glob(value).matcher(externalId).matches();
                case STRING_EQUALS_IF_EXISTS -> externalId == null || externalId.equals(value);
            };
        }

        private static java.util.regex.Pattern glob(String pattern) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
                }
            }
            return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.DOTALL);
        }
    }

    /** One trust policy statement: the provider's principal, with {@code condition} on {@code value}. */
    private record Statement(Condition condition, String value) {
    }

    /** One scripted answer: a failure, or (httpStatus 0) the usual answer given {@code delay} late. */
    private record Scripted(int httpStatus, String errorCode, String message, Duration delay) {
        static Scripted failure(int httpStatus, String errorCode, String message) {
            return new Scripted(httpStatus, errorCode, message, Duration.ZERO);
        }

        boolean fails() {
            return httpStatus != 0;
        }
    }

    private final Map<String, Set<Statement>> trusted = new ConcurrentHashMap<>();
    /** Trust policies of revoked roles, kept so that {@link #restore} can put them back. */
    private final Map<String, Set<Statement>> revoked = new ConcurrentHashMap<>();
    private final Map<String, Queue<Scripted>> scripted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsPerRole = new ConcurrentHashMap<>();
    private final AtomicInteger totalCalls = new AtomicInteger();
    private final Queue<AssumeRoleCall> calls = new ConcurrentLinkedQueue<>();
    private final AtomicInteger recorded = new AtomicInteger();
    private final int recordLimit;
    private final OrganizationsStandIn organizations = new OrganizationsStandIn();
    private final WireMockServer server;

    private StsStandIn(int recordLimit) {
        this.recordLimit = recordLimit;
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress(Support.LOOPBACK)
                .dynamicPort()
                .containerThreads(CONTAINER_THREADS)
                .disableRequestJournal() // we keep our own bounded record; the journal would grow forever in long runs
                // Logging every request and answer formats both as JSON, even when the log level drops it.
                .stubRequestLoggingDisabled(true)
                .gzipDisabled(true) // SDK clients never ask for gzip; the handler still wraps every request
                .templatingEnabled(false)
                .httpServerFactory(JettyWithoutHeaderCache::new)
                .notifier(new Slf4jBridge())
                .extensions(new AnswerEveryRequest()));
        server.start();
    }

    /** Starts a stand-in on a free loopback port with no trusted pairs. */
    public static StsStandIn start() {
        return start(RECORDED_CALLS);
    }

    /** A stand-in that records only the most recent {@code recordLimit} calls (tests of the bound). */
    static StsStandIn start(int recordLimit) {
        StsStandIn sts = new StsStandIn(recordLimit);
        LOG.info("STS stand-in listening on {}", sts.endpoint());
        return sts;
    }

    /** The organizations of the simulated accounts, answered on {@link #endpoint()} too. */
    public OrganizationsStandIn organizations() {
        return organizations;
    }

    /** The endpoint to pass to {@code StsClientBuilder.endpointOverride} (and {@code OrganizationsClientBuilder}'s). */
    public URI endpoint() {
        return URI.create("http://" + Support.LOOPBACK + ":" + server.port());
    }

    /**
     * Lets {@code roleArn} be assumed with {@code externalId} ({@code StringEquals}; trusting several IDs makes a list).
     * Null trusts a request without ExternalId.
     */
    public void trust(String roleArn, String externalId) {
        trust(roleArn, Condition.STRING_EQUALS, externalId);
    }

    /** Adds a statement to the trust policy of {@code roleArn}: the provider, with {@code condition} on {@code value}. */
    public void trust(String roleArn, Condition condition, String value) {
        trusted.computeIfAbsent(roleArn, r -> ConcurrentHashMap.newKeySet())
                .add(new Statement(condition, condition == Condition.NONE ? null : value));
    }

    /** Whether a call for {@code roleArn} with {@code externalId} (null: none) passes its trust policy now. */
    public boolean allows(String roleArn, String externalId) {
        return trusted.getOrDefault(roleArn, Set.of()).stream().anyMatch(s -> s.condition().allows(s.value(),
                externalId));
    }

    /**
     * Removes every trusted external id of {@code roleArn}: later calls get AccessDenied (the role was deleted, or its
     * trust policy changed). Its policy is kept aside for {@link #restore}.
     */
    public void revoke(String roleArn) {
        Set<Statement> removed = trusted.remove(roleArn);
        if (removed != null) {
            revoked.put(roleArn, removed);
        }
    }

    /**
     * Puts back the trust policy {@link #revoke} removed from {@code roleArn} (the customer recreated the role).
     *
     * @return whether there was one to put back
     */
    public boolean restore(String roleArn) {
        Set<Statement> removed = revoked.remove(roleArn);
        if (removed == null) {
            return false;
        }
        trusted.computeIfAbsent(roleArn, r -> ConcurrentHashMap.newKeySet()).addAll(removed);
        return true;
    }

    /** The next {@code times} calls for {@code roleArn} get AccessDenied even if trusted (IAM propagation delay). */
    public void denyNext(String roleArn, int times) {
        script(roleArn, times, Scripted.failure(403, "AccessDenied", notAuthorized(roleArn)));
    }

    /**
     * The next {@code times} calls for {@code roleArn} fail with {@code httpStatus} and {@code errorCode} (e.g. 500
     * InternalFailure, 400 Throttling). Note that the SDK retries those itself, and every retry counts as a call.
     */
    public void failNext(String roleArn, int times, int httpStatus, String errorCode) {
        script(roleArn, times, Scripted.failure(httpStatus, errorCode, "Scripted failure " + errorCode));
    }

    /** The next {@code times} calls for {@code roleArn} are answered as usual, but only after {@code delay}. */
    public void delayNext(String roleArn, int times, Duration delay) {
        script(roleArn, times, new Scripted(0, null, null, delay));
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

    /** The AssumeRole requests received so far, oldest first: the most recent {@value #RECORDED_CALLS} of them. */
    public List<AssumeRoleCall> calls() {
        return List.copyOf(calls);
    }

    /** Forgets trusted pairs, scripted answers, counts and recorded calls. */
    public void reset() {
        trusted.clear();
        revoked.clear();
        scripted.clear();
        callsPerRole.clear();
        totalCalls.set(0);
        calls.clear();
        recorded.set(0);
        organizations.reset();
    }

    /** Stops the HTTP server. */
    @Override
    public void close() {
        server.stop();
    }

    private void script(String roleArn, int times, Scripted answer) {
        Queue<Scripted> queue = scripted.computeIfAbsent(roleArn, r -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            queue.add(answer);
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
        if (request.getUrl().startsWith(OrganizationsStandIn.ADMIN_PATH)) {
            return organizations.admin(request);
        }
        if (request.getUrl().startsWith("/__onboarding/")) {
            return admin(request);
        }
        if (OrganizationsStandIn.isOrganizationsCall(request)) {
            return organizations.answer(request);
        }
        Map<String, String> form = form(request);
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
        Scripted next = null;
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
        } else if ((next = pollScripted(roleArn)) != null && next.fails()) {
            status = next.httpStatus();
            errorCode = next.errorCode();
            response = error(status, errorCode, next.message());
        } else if (!allows(roleArn, externalId)) {
            status = 403;
            errorCode = "AccessDenied";
            response = error(status, errorCode, notAuthorized(roleArn));
        } else {
            status = 200;
            response = success(roleArn, sessionName, duration == null ? 3600 : duration);
        }
        record(new AssumeRoleCall(roleArn, sessionName, externalId, duration, status, errorCode, Instant.now()));
        if (next != null && !next.delay().isZero()) {
            response = ResponseDefinitionBuilder.like(response).withFixedDelay((int) next.delay().toMillis()).build();
        }
        return response;
    }

    private void record(AssumeRoleCall call) {
        calls.add(call);
        if (recorded.incrementAndGet() > recordLimit && calls.poll() != null) {
            recorded.decrementAndGet();
        }
    }

    /** The admin routes: changes to the trust table from another process. */
    private ResponseDefinition admin(Request request) {
        URI uri = URI.create(request.getUrl());
        String method = request.getMethod().getName();
        if (ADMIN_RESTORE_PATH.equals(uri.getPath()) && "POST".equals(method)) {
            String roleArn = parseForm(uri.getRawQuery()).get("roleArn");
            if (roleArn == null || roleArn.isEmpty()) {
                return adminAnswer(400, "{\"error\":\"roleArn query parameter is required\"}");
            }
            return restore(roleArn)
                    ? adminAnswer(200, JSON.createObjectNode().put("roleArn", roleArn).put("trusted", true).toString())
                    : adminAnswer(404, JSON.createObjectNode().put("error", "role " + roleArn
                            + " was not revoked").toString());
        }
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
            Condition condition;
            try {
                condition = body.hasNonNull("condition") ? Condition.named(body.get("condition").asText())
                        : Condition.STRING_EQUALS;
            } catch (IllegalArgumentException e) {
                return adminAnswer(400, JSON.createObjectNode().put("error", e.getMessage()).toString());
            }
            trust(roleArn, condition, textOrNull(body.get("externalId")));
            return adminAnswer(200, JSON.createObjectNode().put("roleArn", roleArn).put("trusted", true)
                    .put("condition", condition.policyName()).toString());
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

    private Scripted pollScripted(String roleArn) {
        Queue<Scripted> queue = scripted.get(roleArn);
        return queue == null ? null : queue.poll();
    }

    private ResponseDefinition success(String roleArn, String sessionName, int durationSeconds) {
        String expiration = DateTimeFormatter.ISO_INSTANT.format(
                Instant.now().plusSeconds(durationSeconds).truncatedTo(ChronoUnit.SECONDS));
        String account = arnPart(roleArn, 4, "000000000000");
        String resource = arnPart(roleArn, 5, "role/unknown");
        String roleName = resource.substring(resource.lastIndexOf('/') + 1);
        String session = xml(sessionName);
        String requestId = requestId();
        String accessKeyId = "ASIA" + randomToken(16, BASE32);
        organizations.issued(accessKeyId, account);
        // The same shape and size as a real answer, so that the client's parsing costs what it costs against STS.
        String xml = new StringBuilder(1100)
                .append("<AssumeRoleResponse xmlns=\"").append(STS_NS).append("\">\n")
                .append("  <AssumeRoleResult>\n")
                .append("    <AssumedRoleUser>\n")
                .append("      <AssumedRoleId>AROA").append(randomToken(16, BASE32)).append(':').append(session)
                .append("</AssumedRoleId>\n")
                .append("      <Arn>arn:aws:sts::").append(xml(account)).append(":assumed-role/").append(xml(roleName))
                .append('/').append(session).append("</Arn>\n")
                .append("    </AssumedRoleUser>\n")
                .append("    <Credentials>\n")
                .append("      <AccessKeyId>").append(accessKeyId).append("</AccessKeyId>\n")
                .append("      <SecretAccessKey>").append(randomToken(40, BASE64ISH)).append("</SecretAccessKey>\n")
                .append("      <SessionToken>FwoGZXIvYXdzE").append(randomToken(120, BASE64ISH))
                .append("</SessionToken>\n")
                .append("      <Expiration>").append(expiration).append("</Expiration>\n")
                .append("    </Credentials>\n")
                .append("    <PackedPolicySize>0</PackedPolicySize>\n")
                .append("  </AssumeRoleResult>\n")
                .append("  <ResponseMetadata>\n")
                .append("    <RequestId>").append(requestId).append("</RequestId>\n")
                .append("  </ResponseMetadata>\n")
                .append("</AssumeRoleResponse>\n")
                .toString();
        return xmlResponse(200, requestId, xml);
    }

    private static ResponseDefinition error(int status, String code, String message) {
        String type = status >= 500 ? "Receiver" : "Sender";
        String requestId = requestId();
        String xml = "<ErrorResponse xmlns=\"" + STS_NS + "\">\n"
                + "  <Error>\n"
                + "    <Type>" + type + "</Type>\n"
                + "    <Code>" + xml(code) + "</Code>\n"
                + "    <Message>" + xml(message) + "</Message>\n"
                + "  </Error>\n"
                + "  <RequestId>" + requestId + "</RequestId>\n"
                + "</ErrorResponse>\n";
        return xmlResponse(status, requestId, xml);
    }

    private static ResponseDefinition xmlResponse(int status, String requestId, String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        // A length, like STS sends: without it Jetty chunks the answer, which costs the client more to read.
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "text/xml")
                .withHeader("Content-Length", String.valueOf(body.length))
                .withHeader("x-amzn-RequestId", requestId)
                .withBody(body)
                .build();
    }

    /** Random characters for fake credentials: they protect nothing, so no {@code SecureRandom} (it locks). */
    private static String randomToken(int length, String alphabet) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] token = new char[length];
        for (int i = 0; i < length; i++) {
            token[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(token);
    }

    /** A request id shaped like STS's (a UUID), from a cheap random source. */
    private static String requestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String arnPart(String arn, int index, String fallback) {
        String[] parts = arn.split(":", 6);
        return parts.length > index && !parts[index].isEmpty() ? parts[index] : fallback;
    }

    /** The request's form: as WireMock already parsed it for a form content type, else parsed from the body. */
    private static Map<String, String> form(Request request) {
        Map<String, FormParameter> parsed = request.formParameters();
        if (parsed == null || parsed.isEmpty()) {
            return parseForm(request.getBodyAsString());
        }
        Map<String, String> form = new HashMap<>();
        parsed.forEach((name, parameter) -> form.put(name, parameter.firstValue()));
        return form;
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

    /**
     * Answers every request from the stand-in's state before WireMock looks for a stub: there is nothing to match, and
     * skipping the stub machinery (matching, transformer chain) is most of what WireMock itself costs per answer.
     */
    private final class AnswerEveryRequest implements StubRequestFilterV2 {
        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            ResponseDefinition response;
            try {
                response = answer(request);
            } catch (RuntimeException e) {
                LOG.warn("STS stand-in failed to answer", e);
                response = error(500, "InternalFailure", String.valueOf(e));
            }
            return RequestFilterAction.stopWith(response);
        }

        @Override
        public String getName() {
            return "sts-stand-in";
        }
    }

    /**
     * Jetty as WireMock builds it, without Jetty's per-connection cache of header fields. That cache keeps
     * Authorization values for reuse; a SigV4 Authorization differs on every request, so the cache fills within a few
     * requests and is wiped again and again (clearing it cost a fifth of each answer).
     */
    private static final class JettyWithoutHeaderCache extends Jetty11HttpServer {
        JettyWithoutHeaderCache(Options options, AdminRequestHandler admin, StubRequestHandler stubs) {
            super(options, admin, stubs);
        }

        @Override
        protected ServerConnector createHttpConnector(String bindAddress, int port, JettySettings jettySettings,
                NetworkTrafficListener listener) {
            ServerConnector connector = super.createHttpConnector(bindAddress, port, jettySettings, listener);
            for (ConnectionFactory factory : connector.getConnectionFactories()) {
                if (factory instanceof HttpConfiguration.ConnectionFactory http) {
                    http.getHttpConfiguration().setHeaderCacheSize(0);
                }
            }
            return connector;
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
