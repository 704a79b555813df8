package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * The admin lists of tenants and of their schedulers, a page at a time: at most {@code limit} ({@link Paging}), in chat
 * id order, those after {@code after} (null: from the first). A hundred thousand tenants are never one answer.
 */
public record TenantList(int limit, Long after) {
    public JsonObject toJson() {
        return new JsonObject().put("limit", limit).put("after", after);
    }

    public static TenantList fromJson(JsonObject json) {
        return new TenantList(Paging.limit(json), json.getLong("after"));
    }
}
