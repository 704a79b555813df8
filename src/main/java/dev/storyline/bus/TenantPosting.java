package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** Pause ({@code paused} true) or resume posting for a tenant ({@link Addresses#ADMIN_TENANT_POSTING}). */
public record TenantPosting(long tenantId, boolean paused) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("paused", paused);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static TenantPosting fromJson(JsonObject json) {
        if (!(json.getValue("paused") instanceof Boolean paused)) {
            throw new IllegalArgumentException("the message needs a boolean 'paused'");
        }
        return new TenantPosting(Json.requiredLong(json, "tenantId"), paused);
    }
}
