package dev.onboarding.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The onboarding page at {@code /}: plain HTML, CSS and JavaScript modules from the API's resources, held in memory
 * and served with a strict Content-Security-Policy (scripts, styles and images from this origin only, no framing),
 * plus {@code /page/config.json}, which tells the page where its token comes from.
 */
final class OnboardingPage {
    /** The page's files under {@code /page/}, with their content types. */
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "events.js", "text/javascript; charset=utf-8",
            "local.js", "text/javascript; charset=utf-8",
            "progress.js", "text/javascript; charset=utf-8",
            "view.js", "text/javascript; charset=utf-8",
            "page.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private final Map<String, Buffer> files = new LinkedHashMap<>();
    private final Buffer index;
    private final Buffer config;
    private final String contentSecurityPolicy;

    OnboardingPage(PageConfig page, List<Map<String, Object>> extensionSettings) {
        ASSETS.keySet().forEach(name -> files.put(name, read(name)));
        this.index = read("index.html");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("tokenEndpoint", page.tokenEndpoint().map(Object::toString).orElse(null));
        settings.put("openQuickCreate", page.openQuickCreate());
        settings.put("local", null);
        extensionSettings.forEach(settings::putAll);
        try {
            this.config = Buffer.buffer(new ObjectMapper().writeValueAsBytes(settings));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the page's configuration", e);
        }
        this.contentSecurityPolicy = contentSecurityPolicy(page);
    }

    /** The policy every response carries: nothing but this origin, never in a frame. */
    static String contentSecurityPolicy(PageConfig page) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'"
                + page.extraConnectOrigin().map(origin -> " " + origin).orElse("")
                + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** Adds the security headers to every response and the page's routes to {@code router}. */
    void addTo(Router router) {
        router.get("/").handler(ctx -> send(ctx, "text/html; charset=utf-8", index));
        router.get("/page/config.json").handler(ctx -> send(ctx, "application/json", config));
        router.get("/page/:file").handler(ctx -> {
            String name = ctx.pathParam("file");
            Buffer file = files.get(name);
            if (file == null) {
                ctx.next();
                return;
            }
            send(ctx, ASSETS.get(name), file);
        });
    }

    /** The headers every answer of the API carries (the page's and the JSON alike). */
    void secure(HttpServerResponse response) {
        response.putHeader("Content-Security-Policy", contentSecurityPolicy)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer");
    }

    private static void send(RoutingContext ctx, String contentType, Buffer body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(body);
    }

    private static Buffer read(String name) {
        try (InputStream in = OnboardingPage.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + name + " is missing from the API's resources");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
