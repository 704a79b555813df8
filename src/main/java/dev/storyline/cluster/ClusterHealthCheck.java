package dev.storyline.cluster;

import dev.storyline.http.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code /health}'s view of the cluster (D32): its live nodes, the tenants each runs, and who polls
 * Telegram. Down when no node polls Telegram (nothing reaches the teams), or when this node's lease
 * round stopped (it is not among the live nodes).
 */
public final class ClusterHealthCheck implements HealthCheck {
    private final LeaseRepository leases;
    private final String node;

    public ClusterHealthCheck(LeaseRepository leases, String node) {
        this.leases = leases;
        this.node = node;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public Future<Result> check() {
        return leases.status().map(status -> {
            JsonObject data = status.copy().put("thisNode", node);
            long live = status.getJsonArray("nodes").stream().map(JsonObject.class::cast).filter(n -> n.getBoolean("live")).count();
            JsonObject self = status.getJsonArray("nodes").stream().map(JsonObject.class::cast).filter(n -> node.equals(n.getString("node")))
                    .findFirst().orElse(null);
            String telegram = status.getJsonObject("leaders").getString("telegram");
            if (self == null || !self.getBoolean("live")) {
                return Result.down("this node's leases are not being renewed", data);
            }
            if (telegram == null) {
                return Result.down("no node polls Telegram", data);
            }
            return Result.up(live + " live nodes; this one runs " + self.getJsonArray("tenants").size() + " tenants"
                    + (telegram.equals(node) ? " and polls Telegram" : ""), data);
        });
    }
}
