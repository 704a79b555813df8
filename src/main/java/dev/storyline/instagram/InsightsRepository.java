package dev.storyline.instagram;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Story insights (D31) in {@code instagram_post_metrics}: which live stories are due a reading (hourly
 * while live, the final one from 22 hours on), storing a reading, ending a series, and the read-outs
 * for {@code /stats}, the admin API and the CLI.
 */
public final class InsightsRepository {
    public static final Duration EVERY = Duration.ofHours(1);
    public static final Duration FINAL_FROM = Duration.ofHours(22);
    public static final Duration LIVE = Duration.ofHours(24);

    /** A story whose next reading is due: {@code last} null before its first. */
    public record Due(long historyId, long tenantId, String mediaId, Instant postedAt, Instant last, String accountId) {
        public Duration age(Instant now) {
            return Duration.between(postedAt, now);
        }
    }

    /** The stories with a running series whose next reading is at or before $1, soonest first; $2 at most. */
    private static final String DUE = """
            SELECT s.id, s.tenant_id, s.instagram_media_id, s.posted_at, s.last_at, a.account_id
              FROM (SELECT h.id, h.tenant_id, h.instagram_media_id, coalesce(h.instagram_posted_at, h.completed_at) AS posted_at,
                           (SELECT max(p.taken_at) FROM instagram_post_metrics p WHERE p.history_id = h.id) AS last_at
                      FROM posting_history h
                     WHERE h.instagram_media_id IS NOT NULL AND h.insights_ended_at IS NULL AND NOT h.dry_run) s
              LEFT JOIN instagram_accounts a ON a.tenant_id = s.tenant_id
             WHERE least(coalesce(s.last_at, s.posted_at) + interval '1 hour', s.posted_at + interval '22 hours') <= $1
             ORDER BY least(coalesce(s.last_at, s.posted_at) + interval '1 hour', s.posted_at + interval '22 hours'), s.id
             LIMIT $2""";

    /** A reading, and with {@code $6} (final) the series' end, in one statement. */
    private static final String STORE = """
            WITH m AS (
                INSERT INTO instagram_post_metrics (tenant_id, history_id, instagram_media_id, taken_at, age_minutes, is_final, reach,
                                                    replies, shares, total_interactions, follows, profile_visits, navigation,
                                                    taps_forward, taps_back, exits, swipes_forward, followers)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                        (SELECT followers_count FROM instagram_accounts WHERE tenant_id = $1))
                ON CONFLICT (history_id, taken_at) DO NOTHING RETURNING history_id)
            UPDATE posting_history SET insights_ended_at = $4, insights_end = 'final'
             WHERE id = $2 AND $6 AND insights_ended_at IS NULL""";

    /** The account's follower count as Graph gave it (D31), for the readings to keep beside their reach. */
    private static final String FOLLOWERS = """
            UPDATE instagram_accounts SET followers_count = $2, followers_checked_at = $3 WHERE account_id = $1""";

    Future<Void> followers(String accountId, Integer count, Instant now) {
        return pool.preparedQuery(FOLLOWERS).execute(Tuple.of(accountId, count, dev.storyline.db.Sql.utc(now))).mapEmpty();
    }

    private static final String END = """
            UPDATE posting_history SET insights_ended_at = $2, insights_end = $3 WHERE id = $1 AND insights_ended_at IS NULL""";

    /** Each story of the tenant with a series, newest first, with its latest reading. */
    private static final String STORIES = """
            SELECT h.id, h.instagram_media_id, h.instagram_permalink, coalesce(h.instagram_posted_at, h.completed_at) AS posted_at,
                   h.route, h.insights_end, m.title, m.path, m.category, l.taken_at, l.is_final, l.reach, l.replies, l.shares,
                   l.total_interactions, l.follows, l.profile_visits, l.navigation, l.taps_forward, l.taps_back, l.exits,
                   l.swipes_forward, (SELECT count(*) FROM instagram_post_metrics c WHERE c.history_id = h.id) AS readings
              FROM posting_history h
              LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id
              LEFT JOIN LATERAL (SELECT * FROM instagram_post_metrics p WHERE p.history_id = h.id
                                  ORDER BY p.taken_at DESC LIMIT 1) l ON true
             WHERE h.tenant_id = $1 AND h.instagram_media_id IS NOT NULL AND NOT h.dry_run
               AND coalesce(h.instagram_posted_at, h.completed_at) >= $2
             ORDER BY posted_at DESC, h.id DESC
             LIMIT $3""";

