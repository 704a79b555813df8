package dev.storyline.tenant;

import dev.storyline.bus.OrchestratorState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The admin view of one tenant: its row plus, when it runs, its scheduler. */
public record TenantOverview(Tenant tenant, OrchestratorState.Scheduler scheduler) {
    public JsonObject toJson() {
        return tenant.toJson()
                .put("active", tenant.active())
                .put("scheduler", scheduler == null ? null : scheduler.toJson());
    }

    public static TenantOverview fromJson(JsonObject json) {
        JsonObject scheduler = json.getJsonObject("scheduler");
        return new TenantOverview(Tenant.fromJson(json), scheduler == null ? null : OrchestratorState.Scheduler.fromJson(scheduler));
    }

    /** Every tenant, as {@code admin.tenants} answers ({@code {"tenants": [...], "count": n}}). */
    public record Page(List<TenantOverview> tenants) {
        public JsonObject toJson() {
            return new JsonObject().put("tenants", new JsonArray(tenants.stream().map(TenantOverview::toJson).toList()))
                    .put("count", tenants.size());
        }

        public static Page fromJson(JsonObject json) {
            return new Page(json.getJsonArray("tenants", new JsonArray()).stream().map(o -> TenantOverview.fromJson((JsonObject) o)).toList());
        }
    }
}
