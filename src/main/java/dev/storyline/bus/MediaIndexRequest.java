package dev.storyline.bus;

import dev.storyline.run.Trigger;
import io.vertx.core.json.JsonObject;

/** Index a tenant's library ({@code dir} null: its folder and uploads), on behalf of {@code userId} if known. */
public record MediaIndexRequest(long tenantId, String dir, Trigger trigger, Long userId) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("dir", dir).put("trigger", trigger.wire()).put("userId", userId);
    }

    /** @throws IllegalArgumentException when the tenant id or the trigger is missing */
    public static MediaIndexRequest fromJson(JsonObject json) {
        if (json == null || !(json.getValue("tenantId") instanceof Number)) {
            throw new IllegalArgumentException("an index request needs a tenantId");
        }
        Trigger trigger = Trigger.fromWire(json.getString("trigger", Trigger.SYSTEM.wire()))
                .orElseThrow(() -> new IllegalArgumentException("unknown trigger " + json.getString("trigger")));
        return new MediaIndexRequest(json.getLong("tenantId"), json.getString("dir"), trigger, json.getLong("userId"));
    }
}
