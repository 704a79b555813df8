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

    /**
     * A page of tenants, as {@code admin.tenants} answers: {@code {"tenants": [...], "count": n, "total": all, "next": id}},
     * {@code next} the {@code after} of the following page, null on the last.
     */
    public record Page(List<TenantOverview> tenants, long total, Long next) {
        public JsonObject toJson() {
            return new JsonObject().put("tenants", new JsonArray(tenants.stream().map(TenantOverview::toJson).toList()))
                    .put("count", tenants.size()).put("total", total).put("next", next);
        }

        public static Page fromJson(JsonObject json) {
            return new Page(json.getJsonArray("tenants", new JsonArray()).stream().map(o -> TenantOverview.fromJson((JsonObject) o)).toList(),
                    json.getLong("total", 0L), json.getLong("next"));
        }
    }
}
