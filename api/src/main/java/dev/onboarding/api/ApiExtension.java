package dev.onboarding.api;

import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Routes another module adds to the API's HTTP server, and what it tells the onboarding page. The local sandbox adds
 * its Tenant picker and "Simulate the stack here" this way; the production jar has no extension. Register with
 * {@link ApiApp#extend} before {@link ApiApp#start}.
 */
public interface ApiExtension {
    /** Adds routes to the API's router, before the server listens. */
    void addRoutes(Router router, ApiApp api);

    /** Members added to the page's configuration ({@code /page/config.json}). */
    Map<String, Object> pageSettings();
}
