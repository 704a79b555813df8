package dev.storyline.cluster;

import io.vertx.core.Future;

import java.time.Duration;

/**
 * One node of a cluster does a cluster-wide job (D32: polling Telegram and sending through its
 * outbox): whoever holds the named lease. {@link #hold()} takes or renews it and says whether this node
 * holds it now; it is asked every {@link #every()}. A node that stops asking loses it when it runs out.
 */
public final class Leadership {
    private final LeaseRepository leases;
    private final String name;
    private final String node;
    private final Duration every;

    public Leadership(LeaseRepository leases, String name, String node, Duration every) {
        this.leases = leases;
        this.name = name;
        this.node = node;
        this.every = every;
    }

    public Future<Boolean> hold() {
        return leases.holdNamed(name, node).map(java.util.Optional::isPresent);
    }

    /** Lets the lease go at once (a clean stop): another node takes over at its next renewal, not after the lease runs out. */
    public Future<Void> release() {
        return leases.releaseNamed(name, node);
    }

    public Duration every() {
        return every;
    }

    public String node() {
        return node;
    }
}
