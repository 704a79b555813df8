package dev.storyline.plan;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The statements of a top-off ({@link Planner}, D9, D14). They run on the caller's connection, inside
 * the one transaction a top-off is, under its per-tenant advisory lock.
 */
final class PlanRepository {
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('storyline.plan:' || $1, 0))";

    private static final String FUTURE_PLANNED = "SELECT " + QueueRepository.COLUMNS + " " + """
            FROM posting_queue WHERE tenant_id = $1 AND state = 'planned' AND NOT is_manual AND moved_at IS NULL AND scheduled_for > $2""";

    private static final String KEYS = """
            SELECT slot_key FROM posting_queue WHERE tenant_id = $1 AND local_date >= $2
            UNION ALL
            SELECT slot_key FROM posting_history WHERE tenant_id = $1 AND scheduled_for >= $3""";

    private static final String DELETE = """
            DELETE FROM posting_queue WHERE tenant_id = $1 AND id = ANY($2) AND state = 'planned' AND attempts = 0""";

    /**
     * D14: active, not locked, not queued (nor its content), no same content posted within
     * AVOID_REPOST_DAYS; never posted (no last post) first, then least recently posted, fewest posts,
     * random. The inner query walks {@code media_items_eligible_idx} in that order and stops after
     * a few times what is needed, so a library of thousands costs what a few dozen do; the outer
     * one shuffles equals.
     */
    private static final String ELIGIBLE = """
            SELECT id, category, file_hash FROM (
            SELECT m.id, m.category, m.file_hash, m.last_posted_at, m.times_posted
              FROM media_items m
             WHERE m.tenant_id = $1 AND m.is_active
               AND NOT EXISTS (SELECT 1 FROM media_locks l WHERE l.tenant_id = $1 AND l.media_item_id = m.id AND l.locked_until > $2)
               AND NOT EXISTS (SELECT 1 FROM posting_queue q JOIN media_items o ON o.id = q.media_item_id
                                WHERE q.tenant_id = $1 AND o.tenant_id = $1 AND o.file_hash = m.file_hash)
               AND NOT EXISTS (SELECT 1 FROM posting_history h JOIN media_items o ON o.id = h.media_item_id
                                WHERE h.tenant_id = $1 AND h.outcome = 'posted' AND NOT h.dry_run AND o.file_hash = m.file_hash
                                  AND h.completed_at > $2 - make_interval(days => $3))
             ORDER BY m.last_posted_at NULLS FIRST, m.times_posted
             LIMIT $4 * 4) c
             ORDER BY last_posted_at NULLS FIRST, times_posted, random()
             LIMIT $4""";

    /**
     * {@link #ELIGIBLE} within each of the categories {@code $5} (the library's top-level folders, lower
     * case), up to its own limit in {@code $4}, in one statement: each walks
     * {@code media_items_category_eligible_idx} for its own items.
     */
    private static final String ELIGIBLE_IN = "SELECT k.category AS wanted, e.id, e.category, e.file_hash "
            + "FROM unnest($5::text[], $4::int[]) AS k(category, lim) "
            + "CROSS JOIN LATERAL (" + ELIGIBLE.replace("WHERE m.tenant_id = $1 AND m.is_active",
            "WHERE m.tenant_id = $1 AND m.is_active AND lower(m.category) = k.category").replace("$4", "k.lim") + ") e";

    /** How many future planned slots each category has (images only, without case). */
    private static final String PLANNED_CATEGORIES = """
            SELECT lower(m.category) AS category, count(*) AS slots
              FROM posting_queue q JOIN media_items m ON m.id = q.media_item_id AND m.tenant_id = q.tenant_id
             WHERE q.tenant_id = $1 AND q.state = 'planned' AND NOT q.is_manual AND q.scheduled_for > $2 AND m.category IS NOT NULL
             GROUP BY 1""";

    /** All of a top-off's new slots in one statement (arrays side by side), not one statement a slot. */
    private static final String INSERT = """
            INSERT INTO posting_queue (tenant_id, slot_key, local_date, slot_index, scheduled_for, due_at, media_item_id, route, dry_run)
            SELECT $1, k, d, i, at, at, m, NULL, $7
              FROM unnest($2::text[], $3::date[], $4::int[], $5::timestamptz[], $6::bigint[]) AS s(k, d, i, at, m)
            ON CONFLICT (tenant_id, slot_key) DO NOTHING""";

    /** The category of the tenant's latest slot with an image (planned or sent): the next pick prefers another (D14). */
    private static final String LAST_CATEGORY = """
            SELECT m.category FROM posting_queue q JOIN media_items m ON m.id = q.media_item_id AND m.tenant_id = q.tenant_id
             WHERE q.tenant_id = $1 ORDER BY q.scheduled_for DESC, q.id DESC LIMIT 1""";

    private static final String FILL = """
            UPDATE posting_queue q SET media_item_id = f.m, updated_at = now()
              FROM unnest($2::bigint[], $3::bigint[]) AS f(id, m)
             WHERE q.tenant_id = $1 AND q.id = f.id AND q.state = 'planned' AND q.media_item_id IS NULL""";

    /** A slot to insert. */
    record NewSlot(String key, LocalDate date, int index, Instant at, Long mediaItemId) {
    }

    /** An image for a planned slot that has none. */
    record Fill(long queueId, long mediaItemId) {
    }

    private PlanRepository() {
    }

    /** Holds the tenant's plan lock until the transaction ends. */
    static Future<Void> lock(SqlClient conn, long tenantId) {
        return conn.preparedQuery(LOCK).execute(Tuple.of(String.valueOf(tenantId))).mapEmpty();
    }

    /** The tenant's planned (not manual) slots still ahead of {@code now}. */
    static Future<List<QueueItem>> futurePlanned(SqlClient conn, long tenantId, Instant now) {
        return conn.preparedQuery(FUTURE_PLANNED).execute(Tuple.of(tenantId, Sql.utc(now))).map(rows -> {
            List<QueueItem> planned = new ArrayList<>();
            rows.forEach(r -> planned.add(QueueItem.map(r)));
            return planned;
        });
    }

    /** Deletes these planned, never-tried slots; how many went. */
    static Future<Integer> deletePlanned(SqlClient conn, long tenantId, List<Long> ids) {
        return ids.isEmpty() ? Future.succeededFuture(0)
                : conn.preparedQuery(DELETE).execute(Tuple.of(tenantId, (Object) ids.toArray(Long[]::new))).map(r -> r.rowCount());
    }

    /** Slot keys already used: queued from {@code from} (a local date) on, or in history since {@code historySince}. */
    static Future<Set<String>> takenKeys(SqlClient conn, long tenantId, LocalDate from, Instant historySince) {
        return conn.preparedQuery(KEYS).execute(Tuple.of(tenantId, from, Sql.utc(historySince))).map(rows -> {
            Set<String> taken = new HashSet<>();
            rows.forEach(r -> taken.add(r.getString(0)));
            return taken;
        });
    }

    /**
     * D31: each image's stories of the last 180 days, scored by their last reading's reach per follower
     * (the followers the reading was taken with, else the account's count now; raw reach when neither
     * is known): the image's average score and its number of stories, with its category (lower case).
     */
    private static final String SCORES = """
            WITH last AS (
                SELECT DISTINCT ON (p.history_id) h.media_item_id, p.reach, p.followers
                  FROM instagram_post_metrics p JOIN posting_history h ON h.id = p.history_id
                 WHERE p.tenant_id = $1 AND h.tenant_id = $1 AND p.reach IS NOT NULL AND h.media_item_id IS NOT NULL
                   AND p.taken_at > $2::timestamptz - interval '180 days'
                 ORDER BY p.history_id, p.taken_at DESC)
            SELECT l.media_item_id, lower(m.category) AS category, count(*) AS stories,
                   avg(l.reach::float8 / coalesce(nullif(l.followers, 0), nullif(a.followers_count, 0), 1)) AS score
              FROM last l JOIN media_items m ON m.id = l.media_item_id AND m.tenant_id = $1
              LEFT JOIN instagram_accounts a ON a.tenant_id = $1
             GROUP BY l.media_item_id, m.category""";

    static Future<Preference.Scores> scores(SqlClient client, long tenantId, Instant now) {
        return client.preparedQuery(SCORES).execute(Tuple.of(tenantId, Sql.utc(now))).map(rows -> {
            java.util.Map<Long, double[]> items = new java.util.LinkedHashMap<>();
            java.util.Map<Long, String> categories = new java.util.HashMap<>();
            rows.forEach(r -> {
                items.put(r.getLong("media_item_id"), new double[] {r.getDouble("score"), r.getLong("stories")});
                categories.put(r.getLong("media_item_id"), r.getString("category"));
            });
            return Preference.of(items, categories);
        });
    }

    /** Up to {@code limit} eligible images in the D14 order. */
    static Future<List<Planner.Candidate>> eligible(SqlClient client, long tenantId, Instant now, int avoidRepostDays, int limit) {
        return client.preparedQuery(ELIGIBLE).execute(Tuple.of(tenantId, Sql.utc(now), avoidRepostDays, limit))
                .map(rows -> {
                    List<Planner.Candidate> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new Planner.Candidate(r.getLong("id"), r.getString("category"), r.getString("file_hash"))));
                    return list;
                });
    }

    /** Eligible images of each category (lower case) in the D14 order, up to its limit ({@code limits}, by category). */
    static Future<java.util.Map<String, List<Planner.Candidate>>> eligibleIn(SqlClient client, long tenantId, Instant now,
                                                                              int avoidRepostDays, java.util.Map<String, Integer> limits) {
        List<String> categories = new ArrayList<>(limits.keySet());
        return client.preparedQuery(ELIGIBLE_IN).execute(Tuple.of(tenantId, Sql.utc(now), avoidRepostDays,
                        limits.values().toArray(Integer[]::new), categories.toArray(String[]::new)))
                .map(rows -> {
                    java.util.Map<String, List<Planner.Candidate>> found = new java.util.LinkedHashMap<>();
                    categories.forEach(c -> found.put(c, new ArrayList<>()));
                    rows.forEach(r -> found.get(r.getString("wanted")).add(new Planner.Candidate(r.getLong("id"), r.getString("category"),
                            r.getString("file_hash"))));
                    return found;
                });
    }

    /** Future planned slots per category (lower case). */
    static Future<java.util.Map<String, Integer>> plannedCategories(SqlClient conn, long tenantId, Instant now) {
        return conn.preparedQuery(PLANNED_CATEGORIES).execute(Tuple.of(tenantId, Sql.utc(now))).map(rows -> {
            java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            rows.forEach(r -> counts.put(r.getString("category"), r.getLong("slots").intValue()));
            return counts;
        });
    }

    /** The category of the tenant's latest slot with an image, or null. */
    static Future<String> lastCategory(SqlClient conn, long tenantId) {
        return conn.preparedQuery(LAST_CATEGORY).execute(Tuple.of(tenantId))
                .map(r -> r.size() == 0 ? null : r.iterator().next().getString(0));
    }

    /** Inserts one tenant's slots (a key already taken is skipped); how many were added. */
    static Future<Integer> insert(SqlClient conn, long tenantId, boolean dryRun, List<NewSlot> slots) {
        if (slots.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return conn.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(tenantId,
                        slots.stream().map(NewSlot::key).toArray(String[]::new),
                        slots.stream().map(NewSlot::date).toArray(LocalDate[]::new),
                        slots.stream().map(NewSlot::index).toArray(Integer[]::new),
                        slots.stream().map(s -> Sql.utc(s.at())).toArray(java.time.OffsetDateTime[]::new),
                        slots.stream().map(NewSlot::mediaItemId).toArray(Long[]::new),
                        dryRun)))
                .map(rows -> rows.rowCount());
    }

    /** Gives one tenant's planned slots without an image one; how many took it. */
    static Future<Integer> fill(SqlClient conn, long tenantId, List<Fill> fills) {
        if (fills.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return conn.preparedQuery(FILL).execute(Tuple.of(tenantId, fills.stream().map(Fill::queueId).toArray(Long[]::new),
                fills.stream().map(Fill::mediaItemId).toArray(Long[]::new))).map(rows -> rows.rowCount());
    }
}
