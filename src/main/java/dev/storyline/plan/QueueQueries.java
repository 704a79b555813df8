package dev.storyline.plan;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read model of the queue and its history: what {@code /queue}, {@code /history}, {@code /status}
 * and {@code /stats} show, the admin API's queue and history, the CLI's {@code queue list} and
 * {@code history}, the watch's overdue check and a late press's "already posted by". Nothing here
 * writes; the writes are {@link QueueRepository}'s. {@code /stats} counts a publish through Instagram
 * as "🤖 Instagram", never as the post of whoever pressed Auto post, and not in the time to post.
 */
public final class QueueQueries {
    /** Per active tenant, planned slots due before $1 that nobody claimed: its scheduler is stuck or missing. */
    private static final String OVERDUE_BY_TENANT = """
            SELECT q.tenant_id, t.title, count(*) AS slots, min(q.scheduled_for) AS oldest
              FROM posting_queue q JOIN tenants t ON t.id = q.tenant_id
             WHERE q.state = 'planned' AND q.due_at < $1 AND q.scheduled_for < $1 AND t.state = 'approved' AND NOT t.is_paused
             GROUP BY q.tenant_id, t.title""";

    private static final String RECENT_FAILURES = """
            SELECT outcome FROM posting_history WHERE tenant_id = $1 AND outcome <> 'expired' ORDER BY completed_at DESC, id DESC LIMIT $2""";

    private static final String SUMMARY = """
            SELECT (SELECT min(scheduled_for) FROM posting_queue WHERE tenant_id = $1 AND state = 'planned') AS next_slot,
                   (SELECT count(*) FROM posting_queue WHERE tenant_id = $1 AND state = 'notified') AS awaiting,
                   (SELECT count(*) FROM posting_history WHERE tenant_id = $1 AND outcome = 'posted' AND completed_at > $2) AS posted_24h,
                   (SELECT h.completed_at FROM posting_history h WHERE h.tenant_id = $1 AND h.outcome = 'posted'
                     ORDER BY h.completed_at DESC LIMIT 1) AS last_posted""";

    private static final String HISTORY = """
            SELECT h.outcome, h.completed_at, h.scheduled_for, h.dry_run, h.error, m.title, m.path, m.id AS media_id,
                   u.username, u.first_name, h.acted_by, h.route, h.instagram_media_id, h.instagram_permalink
              FROM posting_history h
              LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id
              LEFT JOIN users u ON u.id = h.acted_by
             WHERE h.tenant_id = $1 ORDER BY h.completed_at DESC, h.id DESC LIMIT $2""";

    private static final String UPCOMING_LINES = """
            SELECT q.id, q.scheduled_for, q.due_at, q.attempts, q.last_error, m.title, m.path, m.category,
                   coalesce(q.route, CASE WHEN t.enable_instagram AND NOT q.dry_run AND NOT coalesce(m.requires_interaction, false)
                                           AND EXISTS (SELECT 1 FROM instagram_accounts a WHERE a.tenant_id = t.id AND a.token_status = 'valid')
                                          THEN 'instagram' ELSE 'telegram' END) AS route
              FROM posting_queue q JOIN tenants t ON t.id = q.tenant_id
                   LEFT JOIN media_items m ON m.id = q.media_item_id AND m.tenant_id = q.tenant_id
             WHERE q.tenant_id = $1 AND q.state = 'planned' ORDER BY q.due_at, q.id LIMIT $2""";

    /** One line of {@code /queue}; {@code category} is the image's top-level folder (D27), null for none or no image yet. */
    public record QueueLine(long id, Instant scheduledFor, Instant dueAt, String route, int attempts, String lastError, String title,
                            String category) {
    }

    public Future<List<QueueLine>> upcomingLines(long tenantId, int limit) {
        return pool.preparedQuery(UPCOMING_LINES).execute(Tuple.of(tenantId, limit)).map(rows -> {
            List<QueueLine> lines = new ArrayList<>();
            for (Row r : rows) {
                String title = title(r, null);
                lines.add(new QueueLine(r.getLong("id"), Sql.instant(r, "scheduled_for"), Sql.instant(r, "due_at"),
                        r.getString("route"), r.getInteger("attempts"), r.getString("last_error"), title, r.getString("category")));
            }
            return lines;
        });
    }

    /** For {@code /status}. */
    public record Summary(Instant nextSlot, long awaiting, long posted24h, Instant lastPosted) {
    }

