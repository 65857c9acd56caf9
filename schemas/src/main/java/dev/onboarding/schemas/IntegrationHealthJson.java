package dev.onboarding.schemas;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.contract.DeniedJobType;
import dev.onboarding.contract.IntegrationHealth;
import java.time.Instant;

/**
 * The JSON form of an integration's health, alike wherever a state is shown (the processor's query endpoint, the
 * API): {@code "health": {"status", "reason", "deniedJobTypes": [{"resourceType", "action", "grantedByTemplate",
 * "deniedAt"}], "since", "lastCheckedAt"}}, or {@code "health": null} until a connected integration was checked.
 */
public final class IntegrationHealthJson {
    private IntegrationHealthJson() {
    }

    /** Puts {@code "health"} into {@code state}. */
    public static void put(ObjectNode state, IntegrationHealth health) {
        if (health == null) {
            state.putNull("health");
            return;
        }
        ObjectNode node = state.putObject("health")
                .put("status", health.getStatus().name())
                .put("reason", health.getReason());
        ArrayNode denied = node.putArray("deniedJobTypes");
        for (DeniedJobType type : health.getDeniedJobTypes()) {
            denied.addObject()
                    .put("resourceType", type.getResourceType())
                    .put("action", type.getAction())
                    .put("grantedByTemplate", type.getGrantedByTemplate())
                    .put("deniedAt", time(type.getDeniedAt()));
        }
        node.put("since", time(health.getSince()))
                .put("lastCheckedAt", time(health.getLastCheckedAt()));
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
