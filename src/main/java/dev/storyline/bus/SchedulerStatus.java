package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** A tenant scheduler's answer to {@code status}. */
public record SchedulerStatus(long tenantId, String deploymentId, long settingsVersion, Instant startedAt,
                              Instant lastHeartbeatAt, Instant nextSlotAt) {
    public JsonObject toJson() {
        return new JsonObject()
                .put("tenantId", tenantId)
                .put("deploymentId", deploymentId)
                .put("settingsVersion", settingsVersion)
                .put("startedAt", startedAt)
                .put("lastHeartbeatAt", lastHeartbeatAt)
                .put("nextSlotAt", nextSlotAt);
    }

    public static SchedulerStatus fromJson(JsonObject json) {
        return new SchedulerStatus(json.getLong("tenantId"), json.getString("deploymentId"),
                json.getLong("settingsVersion", 0L), json.getInstant("startedAt"),
                json.getInstant("lastHeartbeatAt"), json.getInstant("nextSlotAt"));
    }
}
