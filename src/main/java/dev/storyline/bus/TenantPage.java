package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A list about one tenant, at most {@code limit} rows ({@link Paging}): its queue, history or locks. */
public record TenantPage(long tenantId, int limit) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("limit", limit);
    }

    /** @throws IllegalArgumentException when the tenant id is missing or the limit is out of range */
    public static TenantPage fromJson(JsonObject json) {
        return new TenantPage(Json.requiredLong(json, "tenantId"), Paging.limit(json));
    }
}
