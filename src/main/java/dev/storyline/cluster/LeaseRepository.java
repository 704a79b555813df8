package dev.storyline.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's leases in PostgreSQL (D32): nodes say they are alive, take tenants' leases up to a
 * share, renew them, let them go; a named lease elects one node for a cluster-wide job. Every time is
 * the database's ({@code now()}), so the nodes' clocks do not matter.
 */
public final class LeaseRepository {

    private static final String BEAT = """
            INSERT INTO cluster_nodes (node_id, address) VALUES ($1, $2)
            ON CONFLICT (node_id) DO UPDATE SET seen_at = now(), address = EXCLUDED.address""";

    /** Nodes seen within a lease's length. */
    private static final String LIVE = """
            SELECT node_id, address, started_at, seen_at FROM cluster_nodes
             WHERE seen_at > now() - make_interval(secs => $1) ORDER BY started_at, node_id""";

    private static final String FORGET_OLD_NODES = "DELETE FROM cluster_nodes WHERE seen_at < now() - interval '1 day'";

    private static final String ACTIVE = "SELECT count(*) FROM tenants WHERE state = 'approved' AND NOT is_paused";

    /**
     * $1 node: its leases of active tenants that still run, renewed; the ones that ran out are not
     * (another node may hold them now), nor those of tenants paused meanwhile (they lapse).
     */
    private static final String RENEW = """
            UPDATE tenant_leases SET lease_until = now() + make_interval(secs => $2)
             WHERE owner = $1 AND lease_until > now()
               AND tenant_id IN (SELECT id FROM tenants WHERE state = 'approved' AND NOT is_paused)
            RETURNING tenant_id, epoch""";

    /**
     * Up to $3 active tenants without a running lease, for node $1: each taken raises its epoch. Two
     * nodes taking the same tenant at once: the second finds the first's running lease and gets nothing.
     * The order is the node's own (a hash with its id), so nodes starting together mostly take different tenants.
     */
    private static final String CLAIM = """
            WITH free AS (
                SELECT t.id FROM tenants t LEFT JOIN tenant_leases l ON l.tenant_id = t.id
                 WHERE t.state = 'approved' AND NOT t.is_paused AND (l.tenant_id IS NULL OR l.lease_until <= now())
                 ORDER BY md5(t.id::text || $1) LIMIT $3)
            INSERT INTO tenant_leases (tenant_id, owner, epoch, lease_until)
            SELECT id, $1, 1, now() + make_interval(secs => $2) FROM free
            ON CONFLICT (tenant_id) DO UPDATE SET owner = EXCLUDED.owner, epoch = tenant_leases.epoch + 1, lease_until = EXCLUDED.lease_until
             WHERE tenant_leases.lease_until <= now()
            RETURNING tenant_id, epoch""";

    /** Lets go of these leases of node $1 at once (another node may take them right away). */
    private static final String RELEASE = """
            UPDATE tenant_leases SET lease_until = now() WHERE owner = $1 AND tenant_id = ANY($2) AND lease_until > now()""";

    /** Node $2 takes or renews the named lease $1 when it is free, ran out, or is its own; the epoch rises when it changes hands. */
    private static final String NAMED = """
            INSERT INTO cluster_leases (name, owner, epoch, lease_until) VALUES ($1, $2, 1, now() + make_interval(secs => $3))
            ON CONFLICT (name) DO UPDATE SET
                epoch = CASE WHEN cluster_leases.owner = EXCLUDED.owner AND cluster_leases.lease_until > now()
                             THEN cluster_leases.epoch ELSE cluster_leases.epoch + 1 END,
                owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
             WHERE cluster_leases.owner = EXCLUDED.owner OR cluster_leases.lease_until <= now()
            RETURNING epoch""";

    private static final String NAMED_OWNER = "SELECT owner, epoch, lease_until > now() AS running FROM cluster_leases WHERE name = $1";

    private static final String RELEASE_NAMED = "UPDATE cluster_leases SET lease_until = now() WHERE name = $1 AND owner = $2";


    /**
     * D32: a node Hazelcast saw leave: its tenant and named leases end now and it no longer counts as
     * alive, so the others take its share at once instead of after the lease. Safe if it lives on
     * behind a partition: it can renew nothing that ended, and its claims are fenced by the epoch.
     */
    private static final String DEPARTED = """
            WITH t AS (UPDATE tenant_leases SET lease_until = now() WHERE owner = $1 AND lease_until > now()),
                 n AS (UPDATE cluster_leases SET lease_until = now() WHERE owner = $1 AND lease_until > now())
            UPDATE cluster_nodes SET seen_at = now() - interval '1 hour' WHERE node_id = $1""";

    /** A node the cluster saw recently. */
    public record Node(String id, String address, java.time.Instant startedAt, java.time.Instant seenAt) {
    }

    private final Pool pool;
    private final double leaseSeconds;

    /** {@code lease}: how long a lease runs unless renewed, and how long a silent node counts as alive. */
    public LeaseRepository(Pool pool, Duration lease) {
        this.pool = pool;
        this.leaseSeconds = lease.toMillis() / 1000.0;
    }

