package dev.storyline.miniapp;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Mini App's own SQL (D30): which teams a person may see, the plan with what each slot shows,
 * the library grid with its filters, filtered history, the charts' daily counts, a person's moves,
 * and the one-time browser login links. Everything else it shows comes from the repositories the
 * chat uses, so the app and the chat cannot disagree.
 */
public final class AppRepository {
    /** Approved teams the person was seen in (the membership cache the bot keeps); every approved team for a Storyline admin. */
    private static final String TEAMS = """
            SELECT t.id, t.title, t.chat_type, t.is_paused, m.user_id IS NOT NULL AS member
              FROM tenants t LEFT JOIN tenant_members m ON m.tenant_id = t.id AND m.user_id = $1
             WHERE t.state = 'approved' AND (m.user_id IS NOT NULL OR $2)
             ORDER BY t.title, t.id""";

    private static final String PERSON = "SELECT id, role, is_active, username, first_name FROM users WHERE id = $1";

    private static final String MEMBER = "SELECT 1 FROM tenant_members WHERE tenant_id = $1 AND user_id = $2";

    private static final String PLAN = """
            SELECT q.id, q.scheduled_for, q.due_at, q.state, q.attempts, q.last_error, q.moved_at, mu.username AS moved_by,
                   m.id AS media_id, m.title, m.path, m.category, m.file_hash, m.mime_type, m.duration_ms,
                   coalesce(q.route, CASE WHEN t.enable_instagram AND NOT q.dry_run AND NOT coalesce(m.requires_interaction, false)
                                           AND EXISTS (SELECT 1 FROM instagram_accounts a WHERE a.tenant_id = t.id AND a.token_status = 'valid')
                                          THEN 'instagram' ELSE 'telegram' END) AS route
              FROM posting_queue q JOIN tenants t ON t.id = q.tenant_id
                   LEFT JOIN media_items m ON m.id = q.media_item_id AND m.tenant_id = q.tenant_id
                   LEFT JOIN users mu ON mu.id = q.moved_by
             WHERE q.tenant_id = $1 AND q.scheduled_for >= $2 AND q.scheduled_for < $3
             ORDER BY q.scheduled_for, q.id""";

    private static final String MOVE = """
            UPDATE posting_queue SET scheduled_for = $3, due_at = $3, moved_at = $4, moved_by = $5
             WHERE tenant_id = $1 AND id = $2 AND state = 'planned' AND attempts = 0 RETURNING id""";

    private static final String SWAP = """
            UPDATE posting_queue SET media_item_id = $3 WHERE tenant_id = $1 AND id = $2 AND state = 'planned' RETURNING id""";

    private static final String SLOT_STATE = "SELECT state FROM posting_queue WHERE tenant_id = $1 AND id = $2";

    private static final String LIBRARY = """
            SELECT m.id, m.title, m.path, m.category, m.file_hash, m.mime_type, m.duration_ms, m.width, m.height, m.times_posted,
                   m.last_posted_at, m.is_active, l.reason AS lock_reason, l.locked_until, count(*) OVER () AS total
              FROM media_items m
              LEFT JOIN LATERAL (SELECT reason, locked_until FROM media_locks k WHERE k.tenant_id = m.tenant_id AND k.media_item_id = m.id
                                    AND k.locked_until > $2 ORDER BY k.locked_until DESC LIMIT 1) l ON true
             WHERE m.tenant_id = $1 AND m.is_active
               AND ($3::text IS NULL OR lower(m.category) = lower($3))
               AND ($4::text IS NULL
                    OR ($4 = 'never' AND m.times_posted = 0)
                    OR ($4 = 'locked' AND l.reason IS NOT NULL)
                    OR ($4 = 'rejected' AND l.reason = 'rejected')
                    OR ($4 = 'videos' AND m.mime_type LIKE 'video/%'))
             ORDER BY m.id DESC LIMIT $5 OFFSET $6""";

    private static final String ITEM = """
            SELECT id, path, file_hash, mime_type FROM media_items WHERE tenant_id = $1 AND id = $2""";

