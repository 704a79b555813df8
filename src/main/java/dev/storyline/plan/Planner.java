package dev.storyline.plan;

import dev.storyline.db.Sql;
import dev.storyline.config.AppConfig;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Tops off a tenant's plan (D9, D14): the slots of the horizon that are missing are inserted with
 * {@code ON CONFLICT (tenant_id, slot_key) DO NOTHING}, each with an eligible image; planned slots
 * the settings no longer produce (another time, another count) are replaced; planned slots still
 * without an image get one when the library has one. One transaction under a per-tenant advisory
 * lock, so two top-offs never pick the same image twice. Running it again changes nothing.
 */
public final class Planner {
    /** What a top-off did. {@code until} is the last local date of the horizon. */
    public record TopOff(int added, int alreadyPlanned, int withoutImage, int replaced, int filled, LocalDate until) {
        public JsonObject toJson() {
            return new JsonObject().put("added", added).put("alreadyPlanned", alreadyPlanned).put("withoutImage", withoutImage)
                    .put("replaced", replaced).put("filled", filled).put("until", until.toString());
        }

        public static TopOff fromJson(JsonObject json) {
            return new TopOff(json.getInteger("added"), json.getInteger("alreadyPlanned"), json.getInteger("withoutImage"),
                    json.getInteger("replaced"), json.getInteger("filled"), LocalDate.parse(json.getString("until")));
        }
    }

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('storyline.plan:' || $1, 0))";

    private static final String FUTURE_PLANNED = "SELECT " + QueueItem.COLUMNS + " " + """
            FROM posting_queue WHERE tenant_id = $1 AND state = 'planned' AND NOT is_manual AND scheduled_for > $2""";

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
    static final String ELIGIBLE = """
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

    private static final String INSERT = """
            INSERT INTO posting_queue (tenant_id, slot_key, local_date, slot_index, scheduled_for, due_at, media_item_id, route, dry_run)
            VALUES ($1, $2, $3, $4, $5, $5, $6, NULL, $7)
            ON CONFLICT (tenant_id, slot_key) DO NOTHING""";

    /** The category of the tenant's latest slot with an image (planned or sent): the next pick prefers another (D14). */
    private static final String LAST_CATEGORY = """
            SELECT m.category FROM posting_queue q JOIN media_items m ON m.id = q.media_item_id AND m.tenant_id = q.tenant_id
             WHERE q.tenant_id = $1 ORDER BY q.scheduled_for DESC, q.id DESC LIMIT 1""";

    private static final String FILL = """
            UPDATE posting_queue SET media_item_id = $3, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state = 'planned' AND media_item_id IS NULL""";

    /** An image that may be planned. */
    public record Candidate(long id, String category, String hash) {
    }

    private final Pool pool;
    private final dev.storyline.run.ServiceRunRepository runs;
    private final AppConfig.SchedulingConfig scheduling;
    private final Clock clock;

    public Planner(Pool pool, AppConfig.SchedulingConfig scheduling, Clock clock) {
        this.runs = new dev.storyline.run.ServiceRunRepository(pool, clock);
        this.pool = pool;
        this.scheduling = scheduling;
        this.clock = clock;
    }

    public static SlotPlanner.Window window(Tenant tenant) {
        return new SlotPlanner.Window(tenant.postsPerDay(), tenant.postingHoursStart(), tenant.postingHoursEnd(),
                ZoneId.of(tenant.timezone()));
    }

    /**
     * A top-off recorded in {@code service_runs} as {@code plan.top_off}: always when someone asked for
     * it, and for the scheduler's own (start, every 6 h) only when it changed something, so a quiet
     * plan does not fill the table.
     */
    public Future<TopOff> topOff(Tenant tenant, int days, dev.storyline.run.Trigger trigger) {
        boolean asked = trigger != dev.storyline.run.Trigger.STARTUP && trigger != dev.storyline.run.Trigger.SCHEDULE;
        if (asked) {
            return runs.recorded(tenant.id(), "plan.top_off", trigger, null, new io.vertx.core.json.JsonObject().put("days", days),
                    () -> topOff(tenant, days), TopOff::toJson);
        }
        return topOff(tenant, days).compose(result -> result.added() + result.replaced() + result.filled() == 0
                ? Future.succeededFuture(result)
                : runs.start(tenant.id(), "plan.top_off", trigger, null, new io.vertx.core.json.JsonObject().put("days", days))
                        .compose(run -> runs.completed(run, result.toJson())).map(result).otherwise(result));
    }

    public Future<TopOff> topOff(Tenant tenant, int days) {
        Instant now = clock.instant();
        SlotPlanner.Window window = window(tenant);
        List<SlotPlanner.Slot> wanted = SlotPlanner.horizon(tenant.id(), window, now, days);
        LocalDate today = now.atZone(window.zone()).toLocalDate();
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(String.valueOf(tenant.id())))
                .compose(v -> conn.preparedQuery(FUTURE_PLANNED).execute(Tuple.of(tenant.id(), Sql.utc(now))))
                .compose(rows -> {
                    List<QueueItem> planned = new ArrayList<>();
                    rows.forEach(r -> planned.add(QueueItem.map(r)));
                    List<Long> stale = stale(tenant, window, planned);
                    List<QueueItem> empty = planned.stream()
                            .filter(item -> item.mediaItemId() == null && !stale.contains(item.id())).toList();
                    Future<Integer> replaced = stale.isEmpty() ? Future.succeededFuture(0)
                            : conn.preparedQuery(DELETE).execute(Tuple.of(tenant.id(), (Object) stale.toArray(Long[]::new))).map(r -> r.rowCount());
                    return replaced.compose(moved -> conn.preparedQuery(KEYS)
                            .execute(Tuple.of(tenant.id(), today.minusDays(1), Sql.utc(now.minusSeconds(3 * 86400))))
                            .compose(keys -> {
                                Set<String> taken = new HashSet<>();
                                keys.forEach(r -> taken.add(r.getString(0)));
                                List<SlotPlanner.Slot> missing = wanted.stream().filter(slot -> !taken.contains(slot.key())).toList();
                                int needed = missing.size() + empty.size();
                                Future<List<Candidate>> candidates = needed == 0 ? Future.succeededFuture(List.of())
                                        : eligible(conn, tenant.id(), now, scheduling.avoidRepostDays(), needed + 20);
                                Future<String> lastCategory = needed == 0 ? Future.succeededFuture(null)
                                        : conn.preparedQuery(LAST_CATEGORY).execute(Tuple.of(tenant.id()))
                                                .map(r -> r.size() == 0 ? null : r.iterator().next().getString(0));
                                return candidates.compose(found -> lastCategory.compose(category ->
                                                fill(conn, tenant, missing, empty, found, category)))
                                        .map(result -> new TopOff(result[0], wanted.size() - missing.size(), result[2], moved, result[1],
                                                today.plusDays(days - 1)));
                            }));
                }));
    }

    /** Inserts the missing slots and fills the empty ones from {@code candidates}: {added, filled, without image}. */
    private Future<int[]> fill(SqlConnection conn, Tenant tenant, List<SlotPlanner.Slot> missing, List<QueueItem> empty,
                               List<Candidate> candidates, String lastCategory) {
        Picker picker = new Picker(candidates, lastCategory);
        List<Tuple> inserts = new ArrayList<>();
        int withoutImage = 0;
        for (SlotPlanner.Slot slot : missing) {
            Candidate pick = picker.next();
            withoutImage += pick == null ? 1 : 0;
            inserts.add(Tuple.from(Arrays.asList(tenant.id(), slot.key(), slot.date(), slot.index(), Sql.utc(slot.at()),
                    pick == null ? null : pick.id(), tenant.dryRun())));
        }
        List<Tuple> fills = new ArrayList<>();
        for (QueueItem item : empty) {
            Candidate pick = picker.next();
            if (pick != null) {
                fills.add(Tuple.of(tenant.id(), item.id(), pick.id()));
            } else {
                withoutImage++;
            }
        }
        int noImage = withoutImage;
        return batch(conn, INSERT, inserts).compose(added -> batch(conn, FILL, fills).map(filled -> new int[] {added, filled, noImage}));
    }

    /** Future planned slots whose time or index the current settings no longer produce (or whose dry-run flag changed). */
    private static List<Long> stale(Tenant tenant, SlotPlanner.Window window, List<QueueItem> planned) {
        Map<LocalDate, List<SlotPlanner.Slot>> days = new HashMap<>();
        List<Long> stale = new ArrayList<>();
        for (QueueItem item : planned) {
            if (item.localDate() == null || item.slotIndex() == null || item.attempts() > 0) {
                continue;
            }
            List<SlotPlanner.Slot> day = days.computeIfAbsent(item.localDate(), d -> SlotPlanner.day(tenant.id(), window, d));
            boolean same = item.slotIndex() < day.size()
                    && Objects.equals(day.get(item.slotIndex()).at(), item.scheduledFor())
                    && item.dryRun() == tenant.dryRun();
            if (!same) {
                stale.add(item.id());
            }
        }
        return stale;
    }

    /** Up to {@code limit} eligible images in the D14 order. */
    public static Future<List<Candidate>> eligible(SqlClient client, long tenantId, Instant now, int avoidRepostDays, int limit) {
        return client.preparedQuery(ELIGIBLE).execute(Tuple.of(tenantId, Sql.utc(now), avoidRepostDays, limit))
                .map(rows -> {
                    List<Candidate> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new Candidate(r.getLong("id"), r.getString("category"), r.getString("file_hash"))));
                    return list;
                });
    }

    private static Future<Integer> batch(SqlConnection conn, String sql, List<Tuple> tuples) {
        if (tuples.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return conn.preparedQuery(sql).executeBatch(tuples).map(rows -> {
            int count = 0;
            for (var set = rows; set != null; set = set.next()) {
                count += set.rowCount();
            }
            return count;
        });
    }

    /** Picks in the D14 order, avoiding the previous pick's category when another is available, and each content once. */
    static final class Picker {
        private final LinkedHashMap<Long, Candidate> left = new LinkedHashMap<>();
        private final Set<String> usedHashes = new HashSet<>();
        private String previousCategory;

        /** {@code previousCategory}: the category of the slot before the first one picked (the last top-off's), or null. */
        Picker(List<Candidate> candidates, String previousCategory) {
            candidates.forEach(c -> left.put(c.id(), c));
            this.previousCategory = previousCategory;
        }

        Candidate next() {
            Candidate first = null;
            Candidate other = null;
            for (Candidate c : left.values()) {
                if (usedHashes.contains(c.hash())) {
                    continue;
                }
                if (first == null) {
                    first = c;
                }
                if (!Objects.equals(c.category(), previousCategory) || previousCategory == null) {
                    other = c;
                    break;
                }
            }
            Candidate pick = other != null ? other : first;
            if (pick != null) {
                left.remove(pick.id());
                usedHashes.add(pick.hash());
                previousCategory = pick.category();
            }
            return pick;
        }
    }
}