    /** A story a person marked Posted, not yet matched to one of the account's stories. */
    public record Pending(long historyId, long tenantId, Instant notifiedAt, Instant pressedAt, String mimeType, String accountId) {
        /** Graph's media type this story must have: VIDEO for a video, IMAGE otherwise. */
        public String mediaType() {
            return mimeType != null && mimeType.startsWith("video/") ? "VIDEO" : "IMAGE";
        }
    }

    /** Hand-posted stories of the last 24 hours still to match, on tenants with an account; not tried within 5 minutes. */
    private static final String PENDING = """
            SELECT h.id, h.tenant_id, h.notified_at, h.completed_at, m.mime_type, a.account_id
              FROM posting_history h
              JOIN instagram_accounts a ON a.tenant_id = h.tenant_id
              LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id
             WHERE h.outcome = 'posted' AND h.instagram_media_id IS NULL AND h.instagram_match_end IS NULL
               AND h.completed_at > $1::timestamptz - interval '24 hours' AND h.notified_at IS NOT NULL AND NOT h.dry_run
               AND h.route IS DISTINCT FROM 'instagram'
               AND (h.instagram_match_tried_at IS NULL OR h.instagram_match_tried_at <= $1::timestamptz - interval '5 minutes')
             ORDER BY h.completed_at, h.id
             LIMIT $2""";

    private static final String TAKEN = """
            SELECT instagram_media_id FROM posting_history WHERE tenant_id = $1 AND instagram_media_id = ANY($2)""";

    private static final String MATCH = """
            UPDATE posting_history SET instagram_media_id = $2, instagram_permalink = $3, instagram_posted_at = $4, instagram_match = $5,
                                       instagram_match_end = 'matched', instagram_match_tried_at = $6
             WHERE id = $1 AND instagram_media_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM posting_history o WHERE o.tenant_id = posting_history.tenant_id AND o.instagram_media_id = $2)""";

    private static final String TRIED = """
            UPDATE posting_history SET instagram_match_tried_at = $2, instagram_match_end = $3, instagram_match = coalesce($4, instagram_match)
             WHERE id = $1 AND instagram_media_id IS NULL""";

    private final Pool pool;

    public InsightsRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<List<Due>> due(Instant now, int limit) {
        return pool.preparedQuery(DUE).execute(Tuple.of(Sql.utc(now), limit)).map(rows -> {
            List<Due> due = new ArrayList<>();
            for (Row r : rows) {
                due.add(new Due(r.getLong("id"), r.getLong("tenant_id"), r.getString("instagram_media_id"),
                        r.getOffsetDateTime("posted_at").toInstant(),
                        r.getOffsetDateTime("last_at") == null ? null : r.getOffsetDateTime("last_at").toInstant(), r.getString("account_id")));
            }
            return due;
        });
    }

    /** Stores a reading taken at {@code at} (a null {@code metrics}: Graph had no figures yet); a final one ends the series. */
    public Future<Void> store(Due story, Instant at, boolean last, StoryMetrics metrics) {
        StoryMetrics m = metrics == null ? new StoryMetrics(null, null, null, null, null, null, null, null, null, null, null) : metrics;
        return pool.preparedQuery(STORE).execute(Tuple.from(Arrays.asList(story.tenantId(), story.historyId(), story.mediaId(), Sql.utc(at),
                (int) story.age(at).toMinutes(), last, m.reach(), m.replies(), m.shares(), m.totalInteractions(), m.follows(),
                m.profileVisits(), m.navigation(), m.tapsForward(), m.tapsBack(), m.exits(), m.swipesForward()))).mapEmpty();
    }

    public Future<List<Pending>> pending(Instant now, int limit) {
        return pool.preparedQuery(PENDING).execute(Tuple.of(Sql.utc(now), limit)).map(rows -> {
            List<Pending> pending = new ArrayList<>();
            for (Row r : rows) {
                pending.add(new Pending(r.getLong("id"), r.getLong("tenant_id"), r.getOffsetDateTime("notified_at").toInstant(),
                        r.getOffsetDateTime("completed_at").toInstant(), r.getString("mime_type"), r.getString("account_id")));
            }
            return pending;
        });
    }

    /** Which of these media ids a story of the tenant already holds. */
    public Future<java.util.Set<String>> taken(long tenantId, List<String> mediaIds) {
        return pool.preparedQuery(TAKEN).execute(Tuple.of(tenantId, (Object) mediaIds.toArray(String[]::new))).map(rows -> {
            java.util.Set<String> taken = new java.util.HashSet<>();
            rows.forEach(r -> taken.add(r.getString(0)));
            return taken;
        });
    }