    /**
     * One line of history: {@code route} telegram or instagram (null when it never went out), {@code who}
     * the person who acted, "Storyline" for a publish nobody pressed, and for Instagram the media id and
     * permalink (null when Instagram never said them).
     */
    public record HistoryLine(String outcome, Instant completedAt, Instant scheduledFor, boolean dryRun, String error,
                              String title, String who, String route, String mediaId, String permalink) {
        public static final String STORYLINE = "Storyline";
    }

    /** A tenant whose planned slots are overdue: how many, and the oldest slot time. */
    public record Overdue(long tenantId, String title, long slots, Instant oldest) {
    }

    /** Across tenants (the watch): active tenants with planned slots due before {@code before}. */
    public Future<List<Overdue>> overdueByTenant(Instant before) {
        return pool.preparedQuery(OVERDUE_BY_TENANT).execute(Tuple.of(Sql.utc(before))).map(rows -> {
            List<Overdue> list = new ArrayList<>();
            rows.forEach(r -> list.add(new Overdue(r.getLong("tenant_id"), r.getString("title"), r.getLong("slots"), Sql.instant(r, "oldest"))));
            return list;
        });
    }

    /** The last {@code n} outcomes other than expiries, newest first. */
    public Future<List<String>> recentOutcomes(long tenantId, int n) {
        return pool.preparedQuery(RECENT_FAILURES).execute(Tuple.of(tenantId, n)).map(rows -> {
            List<String> list = new ArrayList<>();
            rows.forEach(r -> list.add(r.getString(0)));
            return list;
        });
    }

    public Future<Summary> summary(long tenantId, Instant now) {
        return pool.preparedQuery(SUMMARY).execute(Tuple.of(tenantId, Sql.utc(now.minus(Duration.ofHours(24))))).map(rows -> {
            Row r = rows.iterator().next();
            return new Summary(Sql.instant(r, "next_slot"), r.getLong("awaiting"), r.getLong("posted_24h"),
                    Sql.instant(r, "last_posted"));
        });
    }

    public Future<List<HistoryLine>> history(long tenantId, int limit) {
        return pool.preparedQuery(HISTORY).execute(Tuple.of(tenantId, limit)).map(rows -> {
            List<HistoryLine> lines = new ArrayList<>();
            for (Row r : rows) {
                String title = title(r, "no image");
                String who = r.getString("username") != null ? "@" + r.getString("username") : r.getString("first_name");
                if (who == null && r.getLong("acted_by") == null && "instagram".equals(r.getString("route"))
                        && "posted".equals(r.getString("outcome"))) {
                    who = HistoryLine.STORYLINE;
                }
                lines.add(new HistoryLine(r.getString("outcome"), Sql.instant(r, "completed_at"),
                        Sql.instant(r, "scheduled_for"), r.getBoolean("dry_run"), r.getString("error"), title, who,
                        r.getString("route"), r.getString("instagram_media_id"), r.getString("instagram_permalink")));
            }
            return lines;
        });
    }

    private static final String HISTORY_OF = """
            SELECT h.outcome, h.completed_at, h.notified_at, h.dry_run, u.username, u.first_name, h.media_item_id, h.slot_key,
                   h.scheduled_for, h.telegram_message_id
              FROM posting_history h LEFT JOIN users u ON u.id = h.acted_by
             WHERE h.tenant_id = $1 AND h.queue_item_id = $2""";

    /** An earlier outcome of a slot, for a late press. */
    public record PastOutcome(String outcome, Instant completedAt, Instant notifiedAt, boolean dryRun, String username,
                              String firstName, Long mediaItemId, String slotKey, Instant scheduledFor, Long telegramMessageId) {
        public String who() {
            return username != null ? "@" + username : firstName != null ? firstName : "Storyline";
        }
    }

