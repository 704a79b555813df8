package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** Lift an image's locks ({@link Addresses#ADMIN_LOCK_REMOVE}). */
public record LockRemoval(long tenantId, long mediaItemId) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("mediaItemId", mediaItemId);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static LockRemoval fromJson(JsonObject json) {
        return new LockRemoval(Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "mediaItemId"));
    }

    /** The answer: which locks (by reason) were lifted. */
    public record Removed(long mediaItemId, java.util.List<String> removed) {
        public JsonObject toJson() {
            return new JsonObject().put("mediaItemId", mediaItemId).put("removed", new io.vertx.core.json.JsonArray(removed));
        }

        public static Removed fromJson(JsonObject json) {
            return new Removed(Json.requiredLong(json, "mediaItemId"),
                    json.getJsonArray("removed", new io.vertx.core.json.JsonArray()).stream().map(String::valueOf).toList());
        }
    }
}
