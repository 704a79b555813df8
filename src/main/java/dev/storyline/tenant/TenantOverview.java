package dev.storyline.tenant;

import dev.storyline.bus.OrchestratorState;
import io.vertx.core.json.JsonObject;

/** The admin view of one tenant: its row plus, when it runs, its scheduler. */
public record TenantOverview(Tenant tenant, OrchestratorState.Scheduler scheduler) {
    public JsonObject toJson() {
        return tenant.toJson()
                .put("active", tenant.active())
                .put("scheduler", scheduler == null ? null : scheduler.toJson());
    }
}