    public Future<Optional<PastOutcome>> outcomeOf(long tenantId, long queueId) {
        return pool.preparedQuery(HISTORY_OF).execute(Tuple.of(tenantId, queueId)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row r = rows.iterator().next();
            return Optional.of(new PastOutcome(r.getString("outcome"), Sql.instant(r, "completed_at"),
                    Sql.instant(r, "notified_at"), r.getBoolean("dry_run"), r.getString("username"), r.getString("first_name"),
                    r.getLong("media_item_id"), r.getString("slot_key"), Sql.instant(r, "scheduled_for"),
                    r.getLong("telegram_message_id")));
        });
    }

    private static final String OUTCOMES = """
            SELECT outcome, count(*) FILTER (WHERE completed_at > $2) AS last7, count(*) AS last30
              FROM posting_history WHERE tenant_id = $1 AND completed_at > $3 AND NOT dry_run
             GROUP BY outcome ORDER BY last30 DESC""";
    private static final String PEOPLE = """
            SELECT CASE WHEN h.route = 'instagram' THEN '🤖 Instagram' ELSE coalesce('@' || u.username, u.first_name, 'Storyline') END AS who,
                   count(*) FILTER (WHERE h.completed_at > $2) AS last7, count(*) AS last30
              FROM posting_history h LEFT JOIN users u ON u.id = h.acted_by
             WHERE h.tenant_id = $1 AND h.completed_at > $3 AND h.outcome = 'posted' AND NOT h.dry_run
             GROUP BY 1 ORDER BY last30 DESC, who LIMIT 10""";
    private static final String MEDIAN = """
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - notified_at)) AS median
              FROM posting_history
             WHERE tenant_id = $1 AND outcome = 'posted' AND notified_at IS NOT NULL AND completed_at > $2 AND NOT dry_run
               AND route IS DISTINCT FROM 'instagram'""";

    /** Counts over the last 7 and 30 days. */
    public record Count(long last7, long last30) {
    }

    public record Stats(Map<String, Count> outcomes, Map<String, Count> people, Duration medianTimeToPost) {
    }

    /** Outcomes whose caption edit was lost (a crash between storing the press and editing), newest first. */
    private static final String UNEDITED = """
            SELECT h.id, h.tenant_id, h.queue_item_id, h.media_item_id, h.slot_key, h.scheduled_for, h.outcome, h.dry_run,
                   h.notified_at, h.completed_at, h.telegram_message_id, u.username, u.first_name
              FROM posting_history h LEFT JOIN users u ON u.id = h.acted_by
             WHERE h.caption_edited_at IS NULL AND h.telegram_message_id IS NOT NULL AND h.outcome <> 'failed'
               AND h.completed_at BETWEEN $1 AND $2
             ORDER BY h.completed_at DESC LIMIT 200""";

    /** A finished story whose message still shows it pending. */
    public record Unedited(long historyId, long tenantId, long queueId, Long mediaItemId, String slotKey, Instant scheduledFor,
                           String outcome, boolean dryRun, Instant notifiedAt, Instant completedAt, long messageId, String who) {
    }

    private final Pool pool;

    public QueueQueries(Pool pool) {
        this.pool = pool;
    }

    public Future<Stats> stats(long tenantId, Instant now) {
        Tuple window = Tuple.of(tenantId, Sql.utc(now.minus(Duration.ofDays(7))), Sql.utc(now.minus(Duration.ofDays(30))));
        return pool.preparedQuery(OUTCOMES).execute(window).compose(outcomes -> pool.preparedQuery(PEOPLE).execute(window)
                .compose(people -> pool.preparedQuery(MEDIAN).execute(Tuple.of(tenantId, Sql.utc(now.minus(Duration.ofDays(30)))))
                        .map(median -> {
                            Object seconds = median.iterator().next().getValue("median");
                            return new Stats(counts(outcomes), counts(people),
                                    seconds == null ? null : Duration.ofSeconds(Math.round(((Number) seconds).doubleValue())));
                        })));
    }

    private static Map<String, Count> counts(Iterable<Row> rows) {
        Map<String, Count> map = new LinkedHashMap<>();
        for (Row r : rows) {
            map.put(r.getString(0), new Count(r.getLong("last7"), r.getLong("last30")));
        }
        return map;
    }

    /** Outcomes completed between {@code from} and {@code to} whose caption was never edited. */
    public Future<List<Unedited>> unedited(Instant from, Instant to) {
        return pool.preparedQuery(UNEDITED).execute(Tuple.of(Sql.utc(from), Sql.utc(to))).map(rows -> {
            List<Unedited> list = new ArrayList<>();
            for (Row r : rows) {
                String who = r.getString("username") != null ? "@" + r.getString("username")
                        : r.getString("first_name") != null ? r.getString("first_name") : "Storyline";
                list.add(new Unedited(r.getLong("id"), r.getLong("tenant_id"), r.getLong("queue_item_id"), r.getLong("media_item_id"),
                        r.getString("slot_key"), Sql.instant(r, "scheduled_for"), r.getString("outcome"), r.getBoolean("dry_run"),
                        Sql.instant(r, "notified_at"), Sql.instant(r, "completed_at"), r.getLong("telegram_message_id"), who));
            }
            return list;
        });
    }

    /** An item's title, else its file name, else {@code none}. */
    private static String title(Row r, String none) {
        return r.getString("title") != null ? r.getString("title")
                : r.getString("path") != null ? Path.of(r.getString("path")).getFileName().toString() : none;
    }
}
