package dev.storyline.plan;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Lets at most {@code permits} tenant schedulers do their start-up work (missed slots, the top-off) at
 * once, the rest in the order they came (issue 19). A hundred thousand schedulers deployed together
 * would otherwise ask the pool for half a million statements in one go, overflow its wait queue and
 * start unplanned. Shared by every scheduler of the process, so it is thread-safe; each admitted task
 * runs on its own scheduler's context.
 */
public final class StartGate {
    private final int permits;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    public StartGate(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("a start gate needs at least one permit");
        }
        this.permits = permits;
    }

    /** Runs {@code work} on {@code context} once a permit is free; the permit is returned when its future completes. */
    public <T> Future<T> admit(Context context, Supplier<Future<T>> work) {
        Promise<T> done = Promise.promise();
        Runnable task = () -> context.runOnContext(v -> {
            Future<T> result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            result.onComplete(ar -> {
                release();
                done.handle(ar);
            });
        });
        boolean now;
        synchronized (this) {
            now = running < permits;
            if (now) {
                running++;
            } else {
                waiting.add(task);
            }
        }
        if (now) {
            task.run();
        }
        return done.future();
    }

    /** Schedulers waiting for a permit. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Schedulers waiting or starting. */
    public synchronized int pending() {
        return waiting.size() + running;
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            next.run();
        }
    }
}
