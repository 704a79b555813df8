package dev.storyline.tenant;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.OrchestratorState;
import dev.storyline.http.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Healthy when every deployed scheduler beat within its timeout; asks the orchestrator over the bus. */
public final class SchedulerHealthCheck implements HealthCheck {
    private final EventBusClient bus;

    public SchedulerHealthCheck(EventBusClient bus) {
        this.bus = bus;
    }

    @Override
    public String name() {
        return "schedulers";
    }

    @Override
    public Future<Result> check() {
        return bus.orchestratorSummary().map(SchedulerHealthCheck::judge);
    }

    static Result judge(OrchestratorState state) {
        JsonArray silent = new JsonArray();
        state.unhealthy().forEach(s -> silent.add(s.tenantId()));
        JsonObject data = new JsonObject().put("deployed", state.deployed()).put("silent", silent)
                .put("restartsTotal", state.restartsTotal());
        if (!silent.isEmpty()) {
            return Result.down(silent.size() + " of " + state.deployed() + " schedulers silent past "
                    + state.heartbeatTimeout().toSeconds() + " s", data);
        }
        return Result.up(state.deployed() + " schedulers beating", data);
    }
}
