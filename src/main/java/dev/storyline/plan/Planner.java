package dev.storyline.plan;

import dev.storyline.config.AppConfig;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
     * AVOID_REPOST_DAYS; never posted first, then least recently posted, fewest posts, random.
     */
    static final String ELIGIBLE = """
            SELECT m.id, m.category, m.file_hash
              FROM media_items m
             WHERE m.tenant_id = $1 AND m.is_active
               AND NOT EXISTS (SELECT 1 FROM media_locks l WHERE l.tenant_id = $1 AND l.media_item_id = m.id AND l.locked_until > $2)
               AND NOT EXISTS (SELECT 1 FROM posting_queue q JOIN media_items o ON o.id = q.media_item_id
                                WHERE q.tenant_id = $1 AND o.tenant_id = $1 AND o.file_hash = m.file_hash)
               AND NOT EXISTS (SELECT 1 FROM posting_history h JOIN media_items o ON o.id = h.media_item_id
                                WHERE h.tenant_id = $1 AND h.outcome = 'posted' AND NOT h.dry_run AND o.file_hash = m.file_hash
                                  AND h.completed_at > $2 - make_interval(days => $3))
             ORDER BY m.times_posted = 0 DESC, m.last_posted_at NULLS FIRST, m.times_posted, random()
             LIMIT $4""";

    private static final String INSERT = """
            INSERT INTO posting_queue (tenant_id, slot_key, local_date, slot_index, scheduled_for, due_at, media_item_id, route, dry_run)
            VALUES ($1, $2, $3, $4, $5, $5, $6, 'telegram', $7)
            ON CONFLICT (tenant_id, slot_key) DO NOTHING""";

    private static final String FILL = """
            UPDATE posting_queue SET media_item_id = $3, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state = 'planned' AND media_item_id IS NULL""";

    /** An image that may be planned. */
    public record Candidate(long id, String category, String hash) {
    }

    private final Pool pool;
    private final AppConfig.SchedulingConfig scheduling;
    private final Clock clock;

    public Planner(Pool pool, AppConfig.SchedulingConfig scheduling, Clock clock) {
        this.pool = pool;
        this.scheduling = scheduling;
        this.clock = clock;
    }

    public static SlotPlanner.Window window(Tenant tenant) {
        return new SlotPlanner.Window(tenant.postsPerDay(), tenant.postingHoursStart(), tenant.postingHoursEnd(),
                ZoneId.of(tenant.timezone()));
    }

    public Future<TopOff> topOff(Tenant tenant, int days) {
        Instant now = clock.instant();
        SlotPlanner.Window window = window(tenant);
        List<SlotPlanner.Slot> wanted = SlotPlanner.horizon(tenant.id(), window, now, days);
        LocalDate today = now.atZone(window.zone()).toLocalDate();
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(String.valueOf(tenant.id())))
                .compose(v -> replaceChanged(conn, tenant, window, now))
                .compose(replaced -> conn.preparedQuery(KEYS).execute(Tuple.of(tenant.id(), today.minusDays(1), utc(now.minusSeconds(3 * 86400))))
                        .compose(rows -> {
                            Set<String> taken = new HashSet<>();
                            rows.forEach(r -> taken.add(r.getString(0)));
                            List<SlotPlanner.Slot> missing = wanted.stream().filter(s -> !taken.contains(s.key())).toList();
                            return conn.preparedQuery(FUTURE_PLANNED).execute(Tuple.of(tenant.id(), utc(now))).compose(planned -> {
                                List<QueueItem> empty = new ArrayList<>();
                                planned.forEach(r -> {
                                    QueueItem item = QueueItem.map(r);
                                    if (item.mediaItemId() == null) {
                                        empty.add(item);
                                    }
                                });
                                return eligible(conn, tenant.id(), now, scheduling.avoidRepostDays(), missing.size() + empty.size() + 20)
                                        .compose(candidates -> {
                                    Picker picker = new Picker(candidates);
                                    List<Tuple> inserts = new ArrayList<>();
                                    int withoutImage = 0;
                                    for (SlotPlanner.Slot slot : missing) {
                                        Candidate pick = picker.next();
                                        withoutImage += pick == null ? 1 : 0;
                                        inserts.add(Tuple.from(Arrays.asList(tenant.id(), slot.key(), slot.date(), slot.index(),
                                                utc(slot.at()), pick == null ? null : pick.id(), tenant.dryRun())));
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
                                    return batch(conn, INSERT, inserts).compose(added -> batch(conn, FILL, fills).map(filled ->
                                            new TopOff(added, wanted.size() - missing.size(), noImage, replaced, filled,
                                                    today.plusDays(days - 1))));
                                });
                            });
                        })));
    }

    /** Future planned slots whose time or index the current settings no longer produce. */
    private Future<Integer> replaceChanged(SqlConnection conn, Tenant tenant, SlotPlanner.Window window, Instant now) {
        return conn.preparedQuery(FUTURE_PLANNED).execute(Tuple.of(tenant.id(), utc(now))).compose(rows -> {
            Map<LocalDate, List<SlotPlanner.Slot>> days = new HashMap<>();
            List<Long> stale = new ArrayList<>();
            for (Row row : rows) {
                QueueItem item = QueueItem.map(row);
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
            if (stale.isEmpty()) {
                return Future.succeededFuture(0);
            }
            return conn.preparedQuery(DELETE).execute(Tuple.of(tenant.id(), stale.toArray(Long[]::new))).map(r -> r.rowCount());
        });
    }

    /** Up to {@code limit} eligible images in the D14 order. */
    public static Future<List<Candidate>> eligible(SqlClient client, long tenantId, Instant now, int avoidRepostDays, int limit) {
        return client.preparedQuery(ELIGIBLE).execute(Tuple.of(tenantId, utc(now), avoidRepostDays, limit))
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

        Picker(List<Candidate> candidates) {
            candidates.forEach(c -> left.put(c.id(), c));
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

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
