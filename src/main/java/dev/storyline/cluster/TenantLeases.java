package dev.storyline.cluster;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's share of the tenants (D32). Each {@link #refresh()} says the node is alive, renews its
 * leases, and moves towards its fair share, the active tenants divided by the live nodes (rounded
 * up): a node with more lets the excess go (a node joined), one with fewer takes free leases (a node
 * died and its leases ran out, or tenants were approved). What it returns is what this node may run,
 * each tenant with the epoch its scheduler's claims are fenced by.
 */
public final class TenantLeases {
    private final LeaseRepository leases;
    private final String node;
    private final String address;

    public TenantLeases(LeaseRepository leases, String node, String address) {
        this.leases = leases;
        this.node = node;
        this.address = address;
    }

    public String node() {
        return node;
    }

    /** The tenants this node holds after this round: tenant → epoch. */
    public Future<Map<Long, Long>> refresh() {
        return leases.beat(node, address)
                .compose(v -> leases.forgetOldNodes()) // each start is a new node id: the ones gone for a day are forgotten
                .compose(v -> leases.renew(node))
                .compose(owned -> leases.liveNodes().compose(nodes -> leases.activeTenants().compose(active -> {
                    int share = share(active, nodes.size());
                    Map<Long, Long> mine = new LinkedHashMap<>(owned);
                    if (mine.size() > share) {
                        List<Long> excess = new ArrayList<>(new ArrayList<>(mine.keySet()).subList(share, mine.size()));
                        return leases.release(node, excess).map(released -> {
                            excess.forEach(mine::remove);
                            return mine;
                        });
                    }
                    return leases.claim(node, share - mine.size()).map(taken -> {
                        mine.putAll(taken);
                        return mine;
                    });
                })));
    }

    /** The cluster's nodes with their tenants, and its leaders (for the admin API and {@code /health}). */
    public Future<io.vertx.core.json.JsonObject> status() {
        return leases.status();
    }

    /** A node Hazelcast saw leave: its leases end now (the next {@link #refresh()} takes this node's share of them). */
    public Future<Void> departed(String node) {
        return leases.departed(node);
    }

    /** Lets every lease of this node go at once (a clean stop): the others take them at their next round. */
    public Future<Integer> releaseAll(List<Long> tenantIds) {
        return leases.release(node, tenantIds);
    }

    /** The fair share: active tenants over live nodes, rounded up (this node counts even before its first beat is seen). */
    static int share(long active, int liveNodes) {
        return (int) Math.min(Integer.MAX_VALUE, (active + Math.max(1, liveNodes) - 1) / Math.max(1, liveNodes));
    }
}
