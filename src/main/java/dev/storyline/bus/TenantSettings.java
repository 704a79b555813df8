package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * Change a tenant's settings ({@link Addresses#ADMIN_TENANT_SETTINGS}): {@code settings} is the admin
 * API's patch ({@code postsPerDay}, {@code hours}, {@code timezone}, {@code dryRun}, {@code instagram}),
 * validated by the orchestrator with the chat's own rules.
 */
public record TenantSettings(long tenantId, JsonObject settings) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("settings", settings);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static TenantSettings fromJson(JsonObject json) {
        if (!(json.getValue("settings") instanceof JsonObject settings)) {
            throw new IllegalArgumentException("the message needs an object 'settings'");
        }
        return new TenantSettings(Json.requiredLong(json, "tenantId"), settings);
    }
}
