package dev.storyline.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the orchestrator knows: deployed schedulers, their last heartbeats and restarts. {@code schedulers} lists a page
 * of the deployed ones (the admin view, {@link TenantList}), or in a summary ({@link #summaryRequest()}, what {@code /health} asks for: 100,000 entries would cost the orchestrator's
 * event loop a second) only the unhealthy ones.
 */
public record OrchestratorState(
        Instant lastDiscoveryAt,
        long lastDiscoveryMillis,
        Duration heartbeatTimeout,
        long restartsTotal,
        int deployed,
        List<Scheduler> schedulers) {
    /** The request for a summary: counts, and only the unhealthy schedulers listed. */
    public static JsonObject summaryRequest() {
        return new JsonObject().put("schedulers", "unhealthy");
    }

    /** Whether a request asks for the summary. */
    public static boolean summary(JsonObject request) {
        return request != null && "unhealthy".equals(request.getString("schedulers"));
    }


    /** One deployed scheduler. {@code healthy} = it beat (or was deployed) within the timeout. */
    public record Scheduler(long tenantId, String deploymentId, Instant deployedAt, Instant lastHeartbeatAt,
                            Instant nextSlotAt, int restarts, boolean healthy) {
        public JsonObject toJson() {
            return new JsonObject()
                    .put("tenantId", tenantId)
                    .put("deploymentId", deploymentId)
                    .put("deployedAt", deployedAt)
                    .put("lastHeartbeatAt", lastHeartbeatAt)
                    .put("nextSlotAt", nextSlotAt)
                    .put("restarts", restarts)
                    .put("healthy", healthy);
        }

        public static Scheduler fromJson(JsonObject json) {
            return new Scheduler(json.getLong("tenantId"), json.getString("deploymentId"), json.getInstant("deployedAt"),
                    json.getInstant("lastHeartbeatAt"), json.getInstant("nextSlotAt"), json.getInteger("restarts", 0),
                    json.getBoolean("healthy", false));
        }
    }

    public List<Scheduler> unhealthy() {
        return schedulers.stream().filter(s -> !s.healthy()).toList();
    }

    public JsonObject toJson() {
        JsonArray list = new JsonArray();
        schedulers.forEach(s -> list.add(s.toJson()));
        return new JsonObject()
                .put("deployed", deployed())
                .put("unhealthy", unhealthy().size())
                .put("restartsTotal", restartsTotal)
                .put("heartbeatTimeoutSeconds", heartbeatTimeout.toMillis() / 1000.0)
                .put("lastDiscoveryAt", lastDiscoveryAt)
                .put("lastDiscoveryMillis", lastDiscoveryMillis)
                .put("schedulers", list);
    }

    public static OrchestratorState fromJson(JsonObject json) {
        List<Scheduler> schedulers = json.getJsonArray("schedulers", new JsonArray()).stream()
                .map(o -> Scheduler.fromJson((JsonObject) o)).toList();
        return new OrchestratorState(json.getInstant("lastDiscoveryAt"), json.getLong("lastDiscoveryMillis", 0L),
                Duration.ofMillis(Math.round(json.getDouble("heartbeatTimeoutSeconds", 0.0) * 1000)),
                json.getLong("restartsTotal", 0L), json.getInteger("deployed", schedulers.size()), schedulers);
    }
}
