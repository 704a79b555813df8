package dev.storyline.posting;

import dev.storyline.plan.QueueRepository;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Caption edits done but not yet recorded, written together in one statement (a burst of presses
 * costs one statement, not one each). A note lost with a crash only means the repair sweep edits that
 * caption once more, which Telegram answers "not modified". Not thread-safe: one actor's event loop.
 */
final class EditMarks {
    private static final Logger LOG = LoggerFactory.getLogger(EditMarks.class);
    private final QueueRepository queue;
    private final Clock clock;
    private final PostingMetrics metrics;
    private final List<Long> tenants = new ArrayList<>();
    private final List<Long> history = new ArrayList<>();

    EditMarks(QueueRepository queue, Clock clock, PostingMetrics metrics) {
        this.queue = queue;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Notes an edit Telegram took ({@code edited}); returns whether a note was added. */
    boolean add(long tenantId, long historyId, boolean edited) {
        if (edited) {
            tenants.add(tenantId);
            history.add(historyId);
        }
        return edited;
    }

    boolean isEmpty() {
        return history.isEmpty();
    }

    /** Writes the notes so far; never fails (a lost note costs one more "not modified" edit). */
    Future<Void> flush() {
        if (history.isEmpty()) {
            return Future.succeededFuture();
        }
        Long[] tenantIds = tenants.toArray(Long[]::new);
        Long[] historyIds = history.toArray(Long[]::new);
        tenants.clear();
        history.clear();
        return queue.captionsEdited(tenantIds, historyIds, clock.instant())
                .recover(e -> {
                    LOG.warn("{} caption edits not recorded (they are made again by the repair sweep): {}", historyIds.length, e.getMessage());
                    metrics.failure("edit_marks");
                    return Future.succeededFuture();
                });
    }
}