    public Future<Void> beat(String node, String address) {
        return pool.preparedQuery(BEAT).execute(Tuple.of(node, address)).mapEmpty();
    }

    public Future<List<Node>> liveNodes() {
        return pool.preparedQuery(LIVE).execute(Tuple.of(leaseSeconds)).map(rows -> {
            List<Node> nodes = new java.util.ArrayList<>();
            rows.forEach(r -> nodes.add(new Node(r.getString("node_id"), r.getString("address"),
                    r.getOffsetDateTime("started_at").toInstant(), r.getOffsetDateTime("seen_at").toInstant())));
            return nodes;
        });
    }

    public Future<Void> departed(String node) {
        return pool.preparedQuery(DEPARTED).execute(Tuple.of(node)).mapEmpty();
    }

    public Future<Void> forgetOldNodes() {
        return pool.query(FORGET_OLD_NODES).execute().mapEmpty();
    }

    public Future<Long> activeTenants() {
        return pool.query(ACTIVE).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** The node's leases that still ran, renewed: tenant → epoch. */
    public Future<Map<Long, Long>> renew(String node) {
        return pool.preparedQuery(RENEW).execute(Tuple.of(node, leaseSeconds)).map(LeaseRepository::epochs);
    }

    /** Up to {@code max} free tenants taken by the node: tenant → its new epoch. */
    public Future<Map<Long, Long>> claim(String node, int max) {
        if (max <= 0) {
            return Future.succeededFuture(Map.of());
        }
        return pool.preparedQuery(CLAIM).execute(Tuple.of(node, leaseSeconds, max)).map(LeaseRepository::epochs);
    }

    public Future<Integer> release(String node, List<Long> tenantIds) {
        if (tenantIds.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return pool.preparedQuery(RELEASE).execute(Tuple.tuple().addString(node).addArrayOfLong(tenantIds.toArray(Long[]::new)))
                .map(RowSet::rowCount);
    }

    /** The named lease's epoch when the node holds it now (taken or renewed), else empty. */
    public Future<Optional<Long>> holdNamed(String name, String node) {
        return pool.preparedQuery(NAMED).execute(Tuple.of(name, node, leaseSeconds))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("epoch")));
    }

    public Future<Void> releaseNamed(String name, String node) {
        return pool.preparedQuery(RELEASE_NAMED).execute(Tuple.of(name, node)).mapEmpty();
    }

    /** Who holds the named lease while it runs. */
    public Future<Optional<String>> namedOwner(String name) {
        return pool.preparedQuery(NAMED_OWNER).execute(Tuple.of(name)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.<String>empty();
            }
            Row row = rows.iterator().next();
            return row.getBoolean("running") ? Optional.of(row.getString("owner")) : Optional.<String>empty();
        });
    }


    /** Every node seen in the last day (older ones are forgotten), whether it counts as alive, and the tenants it runs. */
    private static final String STATUS_NODES = """
            SELECT n.node_id, n.address, n.started_at, n.seen_at, n.seen_at > now() - make_interval(secs => $1) AS live,
                   coalesce(array_agg(l.tenant_id ORDER BY l.tenant_id) FILTER (WHERE l.tenant_id IS NOT NULL), '{}') AS tenants
              FROM cluster_nodes n LEFT JOIN tenant_leases l ON l.owner = n.node_id AND l.lease_until > now()
             GROUP BY n.node_id ORDER BY n.started_at, n.node_id""";

    private static final String STATUS_LEADERS = """
            SELECT name, owner, epoch, lease_until FROM cluster_leases WHERE lease_until > now() ORDER BY name""";

    /** The cluster as the database sees it: its nodes (live or not) with their tenants, and who leads each cluster-wide job. */
    public Future<io.vertx.core.json.JsonObject> status() {
        return pool.preparedQuery(STATUS_NODES).execute(Tuple.of(leaseSeconds)).compose(nodes -> pool.query(STATUS_LEADERS).execute()
                .map(leaders -> {
                    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
                    nodes.forEach(r -> list.add(new io.vertx.core.json.JsonObject().put("node", r.getString("node_id"))
                            .put("address", r.getString("address")).put("startedAt", r.getOffsetDateTime("started_at").toInstant().toString())
                            .put("seenAt", r.getOffsetDateTime("seen_at").toInstant().toString()).put("live", r.getBoolean("live"))
                            .put("tenants", new io.vertx.core.json.JsonArray(java.util.Arrays.asList(r.getArrayOfLongs("tenants"))))));
                    io.vertx.core.json.JsonObject leading = new io.vertx.core.json.JsonObject();
                    leaders.forEach(r -> leading.put(r.getString("name"), r.getString("owner")));
                    return new io.vertx.core.json.JsonObject().put("nodes", list).put("leaders", leading);
                }));
    }

    private static Map<Long, Long> epochs(RowSet<Row> rows) {
        Map<Long, Long> epochs = new LinkedHashMap<>();
        rows.forEach(r -> epochs.put(r.getLong("tenant_id"), r.getLong("epoch")));
        return epochs;
    }
}