    private static final String HISTORY = """
            SELECT h.id, h.outcome, h.completed_at, h.scheduled_for, h.route, h.dry_run, h.error, h.instagram_permalink,
                   m.id AS media_id, m.title, m.path, m.category, m.file_hash, m.mime_type, u.id AS user_id, u.username, u.first_name
              FROM posting_history h
              LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id
              LEFT JOIN users u ON u.id = h.acted_by
             WHERE h.tenant_id = $1 AND ($2::text IS NULL OR h.outcome = $2) AND ($3::bigint IS NULL OR h.acted_by = $3)
             ORDER BY h.completed_at DESC, h.id DESC LIMIT $4""";

    private static final String DAILY = """
            SELECT (h.completed_at AT TIME ZONE $3)::date AS day, h.outcome, count(*) AS n
              FROM posting_history h WHERE h.tenant_id = $1 AND h.completed_at > $2 AND NOT h.dry_run
             GROUP BY 1, 2 ORDER BY 1, 2""";

    private static final String BY_CATEGORY = """
            SELECT coalesce(m.category, '') AS category, count(*) FILTER (WHERE h.outcome = 'posted') AS posted, count(*) AS stories
              FROM posting_history h LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id
             WHERE h.tenant_id = $1 AND h.completed_at > $2 AND NOT h.dry_run GROUP BY 1 ORDER BY 2 DESC, 1""";

    private static final String LOGIN_CREATE = """
            INSERT INTO app_logins (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)""";

    private static final String LOGIN_USE = """
            UPDATE app_logins SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id""";

    private static final String LOGIN_PRUNE = "DELETE FROM app_logins WHERE expires_at < $1";

    /** A person as the app needs them; {@code storylineAdmin} may see and change every team. */
    public record Person(long id, boolean storylineAdmin, boolean active, String username, String firstName) {
    }

    /** A team a person may see; {@code member}: they were seen in its chat. */
    public record Team(long chatId, String title, String chatType, boolean paused, boolean member) {
    }

    private final Pool pool;

