package dev.storyline.posting;

import dev.storyline.plan.QueueRepository.Finished;
import dev.storyline.plan.QueueRepository.Press;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Group commit of button presses, in lanes. A press joins the lane of the person who pressed; each
 * lane runs one outcome statement at a time, and the presses that arrive meanwhile are ended
 * together by its next one (one round trip and one commit for the group). Lanes run side by side,
 * so a burst keeps every core of the database busy, and never share a person: the statements that
 * run at once never update the same person's counter, which is where they would otherwise wait on
 * each other or deadlock. The rare deadlock left (two people pressing the same two slots at once, in
 * opposite order) is retried. Not thread-safe: used on the posting verticle's event loop.
 */
final class PressCommits {
    /**
     * Outcome statements running at once, at most: one per core, 2 to 4 (PostgreSQL usually shares the machine; more
     * lanes than cores only split the same presses into smaller groups, each paying a statement's fixed cost). The pool
     * keeps connections for everything else.
     */
    static final int LANES = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Attempts of a group the database aborted to break a deadlock or a serialization conflict. */
    static final int ATTEMPTS = 3;

    private final Function<List<Press>, Future<Map<Integer, Finished>>> statement;
    private final Consumer<Runnable> later;
    private final Lane[] lanes = new Lane[LANES];

    /**
     * @param statement ends a group of presses; the answer holds the winners by their index
     * @param later     runs a task after the presses already queued on this event loop, so presses
     *                  that arrive together go together
     */
    PressCommits(Function<List<Press>, Future<Map<Integer, Finished>>> statement, Consumer<Runnable> later) {
        this.statement = statement;
        this.later = later;
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new Lane();
        }
    }

    /** Ends a press with its group: the finished slot, or empty when another press was first. */
    Future<Optional<Finished>> end(Press press) {
        Lane lane = lanes[lane(press.actedBy())];
        Ending ending = new Ending(press, Promise.promise());
        lane.waiting.add(ending);
        if (!lane.scheduled && !lane.busy) {
            lane.scheduled = true;
            later.accept(() -> {
                lane.scheduled = false;
                run(lane);
            });
        }
        return ending.done().future();
    }

    static int lane(Long person) {
        return person == null ? 0 : Math.floorMod(Long.hashCode(person), LANES);
    }

    private void run(Lane lane) {
        if (lane.busy || lane.waiting.isEmpty()) {
            return;
        }
        List<Ending> group = new ArrayList<>(lane.waiting);
        lane.waiting.clear();
        lane.busy = true;
        attempt(group, 1).onComplete(ar -> {
            lane.busy = false;
            for (int i = 0; i < group.size(); i++) {
                if (ar.succeeded()) {
                    group.get(i).done().complete(Optional.ofNullable(ar.result().get(i)));
                } else {
                    group.get(i).done().fail(ar.cause());
                }
            }
            run(lane);
        });
    }

    private Future<Map<Integer, Finished>> attempt(List<Ending> group, int attempt) {
        return statement.apply(group.stream().map(Ending::press).toList())
                .recover(e -> attempt < ATTEMPTS && retryable(e) ? attempt(group, attempt + 1) : Future.failedFuture(e));
    }

    /** Deadlock detected, or a serialization failure: the statement was rolled back and may run again. */
    static boolean retryable(Throwable e) {
        return e instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }

    private record Ending(Press press, Promise<Optional<Finished>> done) {
    }

    private static final class Lane {
        final List<Ending> waiting = new ArrayList<>();
        boolean busy;
        boolean scheduled;
    }
}
