package dev.storyline.tenant;

import dev.storyline.bus.EventBusClient;
import dev.storyline.plan.QueueRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The safety net of dispatch timing for every scheduler of this node at once (D10, issue 19): every
 * {@code SWEEP_SECONDS} one read finds the active teams with a planned slot due before the next look
 * (or missed in the last day) and wakes their schedulers here, which then read their own queue and set
 * their timer. A slot planned, moved or returned behind a scheduler's back is seen within one period,
 * as the per-scheduler sweep did, at one read a minute instead of one per team. Schedulers of other
 * nodes are not woken from here (their own node's wheel does). Has no address; keeps nothing.
 */
public final class DueWheelVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DueWheelVerticle.class);
    /** Slots missed longer ago than this are left to the scheduler's start (expired there, D11). */
    private static final Duration LOOK_BACK = Duration.ofDays(1);

    private final QueueRepository queue;
    private final Duration interval;
    private final Clock clock;
    private EventBusClient bus;
    private long timer = -1;
    private boolean turning;

    public DueWheelVerticle(QueueRepository queue, Duration interval, Clock clock) {
        this.queue = queue;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        bus = new EventBusClient(vertx);
        timer = vertx.setPeriodic(interval.toMillis(), id -> turn());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    private void turn() {
        if (turning) {
            return;
        }
        turning = true;
        Instant now = clock.instant();
        // up to two periods ahead: a slot due just after the next look still gets its scheduler's own timer in time
        queue.dueTenants(now.minus(LOOK_BACK), now.plus(interval.multipliedBy(2)))
                .onSuccess(due -> due.forEach(bus::wakeHere))
                .onFailure(e -> LOG.warn("Looking for due slots failed (again in {} s): {}", interval.toSeconds(), e.getMessage()))
                .onComplete(v -> turning = false);
    }
}
