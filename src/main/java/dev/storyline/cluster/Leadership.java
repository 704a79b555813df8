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

    private volatile boolean held;

    /**
     * For a periodic job of one node (the insights readings): asks now and every {@link #every()},
     * so {@link #held()} says whether this node runs the job at this moment. Returns the timer.
     */
    public long keep(io.vertx.core.Vertx vertx) {
        hold().onComplete(ar -> held = ar.succeeded() && ar.result());
        return vertx.setPeriodic(every.toMillis(), id -> hold().onComplete(ar -> held = ar.succeeded() && ar.result()));
    }

    /** Whether this node held the lease at the last {@link #keep} round. */
    public boolean held() {
        return held;
    }

    public String node() {
        return node;
    }
}
