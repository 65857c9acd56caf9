package dev.onboarding.bridge;

import dev.onboarding.schemas.ExternalIds;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * The MDC fields of the log lines about one CloudFormation request, for as long as it is open:
 * {@code requestId}, {@code integrationId} where known, and {@code externalId} redacted (never in full).
 * Open it with try-with-resources on the thread that logs; it removes exactly what it put.
 */
public final class RequestLogContext implements AutoCloseable {
    private final List<String> keys = new ArrayList<>(3);

    private RequestLogContext() {
    }

    /** Puts the fields that are not null; {@code externalId} goes in redacted. */
    public static RequestLogContext of(String requestId, String integrationId, String externalId) {
        RequestLogContext context = new RequestLogContext();
        context.put("requestId", requestId);
        context.put("integrationId", integrationId);
        context.put("externalId", externalId == null ? null : ExternalIds.redact(externalId));
        return context;
    }

    private void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
            keys.add(key);
        }
    }

    @Override
    public void close() {
        keys.forEach(MDC::remove);
    }
}
