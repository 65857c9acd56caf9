package dev.onboarding.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS Organizations side of the {@link StsStandIn}, on its port: {@code DescribeOrganization} (JSON 1.1, SigV4) as
 * the SDK's {@code OrganizationsClient} sends it, answered for the account whose role the caller assumed. The caller is
 * known by the access key in its signature, which must be one that the STS stand-in issued: a call with any other
 * credentials (the provider's own, say) gets {@code UnrecognizedClientException}, as real AWS answers an unknown key.
 * Each simulated account belongs to the organization set for it ({@link #join}), or to none
 * ({@code AWSOrganizationsNotInUseException}).
 *
 * <p>Admin route for other processes: {@code POST /__onboarding/organizations} with
 * {@code {"accountId": "...", "organizationId": "o-..."}} puts an account in an organization,
 * {@code DELETE /__onboarding/organizations?accountId=...} takes it out.
 */
public final class OrganizationsStandIn {
    /** Path of the admin route that sets (POST) and clears (DELETE) an account's organization. */
    public static final String ADMIN_PATH = "/__onboarding/organizations";
    /** The {@code X-Amz-Target} prefix of the Organizations API. */
    static final String TARGET_PREFIX = "AWSOrganizationsV20161128.";
    /** Issued session keys remembered; the oldest are forgotten first (a verification uses its key at once). */
    private static final int REMEMBERED_KEYS = 100_000;
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> organizationOfAccount = new ConcurrentHashMap<>();
    private final Map<String, String> accountOfKey = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > REMEMBERED_KEYS;
                }
            });
    private final Map<String, AtomicInteger> callsPerAccount = new ConcurrentHashMap<>();
    private final AtomicInteger totalCalls = new AtomicInteger();

    OrganizationsStandIn() {
    }

    /** Puts {@code accountId} in {@code organizationId} (moving it out of any other). */
    public void join(String accountId, String organizationId) {
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("an account id is 12 digits");
        }
        if (!ORGANIZATION_ID.matcher(organizationId).matches()) {
            throw new IllegalArgumentException("an organization id is o- and 10 to 32 lowercase letters or digits");
        }
        organizationOfAccount.put(accountId, organizationId);
    }

    /** Takes {@code accountId} out of its organization: DescribeOrganization then answers it is in none. */
    public void leave(String accountId) {
        organizationOfAccount.remove(accountId);
    }

    /** The organization {@code accountId} belongs to, if any. */
    public Optional<String> organizationOf(String accountId) {
        return Optional.ofNullable(organizationOfAccount.get(accountId));
    }

    /** DescribeOrganization calls received for {@code accountId} (by the credentials of one of its roles). */
    public int describeOrganizationCalls(String accountId) {
        AtomicInteger count = callsPerAccount.get(accountId);
        return count == null ? 0 : count.get();
    }

    /** DescribeOrganization calls received in total, unrecognized callers included. */
    public int describeOrganizationCalls() {
        return totalCalls.get();
    }

    void reset() {
        organizationOfAccount.clear();
        accountOfKey.clear();
        callsPerAccount.clear();
        totalCalls.set(0);
    }

    /** Remembers that the STS stand-in issued {@code accessKeyId} for a role of {@code accountId}. */
    void issued(String accessKeyId, String accountId) {
        accountOfKey.put(accessKeyId, accountId);
    }

    static boolean isOrganizationsCall(Request request) {
        String target = request.getHeader("X-Amz-Target");
        return target != null && target.startsWith(TARGET_PREFIX);
    }

    ResponseDefinition answer(Request request) {
        String operation = request.getHeader("X-Amz-Target").substring(TARGET_PREFIX.length());
        if (!"DescribeOrganization".equals(operation)) {
            return error(400, "UnknownOperationException", "the stand-in answers DescribeOrganization only");
        }
        totalCalls.incrementAndGet();
        Matcher credential = CREDENTIAL.matcher(Optional.ofNullable(request.getHeader("Authorization")).orElse(""));
        String account = credential.find() ? accountOfKey.get(credential.group(1)) : null;
        if (account == null) {
            return error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        callsPerAccount.computeIfAbsent(account, a -> new AtomicInteger()).incrementAndGet();
        String organization = organizationOfAccount.get(account);
        if (organization == null) {
            return error(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
        }
        String management = managementAccount(organization);
        ObjectNode body = JSON.createObjectNode();
        body.putObject("Organization")
                .put("Id", organization)
                .put("Arn", "arn:aws:organizations::" + management + ":organization/" + organization)
                .put("FeatureSet", "ALL")
                .put("MasterAccountArn", "arn:aws:organizations::" + management + ":account/" + organization + "/"
                        + management)
                .put("MasterAccountId", management)
                .put("MasterAccountEmail", "management@example.com")
                .putArray("AvailablePolicyTypes");
        return new ResponseDefinitionBuilder()
                .withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(body.toString())
                .build();
    }

    /** The admin route: sets or clears an account's organization from another process. */
    ResponseDefinition admin(Request request) {
        URI uri = URI.create(request.getUrl());
        String method = request.getMethod().getName();
        if ("POST".equals(method)) {
            JsonNode body;
            try {
                body = JSON.readTree(request.getBodyAsString());
            } catch (Exception e) {
                return adminError(400, "body is not JSON");
            }
            String account = body == null ? null : body.path("accountId").asText(null);
            String organization = body == null ? null : body.path("organizationId").asText(null);
            if (account == null || organization == null) {
                return adminError(400, "accountId and organizationId are required");
            }
            try {
                join(account, organization);
            } catch (IllegalArgumentException e) {
                return adminError(400, e.getMessage());
            }
            return json(200, JSON.createObjectNode().put("accountId", account).put("organizationId", organization)
                    .toString());
        }
        if ("DELETE".equals(method)) {
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            String account = null;
            for (String pair : query.split("&")) {
                if (pair.startsWith("accountId=")) {
                    account = URLDecoder.decode(pair.substring("accountId=".length()), StandardCharsets.UTF_8);
                }
            }
            if (account == null || account.isEmpty()) {
                return adminError(400, "accountId query parameter is required");
            }
            leave(account);
            return json(200, JSON.createObjectNode().put("accountId", account).putNull("organizationId").toString());
        }
        return adminError(405, "use POST or DELETE");
    }

    /** A stable made-up management account for an organization (never one of the simulated members). */
    private static String managementAccount(String organization) {
        return String.format("9%011d", Math.floorMod((long) organization.hashCode(), 100_000_000_000L));
    }

    private static ResponseDefinition error(int status, String code, String message) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-ErrorType", code)
                .withBody(JSON.createObjectNode().put("__type", code).put("Message", message).toString())
                .build();
    }

    private static ResponseDefinition json(int status, String body) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build();
    }

    private static ResponseDefinition adminError(int status, String message) {
        return json(status, JSON.createObjectNode().put("error", message).toString());
    }
}
