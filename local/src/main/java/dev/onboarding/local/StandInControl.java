package dev.onboarding.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.embedded.OrganizationsStandIn;
import dev.onboarding.embedded.StsStandIn;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives the local stand-ins of AWS from another process, through their loopback admin routes: the STS
 * stand-in's trust table (the IAM roles customers' stacks create) and its accounts' organizations, and the S3
 * stand-in's record of the answers PUT to ResponseURLs (what CloudFormation sees).
 */
final class StandInControl {
    /**
     * One request the S3 stand-in received.
     *
     * @param method the HTTP method
     * @param path the raw path
     * @param body the body as text
     * @param receivedAt when it arrived
     * @param status the HTTP status the stand-in answered
     */
    record ReceivedRequest(String method, String path, String body, Instant receivedAt, int status) {
        /** Whether the answer reached CloudFormation (a 2xx); a PUT during an S3 outage did not. */
        boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI sts;
    private final URI s3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Control of the stand-ins at these endpoints. */
    StandInControl(URI stsEndpoint, URI s3Endpoint) {
        this.sts = stsEndpoint;
        this.s3 = s3Endpoint;
    }

    /** Creates (or extends) the role {@code roleArn} so that it trusts the provider with {@code externalId}. */
    void trustRole(String roleArn, String externalId) {
        trustRole(roleArn, "StringEquals", externalId);
    }

    /**
     * Adds a statement to the trust policy of role {@code roleArn}: the provider, with the {@code sts:ExternalId}
     * {@code condition} ({@code StringEquals}, {@code StringLike}, {@code StringEqualsIfExists}, or {@code None})
     * on {@code externalId}.
     */
    void trustRole(String roleArn, String condition, String externalId) {
        String body = JSON.createObjectNode().put("roleArn", roleArn).put("externalId", externalId)
                .put("condition", condition).toString();
        HttpRequest request = HttpRequest.newBuilder(sts.resolve("/__onboarding/roles")).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = send(request, "the STS stand-in");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the STS stand-in refused to create role " + roleArn + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
    }

    /** Puts {@code accountId} in organization {@code organizationId}, as the Organizations stand-in answers it. */
    void joinOrganization(String accountId, String organizationId) {
        String body = JSON.createObjectNode().put("accountId", accountId).put("organizationId", organizationId)
                .toString();
        HttpRequest request = HttpRequest.newBuilder(sts.resolve(OrganizationsStandIn.ADMIN_PATH)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = send(request, "the STS stand-in");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the STS stand-in refused to put account " + accountId + " in "
                    + organizationId + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** Revokes role {@code roleArn} in the STS stand-in: AssumeRole is denied (its trust policy is kept aside). */
    void revokeRole(String roleArn) {
        HttpRequest request = HttpRequest.newBuilder(sts.resolve(StsStandIn.ADMIN_ROLES_PATH + "?roleArn="
                + URLEncoder.encode(roleArn, StandardCharsets.UTF_8))).timeout(TIMEOUT).DELETE().build();
        HttpResponse<String> response = send(request, "the STS stand-in");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the STS stand-in refused to revoke role " + roleArn + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Restores role {@code roleArn} in the STS stand-in with the trust policy {@link #revokeRole} set aside.
     *
     * @return false when the role was not revoked
     */
    boolean restoreRole(String roleArn) {
        HttpRequest request = HttpRequest.newBuilder(sts.resolve(StsStandIn.ADMIN_RESTORE_PATH + "?roleArn="
                + URLEncoder.encode(roleArn, StandardCharsets.UTF_8))).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = send(request, "the STS stand-in");
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the STS stand-in refused to restore role " + roleArn + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        return true;
    }

    /** The requests the S3 stand-in received whose decoded path contains {@code text}, oldest first. */
    List<ReceivedRequest> responsesContaining(String text) {
        URI uri = s3.resolve("/__onboarding/requests?contains=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                "the S3 stand-in");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the S3 stand-in did not list its requests: HTTP "
                    + response.statusCode());
        }
        try {
            List<ReceivedRequest> out = new ArrayList<>();
            for (JsonNode node : JSON.readTree(response.body())) {
                out.add(new ReceivedRequest(node.path("method").asText(), node.path("path").asText(),
                        node.path("body").asText(""), Instant.parse(node.path("receivedAt").asText()),
                        node.path("status").asInt(200)));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the S3 stand-in's request list is not readable: " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + what + " at " + request.uri().getScheme() + "://"
                    + request.uri().getAuthority() + " (is `onboarding local` still running?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to " + what);
        }
    }
}
