package dev.storyline.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries this node's heartbeats to its orchestrator in batches (issue 19): each scheduler still beats every
 * {@code HEARTBEAT_SECONDS} (D21), but a beat is a map entry, not a bus message; every {@link #FLUSH} the beats
 * recorded since the last batch go out as one local {@link Addresses#TENANT_HEARTBEATS} message. 100,000
 * schedulers cost four messages a second instead of 6,700. A scheduler whose timer stops records nothing, so its
 * silence reaches the orchestrator as before; a batch adds at most {@link #FLUSH} to a beat's way.
 */
public final class HeartbeatRelay implements Shareable {
    /** How often the recorded beats go out. */
    public static final Duration FLUSH = Duration.ofMillis(250);
    private static final String MAP = "storyline.heartbeats";
    private static final String KEY = "relay";
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setCodecName(BatchCodec.NAME);

    private final Vertx vertx;
    /** The latest beat per tenant since the last batch; written from every event loop, drained by the flush timer. */
    private final ConcurrentHashMap<Long, Heartbeat> pending = new ConcurrentHashMap<>();

    private HeartbeatRelay(Vertx vertx) {
        this.vertx = vertx;
    }

    /** One relay per Vert.x instance; call once at start, outside any verticle (its timer must outlive them). */
    public static HeartbeatRelay install(Vertx vertx) {
        LocalMap<String, HeartbeatRelay> map = vertx.sharedData().getLocalMap(MAP);
        HeartbeatRelay relay = new HeartbeatRelay(vertx);
        HeartbeatRelay existing = map.putIfAbsent(KEY, relay);
        if (existing != null) {
            return existing;
        }
        vertx.eventBus().registerCodec(new BatchCodec());
        vertx.setPeriodic(FLUSH.toMillis(), id -> relay.flush());
        return relay;
    }

    /**
     * Records a beat for the next batch. Without an installed relay it fails: installing one here, inside a scheduler, would
     * tie the flush timer to that scheduler and stop every beat when it is undeployed.
     */
    static void beat(Vertx vertx, Heartbeat beat) {
        LocalMap<String, HeartbeatRelay> map = vertx.sharedData().getLocalMap(MAP);
        HeartbeatRelay relay = map.get(KEY);
        if (relay == null) {
            throw new IllegalStateException("no heartbeat relay: HeartbeatRelay.install(vertx) runs at start, before any scheduler");
        }
        relay.pending.put(beat.tenantId(), beat);
    }

    private void flush() {
        List<Heartbeat> batch = new ArrayList<>(pending.size());
        for (Long tenantId : pending.keySet()) {
            Heartbeat beat = pending.remove(tenantId);
            if (beat != null) {
                batch.add(beat);
            }
        }
        if (!batch.isEmpty()) {
            vertx.eventBus().publish(Addresses.TENANT_HEARTBEATS, new Heartbeats(List.copyOf(batch)), LOCAL);
        }
    }

    /** The message: beats of many schedulers, never leaving this JVM (D32: beats never cross the cluster). */
    public record Heartbeats(List<Heartbeat> beats) {
    }

    /** Local only: the batch is handed over as it is, never copied or written to the wire. */
    private static final class BatchCodec implements MessageCodec<Heartbeats, Heartbeats> {
        static final String NAME = "storyline.heartbeats";

        @Override
        public void encodeToWire(Buffer buffer, Heartbeats heartbeats) {
            throw new UnsupportedOperationException("heartbeats never leave this JVM");
        }

        @Override
        public Heartbeats decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("heartbeats never leave this JVM");
        }

        @Override
        public Heartbeats transform(Heartbeats heartbeats) {
            return heartbeats; // immutable
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
