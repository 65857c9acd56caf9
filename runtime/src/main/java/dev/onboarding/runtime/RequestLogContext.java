package dev.onboarding.runtime;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * The MDC fields of the log lines about one CloudFormation request or integration, for as long as it is
 * open: {@code requestId}, {@code integrationId} and {@code externalId}, each where known. Every app uses it,
 * so the fields are named alike everywhere. Open it with try-with-resources on the thread that logs; it
 * removes exactly what it put.
 */
public final class RequestLogContext implements AutoCloseable {
    private final List<String> keys = new ArrayList<>(3);

    private RequestLogContext() {
    }

    /**
     * Puts the fields that are not null. {@code redactedExternalId} must already be redacted
     * ({@code ExternalIds.redact}): an external ID never reaches a log in full.
     */
    public static RequestLogContext of(String requestId, String integrationId, String redactedExternalId) {
        RequestLogContext context = new RequestLogContext();
        context.put("requestId", requestId);
        context.put("integrationId", integrationId);
        context.put("externalId", redactedExternalId);
        return context;
    }

    /** Adds {@code integrationId} once it is known (no-op for null). */
    public RequestLogContext integration(String integrationId) {
        if (integrationId != null && !keys.contains("integrationId")) {
            put("integrationId", integrationId);
        }
        return this;
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
