package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A list request that belongs to no tenant, at most {@code limit} rows ({@link Paging}). */
public record Page(int limit) {
    public JsonObject toJson() {
        return new JsonObject().put("limit", limit);
    }

    public static Page fromJson(JsonObject json) {
        return new Page(Paging.limit(json));
    }
}
