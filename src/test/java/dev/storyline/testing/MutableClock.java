package dev.storyline.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand instead of sleeping. It starts at the given instant and only moves when told (or follows real time, for benchmarks). */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    private volatile boolean realTime;

    public MutableClock() {
        this(Instant.now());
    }

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** From now on the clock shows real time (benchmarks), as a system clock would. */
    public void followRealTime() {
        realTime = true;
    }

    /** Moves the clock to {@code instant}, which must not be in its past. */
    public void set(Instant instant) {
        now.updateAndGet(t -> {
            if (instant.isBefore(t)) {
                throw new IllegalArgumentException("the clock only moves forward: " + instant + " is before " + t);
            }
            return instant;
        });
    }

    public void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }

    @Override
    public Instant instant() {
        return realTime ? Instant.now() : now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
