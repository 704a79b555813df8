package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A tenant row changed; the orchestrator re-reads that tenant (and deploys, redeploys or undeploys). */
public record TenantChanged(long tenantId, String reason) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("reason", reason);
    }

    public static TenantChanged fromJson(JsonObject json) {
        return new TenantChanged(json.getLong("tenantId"), json.getString("reason", ""));
    }
}