    /** Records the match and its evidence; false when the row or the story was matched meanwhile. */
    public Future<Boolean> match(Pending story, GraphClient.TimedStory found, JsonObject evidence, Instant now) {
        return pool.preparedQuery(MATCH).execute(Tuple.from(Arrays.asList(story.historyId(), found.mediaId(), found.permalink(),
                Sql.utc(found.timestamp()), evidence, Sql.utc(now)))).map(rows -> rows.rowCount() == 1);
    }

    /** An attempt that found no single story: tried again later ({@code end} null), or ended {@code ambiguous} / {@code unmatched}. */
    public Future<Void> tried(long historyId, Instant now, String end, JsonObject evidence) {
        return pool.preparedQuery(TRIED).execute(Tuple.of(historyId, Sql.utc(now), end, evidence)).mapEmpty();
    }

    /** Ends a series without a final reading: {@code expired} (24 h passed first) or {@code gone} (Graph no longer has it). */
    public Future<Void> end(long historyId, Instant at, String why) {
        return pool.preparedQuery(END).execute(Tuple.of(historyId, Sql.utc(at), why)).mapEmpty();
    }

    /** The tenant's stories since {@code since}, newest first, each with its latest reading (JSON for the bus, the API and the CLI). */
    public Future<JsonArray> stories(long tenantId, Instant since, int limit) {
        return pool.preparedQuery(STORIES).execute(Tuple.of(tenantId, Sql.utc(since), limit)).map(rows -> {
            JsonArray out = new JsonArray();
            for (Row r : rows) {
                String title = r.getString("title") != null ? r.getString("title")
                        : r.getString("path") == null ? null : r.getString("path").replaceAll(".*/", "");
                JsonObject latest = r.getOffsetDateTime("taken_at") == null ? null : new StoryMetrics(r.getInteger("reach"),
                        r.getInteger("replies"), r.getInteger("shares"), r.getInteger("total_interactions"), r.getInteger("follows"),
                        r.getInteger("profile_visits"), r.getInteger("navigation"), r.getInteger("taps_forward"), r.getInteger("taps_back"),
                        r.getInteger("exits"), r.getInteger("swipes_forward")).toJson()
                        .put("takenAt", r.getOffsetDateTime("taken_at").toInstant().toString()).put("final", r.getBoolean("is_final"));
                out.add(new JsonObject().put("historyId", r.getLong("id")).put("mediaId", r.getString("instagram_media_id"))
                        .put("permalink", r.getString("instagram_permalink")).put("postedAt", r.getOffsetDateTime("posted_at").toInstant().toString())
                        .put("route", r.getString("route")).put("title", title).put("category", r.getString("category"))
                        .put("readings", r.getLong("readings")).put("seriesEnd", r.getString("insights_end")).put("latest", latest));
            }
            return out;
        });
    }

    /** A week's read-out for {@code /stats}: totals of each story's latest reading, the top 3 by reach, average reach per category. */
    public record Week(int stories, long reach, long replies, long exits, List<JsonObject> top, Map<String, Long> averageReachByCategory) {
    }

    public Future<Week> week(long tenantId, Instant now) {
        return stories(tenantId, now.minus(Duration.ofDays(7)), 1000).map(all -> {
            long reach = 0;
            long replies = 0;
            long exits = 0;
            int measured = 0;
            Map<String, long[]> byCategory = new LinkedHashMap<>();
            List<JsonObject> withReach = new ArrayList<>();
            for (Object each : all) {
                JsonObject story = (JsonObject) each;
                JsonObject latest = story.getJsonObject("latest");
                if (latest == null) {
                    continue;
                }
                measured++;
                Integer r = latest.getInteger("reach");
                reach += r == null ? 0 : r;
                replies += latest.getInteger("replies") == null ? 0 : latest.getInteger("replies");
                exits += latest.getInteger("exits") == null ? 0 : latest.getInteger("exits");
                if (r != null) {
                    withReach.add(story);
                    String category = story.getString("category") == null ? "(none)" : story.getString("category");
                    long[] sum = byCategory.computeIfAbsent(category, c -> new long[2]);
                    sum[0] += r;
                    sum[1]++;
                }
            }
            withReach.sort((a, b) -> Integer.compare(b.getJsonObject("latest").getInteger("reach"), a.getJsonObject("latest").getInteger("reach")));
            Map<String, Long> averages = new LinkedHashMap<>();
            byCategory.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0] / b.getValue()[1], a.getValue()[0] / a.getValue()[1]))
                    .forEach(e -> averages.put(e.getKey(), Math.round((double) e.getValue()[0] / e.getValue()[1])));
            return new Week(measured, reach, replies, exits, withReach.subList(0, Math.min(3, withReach.size())), averages);
        });
    }
}
