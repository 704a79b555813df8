package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A request about one tenant and nothing else ({@code posting.next}, {@code admin.tenant}, {@code instagram.status}, ...). */
public record TenantRequest(long tenantId) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId);
    }

    /** @throws IllegalArgumentException when the tenant id is missing */
    public static TenantRequest fromJson(JsonObject json) {
        return new TenantRequest(Json.requiredLong(json, "tenantId"));
    }
}