    public AppRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Optional<Person>> person(long userId) {
        return pool.preparedQuery(PERSON).execute(Tuple.of(userId)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row r = rows.iterator().next();
            return Optional.of(new Person(r.getLong("id"), "admin".equals(r.getString("role")), r.getBoolean("is_active"),
                    r.getString("username"), r.getString("first_name")));
        });
    }

    public Future<List<Team>> teams(long userId, boolean everyTeam) {
        return pool.preparedQuery(TEAMS).execute(Tuple.of(userId, everyTeam)).map(rows -> {
            List<Team> teams = new ArrayList<>();
            for (Row r : rows) {
                teams.add(new Team(r.getLong("id"), r.getString("title"), r.getString("chat_type"), r.getBoolean("is_paused"),
                        r.getBoolean("member")));
            }
            return teams;
        });
    }

    public Future<Boolean> member(long tenantId, long userId) {
        return pool.preparedQuery(MEMBER).execute(Tuple.of(tenantId, userId)).map(rows -> rows.size() > 0);
    }

    /** Slots from {@code from} to {@code to} (any state: planned, being sent, waiting for a person), soonest first. */
    public Future<List<JsonObject>> plan(long tenantId, Instant from, Instant to) {
        return pool.preparedQuery(PLAN).execute(Tuple.of(tenantId, Sql.utc(from), Sql.utc(to))).map(AppRepository::list);
    }

    /** Moves a planned, untried slot; false when it is not planned (any more). */
    public Future<Boolean> move(long tenantId, long slotId, Instant at, long userId, Instant now) {
        return pool.preparedQuery(MOVE).execute(Tuple.of(tenantId, slotId, Sql.utc(at), Sql.utc(now), userId)).map(rows -> rows.size() == 1);
    }

    public Future<Boolean> swap(long tenantId, long slotId, long mediaItemId) {
        return pool.preparedQuery(SWAP).execute(Tuple.of(tenantId, slotId, mediaItemId)).map(rows -> rows.size() == 1);
    }

    /** The slot's state, empty when it is gone from the queue (sent, skipped, expired). */
    public Future<Optional<String>> slotState(long tenantId, long slotId) {
        return pool.preparedQuery(SLOT_STATE).execute(Tuple.of(tenantId, slotId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("state")));
    }

    /** {@code filter}: null, never, locked, rejected or videos. */
    public Future<List<JsonObject>> library(long tenantId, Instant now, String category, String filter, int limit, int offset) {
        return pool.preparedQuery(LIBRARY).execute(Tuple.of(tenantId, Sql.utc(now), category, filter, limit, offset)).map(AppRepository::list);
    }

    /** A library item's file, for its thumbnail: where it is, its content hash and type. */
    public record ItemFile(long id, java.nio.file.Path path, String fileHash, String mimeType) {
    }

    public Future<Optional<ItemFile>> item(long tenantId, long mediaItemId) {
        return pool.preparedQuery(ITEM).execute(Tuple.of(tenantId, mediaItemId)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row r = rows.iterator().next();
            return Optional.of(new ItemFile(r.getLong("id"), java.nio.file.Path.of(r.getString("path")), r.getString("file_hash"),
                    r.getString("mime_type")));
        });
    }

    public Future<List<JsonObject>> history(long tenantId, String outcome, Long person, int limit) {
        return pool.preparedQuery(HISTORY).execute(Tuple.of(tenantId, outcome, person, limit)).map(AppRepository::list);
    }

    /** Outcomes per day (in the team's zone) since {@code since}: {@code [{day, outcome, n}]}. */
    public Future<JsonArray> daily(long tenantId, Instant since, String zone) {
        return pool.preparedQuery(DAILY).execute(Tuple.of(tenantId, Sql.utc(since), zone)).map(rows -> {
            JsonArray days = new JsonArray();
            rows.forEach(r -> days.add(new JsonObject().put("day", r.getLocalDate("day").toString()).put("outcome", r.getString("outcome"))
                    .put("n", r.getLong("n"))));
            return days;
        });
    }

    public Future<JsonArray> byCategory(long tenantId, Instant since) {
        return pool.preparedQuery(BY_CATEGORY).execute(Tuple.of(tenantId, Sql.utc(since))).map(rows -> {
            JsonArray categories = new JsonArray();
            rows.forEach(r -> categories.add(new JsonObject().put("category", r.getString("category")).put("posted", r.getLong("posted"))
                    .put("stories", r.getLong("stories"))));
            return categories;
        });
    }

    /** Keeps a one-time login link's token (its SHA-256 only), valid until {@code expires}. */
    public Future<Void> createLogin(byte[] tokenHash, long userId, Instant now, Instant expires) {
        return pool.preparedQuery(LOGIN_PRUNE).execute(Tuple.of(Sql.utc(now)))
                .compose(v -> pool.preparedQuery(LOGIN_CREATE).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(tokenHash), userId,
                        Sql.utc(now), Sql.utc(expires))))
                .mapEmpty();
    }

    /** Uses up a login link: the person it was made for, once, before it expires. */
    public Future<Optional<Long>> useLogin(byte[] tokenHash, Instant now) {
        return pool.preparedQuery(LOGIN_USE).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(tokenHash), Sql.utc(now)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("user_id")));
    }

    /** Each row as the page reads it: columns in camelCase, times as ISO-8601 instants, no local path. */
    private static List<JsonObject> list(Iterable<Row> rows) {
        List<JsonObject> list = new ArrayList<>();
        for (Row r : rows) {
            JsonObject json = new JsonObject();
            for (int i = 0; i < r.size(); i++) {
                String column = r.getColumnName(i);
                if (column.equals("path")) {
                    continue;
                }
                Object value = r.getValue(i);
                if (value instanceof java.time.OffsetDateTime time) {
                    value = time.toInstant().toString();
                } else if (value instanceof java.time.temporal.Temporal temporal) {
                    value = temporal.toString();
                }
                json.put(camel(column), value);
            }
            if (r.getColumnIndex("path") >= 0 && json.getString("title") == null && r.getString("path") != null) {
                json.put("title", java.nio.file.Path.of(r.getString("path")).getFileName().toString());
            }
            list.add(json);
        }
        return list;
    }

    private static String camel(String column) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char c : column.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }
}
