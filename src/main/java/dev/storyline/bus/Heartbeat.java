package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A tenant scheduler is alive. {@code deploymentId} tells beats of a replaced deployment apart;
 * {@code nextSlotAt} is null while nothing is planned.
 */
public record Heartbeat(long tenantId, String deploymentId, Instant at, Instant nextSlotAt) {
    public JsonObject toJson() {
        return new JsonObject()
                .put("tenantId", tenantId)
                .put("deploymentId", deploymentId)
                .put("at", at)
                .put("nextSlotAt", nextSlotAt);
    }

    public static Heartbeat fromJson(JsonObject json) {
        return new Heartbeat(json.getLong("tenantId"), json.getString("deploymentId"),
                json.getInstant("at"), json.getInstant("nextSlotAt"));
    }
}
