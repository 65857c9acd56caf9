package dev.onboarding.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.api.ApiApp;
import dev.onboarding.api.ApiExtension;
import dev.onboarding.api.auth.Caller;
import dev.onboarding.api.auth.InvalidToken;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.embedded.DevTokenIssuer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * The local sandbox's part of the onboarding page, added to the local API (which listens on loopback only): the
 * Tenant picker's dev tokens ({@code POST /local/token}) and "Simulate the stack here"
 * ({@code POST /local/integrations/{id}/simulate-stack}, what {@code simulate launch-stack} does for that
 * integration). Never in the production jar. No CORS: only the page itself may call them, so every request must
 * come from loopback, name a loopback {@code Host} with the API's port (a DNS-rebinding page names its own), carry
 * JSON (a cross-site form cannot) and, when the browser says where it comes from, come from this origin.
 */
final class SandboxPageRoutes implements ApiExtension {
    /** The tenants the picker offers. */
    static final List<String> TENANTS = List.of("acme", "globex", "initech");
    /** The account the simulated stack runs in unless the page says otherwise. */
    static final String DEFAULT_ACCOUNT = "123456789012";
    /** How long a dev token from the picker is valid. */
    static final Duration TOKEN_TTL = Duration.ofHours(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    private final DevTokenIssuer issuer;
    private final SimulatedCloudFormation cloudFormation;
    private final List<String> regions;
    private ApiApp api;

    SandboxPageRoutes(DevTokenIssuer issuer, SimulatedCloudFormation cloudFormation, List<String> regions) {
        this.issuer = issuer;
        this.cloudFormation = cloudFormation;
        this.regions = List.copyOf(regions);
    }

    @Override
    public void addRoutes(Router router, ApiApp api) {
        this.api = api;
        BodyHandler body = BodyHandler.create(false).setBodyLimit(4096);
        router.route("/local/*").handler(this::onlyThePageItself);
        router.post("/local/token").handler(body).handler(this::token);
        router.post("/local/integrations/:id/simulate-stack").handler(body).handler(this::simulate);
    }

    @Override
    public Map<String, Object> pageSettings() {
        Map<String, Object> local = new LinkedHashMap<>();
        local.put("tenants", TENANTS);
        local.put("regions", regions);
        local.put("account", DEFAULT_ACCOUNT);
        local.put("tokenPath", "/local/token");
        local.put("simulatePath", "/local/integrations/{id}/simulate-stack");
        return Map.of("local", local, "openQuickCreate", false);
    }

    /** Refuses what is not the page on this machine (see the class comment). */
    private void onlyThePageItself(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String host = Optional.ofNullable(request.getHeader(HttpHeaders.HOST)).orElse("").toLowerCase(Locale.ROOT);
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        String site = request.getHeader("Sec-Fetch-Site");
        String contentType = Optional.ofNullable(request.getHeader(HttpHeaders.CONTENT_TYPE)).orElse("");
        if (!isLoopback(request.remoteAddress().hostAddress())) {
            refuse(ctx, "the sandbox's routes answer this machine only");
        } else if (!isLoopbackHost(host)) {
            refuse(ctx, "the Host header must name this machine (127.0.0.1, localhost or [::1]) with the API's port");
        } else if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            refuse(ctx, "only the page served here may call the sandbox's routes");
        } else if (site != null && !site.equals("same-origin")) {
            refuse(ctx, "only the page served here may call the sandbox's routes");
        } else if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            answer(ctx, 415, problem("send a JSON body (Content-Type: application/json)"));
        } else {
            ctx.next();
        }
    }

    private boolean isLoopbackHost(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        String name = host.substring(0, colon);
        String port = host.substring(colon + 1);
        return LOOPBACK_HOSTS.contains(name) && port.equals(Integer.toString(api.port().orElse(-1)));
    }

    private static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code {"tenant": "acme"}} to {@code {"accessToken": ..., "expiresAt": ..., "tenant": ...}}. */
    private void token(RoutingContext ctx) {
        JsonNode body = json(ctx);
        String tenant = body == null ? "" : body.path("tenant").asText("");
        if (!TENANT.matcher(tenant).matches()) {
            answer(ctx, 400, problem("tenant must be 1-63 lowercase letters, digits and dashes").put("field",
                    "tenant"));
            return;
        }
        blocking(ctx, () -> {
            ObjectNode out = JSON.createObjectNode();
            out.put("tenant", tenant);
            out.put("accessToken", issuer.mint(tenant, DevTokenIssuer.ALL_SCOPES, TOKEN_TTL));
            out.put("expiresAt", Instant.now().plus(TOKEN_TTL).toString());
            return new Answer(200, out);
        });
    }

    /** Launches the simulated stack of the caller's PENDING integration. */
    private void simulate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        JsonNode body = json(ctx);
        String account = body == null ? "" : body.path("accountId").asText(DEFAULT_ACCOUNT);
        String region = body == null ? "" : body.path("region").asText(regions.get(0));
        if (!ACCOUNT.matcher(account).matches()) {
            answer(ctx, 400, problem("accountId must be 12 digits").put("field", "accountId"));
            return;
        }
        if (!regions.contains(region)) {
            answer(ctx, 400, problem("region must be one of the local run's regions: " + regions).put("field",
                    "region"));
            return;
        }
        blocking(ctx, () -> {
            Caller caller;
            try {
                caller = api.authenticate(authorization);
            } catch (InvalidToken e) {
                return new Answer(401, problem(e.getMessage()));
            }
            Optional<Integration> found = api.replica().flatMap(copy -> copy.get(id))
                    .filter(state -> state.getTenantId().equals(caller.tenantId()));
            if (found.isEmpty()) {
                return new Answer(404, problem("integration " + id + " does not exist"));
            }
            Integration integration = found.get();
            if (integration.getStatus() != IntegrationStatus.PENDING) {
                return new Answer(409, problem("only a PENDING integration waits for a stack; this one is "
                        + integration.getStatus()));
            }
            SimulatedCloudFormation.Launched launched = cloudFormation.launch(StackLaunch.create(
                    integration.getExternalId(), account, region, integration.getRoleName()));
            ObjectNode out = JSON.createObjectNode();
            out.put("requestId", launched.requestId());
            out.put("stackId", launched.stackId());
            return new Answer(202, out);
        });
    }

    private record Answer(int status, ObjectNode body) {
    }

    private void blocking(RoutingContext ctx, Callable<Answer> work) {
        ctx.vertx().executeBlocking(work, false).onComplete(done -> {
            if (done.succeeded()) {
                answer(ctx, done.result().status(), done.result().body());
            } else {
                answer(ctx, 500, problem("the sandbox failed: " + done.cause().getMessage()));
            }
        });
    }

    private static JsonNode json(RoutingContext ctx) {
        try {
            return ctx.body().buffer() == null ? null : JSON.readTree(ctx.body().buffer().getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    private static void refuse(RoutingContext ctx, String detail) {
        answer(ctx, 403, problem(detail));
    }

    private static ObjectNode problem(String detail) {
        ObjectNode out = JSON.createObjectNode();
        out.put("title", "Sandbox request refused");
        out.put("detail", detail);
        return out;
    }

    private static void answer(RoutingContext ctx, int status, ObjectNode body) {
        if (!ctx.response().ended()) {
            body.put("status", status);
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader(HttpHeaders.CONTENT_TYPE, status >= 400 ? "application/problem+json"
                            : "application/json").end(body.toString());
        }
    }
}
