package dev.storyline.tenant;

import dev.storyline.config.AppConfig.TenantDefaults;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** SQL for {@code tenants}. Rows become {@link Tenant}s here and nowhere else. */
public final class TenantRepository {

    private static final String COLUMNS = """
            id, title, chat_type, state, is_paused, paused_reason, dry_run, enable_instagram, posts_per_day,
            posting_hours_start, posting_hours_end, timezone, media_dir, settings_version""";

    private static final String FIND_ACTIVE = "SELECT " + COLUMNS + """
             FROM tenants
            WHERE state = 'approved' AND NOT is_paused
            ORDER BY id""";

    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM tenants WHERE id = $1";

    private static final String FIND_ALL = "SELECT " + COLUMNS + " FROM tenants ORDER BY state, title, id";

    private static final String REGISTER = """
            INSERT INTO tenants (id, title, chat_type, state, dry_run, enable_instagram, posts_per_day,
                                 posting_hours_start, posting_hours_end, timezone, registered_by, decided_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $4 = 'approved' THEN now() END)
            ON CONFLICT (id) DO NOTHING
            RETURNING\s""" + COLUMNS;

    private static final String DECIDE = """
            UPDATE tenants SET state = $2, decided_by = $3, decided_at = now(), updated_at = now(),
                               settings_version = settings_version + 1
             WHERE id = $1 AND state = 'pending'
            RETURNING\s""" + COLUMNS;

    private static final String LOCK = "SELECT " + COLUMNS + " FROM tenants WHERE id = $1 FOR UPDATE";

    private static final String UPDATE_SETTINGS = """
            UPDATE tenants
               SET dry_run = $2, enable_instagram = $3, is_paused = $4, paused_reason = $5,
                   paused_at = CASE WHEN $4 AND NOT is_paused THEN now() WHEN NOT $4 THEN NULL ELSE paused_at END,
                   paused_by = CASE WHEN $4 AND NOT is_paused THEN $6 WHEN NOT $4 THEN NULL ELSE paused_by END,
                   posts_per_day = $7, posting_hours_start = $8, posting_hours_end = $9, timezone = $10,
                   settings_version = settings_version + 1, updated_at = now()
             WHERE id = $1
            RETURNING\s""" + COLUMNS;

    private static final String HISTORY = """
            INSERT INTO tenant_settings_history (tenant_id, setting, old_value, new_value, changed_by, source, changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";

    private static final String DROP_NEWER_DUPLICATE = "DELETE FROM tenants WHERE id = $2 AND $1 <> $2";
    private static final String MOVE = "UPDATE tenants SET id = $2, chat_type = 'supergroup', updated_at = now() WHERE id = $1";

    private static final String COUNTS = """
            SELECT CASE WHEN state = 'approved' AND is_paused THEN 'paused' ELSE state END AS s, count(*) AS n
              FROM tenants GROUP BY 1""";

    /** A settings change as it happened: the tenant after it, and whether this call applied it. */
    public record Change(Tenant tenant, Tenant before, boolean applied) {
    }

    /**
     * Who changed a setting and through which door ({@code telegram}, {@code admin_api}, {@code cli},
     * {@code system}). From Telegram, {@code updateId} with {@code kind} and {@code name} is the
     * interaction that guards the update against replays.
     */
    public record Actor(Long userId, String source, Long updateId, String kind, String name) {
        public static Actor system() {
            return new Actor(null, "system", null, null, null);
        }

        public static Actor telegram(long userId, long updateId, String kind, String name) {
            return new Actor(userId, "telegram", updateId, kind, name);
        }
    }

    private static final Function<Row, Tenant> MAPPER = row -> new Tenant(
            row.getLong("id"),
            row.getString("title"),
            row.getString("chat_type"),
            row.getString("state"),
            row.getBoolean("is_paused"),
            row.getString("paused_reason"),
            row.getBoolean("dry_run"),
            row.getBoolean("enable_instagram"),
            row.getInteger("posts_per_day"),
            row.getInteger("posting_hours_start"),
            row.getInteger("posting_hours_end"),
            row.getString("timezone"),
            row.getString("media_dir"),
            row.getLong("settings_version"));

    private final Pool pool;

    public TenantRepository(Pool pool) {
        this.pool = pool;
    }

    /** Approved, unpaused tenants: the ones that get a scheduler. */
    public Future<List<Tenant>> findActive() {
        return pool.query(FIND_ACTIVE).execute().map(TenantRepository::all);
    }

    public Future<Optional<Tenant>> findById(long id) {
        return pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(MAPPER.apply(rows.iterator().next())));
    }

    public Future<List<Tenant>> findAll() {
        return pool.query(FIND_ALL).execute().map(TenantRepository::all);
    }

    /** Registers a chat, or finds it when it is registered already; {@code created} says which. */
    public Future<Registration> register(long chatId, String title, String chatType, String state, Long registeredBy,
                                         TenantDefaults defaults) {
        Tuple params = Tuple.of(chatId, title, chatType, state, defaults.dryRun(), defaults.enableInstagram(),
                        defaults.postsPerDay(), defaults.postingHoursStart(), defaults.postingHoursEnd())
                .addString(defaults.timezone().getId()).addValue(registeredBy);
        return pool.preparedQuery(REGISTER).execute(params).compose(rows -> rows.size() > 0
                ? Future.succeededFuture(new Registration(MAPPER.apply(rows.iterator().next()), true))
                : findById(chatId).map(found -> new Registration(found.orElseThrow(), false)));
    }

    public record Registration(Tenant tenant, boolean created) {
    }

    /** Approves or declines a pending tenant; empty when it was decided already (the first press wins). */
    public Future<Optional<Tenant>> decide(long chatId, boolean approve, Long decidedBy) {
        return pool.preparedQuery(DECIDE).execute(Tuple.of(chatId, approve ? Tenant.APPROVED : "declined", decidedBy))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(MAPPER.apply(rows.iterator().next())));
    }

    /**
     * Applies a settings change in one transaction: the interaction row (the replay guard), the new
     * values, a bumped settings version and one history row per changed setting.
     */
    public Future<Change> change(long tenantId, Actor actor, java.util.function.UnaryOperator<Tenant> edit, Instant now) {
        return pool.withTransaction(conn -> guard(conn, tenantId, actor).compose(fresh -> conn.preparedQuery(LOCK)
                .execute(Tuple.of(tenantId))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.failedFuture(new IllegalStateException("tenant " + tenantId + " does not exist"));
                    }
                    Tenant before = MAPPER.apply(rows.iterator().next());
                    if (!fresh) {
                        return Future.succeededFuture(new Change(before, before, false));
                    }
                    Tenant after = edit.apply(before);
                    return conn.preparedQuery(UPDATE_SETTINGS).execute(Tuple.of(tenantId, after.dryRun(), after.instagramEnabled(),
                                    after.paused(), after.pausedReason(), actor.userId(), after.postsPerDay(),
                                    after.postingHoursStart(), after.postingHoursEnd(), after.timezone()))
                            .map(updated -> MAPPER.apply(updated.iterator().next()))
                            .compose(saved -> history(conn, before, saved, actor, now).map(v -> new Change(saved, before, true)));
                })));
    }

    private static Future<Boolean> guard(SqlConnection conn, long tenantId, Actor actor) {
        if (actor.updateId() == null) {
            return Future.succeededFuture(true);
        }
        return new Interaction(tenantId, actor.userId(), actor.updateId(), actor.kind(), actor.name(), new JsonObject()).record(conn);
    }

    private static Future<Void> history(SqlConnection conn, Tenant before, Tenant after, Actor actor, Instant now) {
        List<Tuple> rows = new ArrayList<>();
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        String source = actor.source();
        Map<String, String[]> changes = new java.util.LinkedHashMap<>();
        changes.put("dry_run", new String[] {String.valueOf(before.dryRun()), String.valueOf(after.dryRun())});
        changes.put("enable_instagram", new String[] {String.valueOf(before.instagramEnabled()), String.valueOf(after.instagramEnabled())});
        changes.put("is_paused", new String[] {String.valueOf(before.paused()), String.valueOf(after.paused())});
        changes.put("posts_per_day", new String[] {String.valueOf(before.postsPerDay()), String.valueOf(after.postsPerDay())});
        changes.put("posting_hours", new String[] {hours(before), hours(after)});
        changes.put("timezone", new String[] {before.timezone(), after.timezone()});
        changes.forEach((setting, values) -> {
            if (!values[0].equals(values[1])) {
                rows.add(Tuple.of(after.id(), setting, values[0], values[1], actor.userId(), source, at));
            }
        });
        return rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(HISTORY).executeBatch(rows).mapEmpty();
    }

    private static String hours(Tenant t) {
        return String.format("%02d-%02d", t.postingHoursStart(), t.postingHoursEnd());
    }

    /**
     * Moves a tenant and everything it owns to a new chat id (a group became a supergroup). A tenant
     * registered under the new id in the meantime is replaced: the old one has the history.
     */
    public Future<Void> migrate(long fromChatId, long toChatId) {
        return pool.withTransaction(conn -> conn.preparedQuery(DROP_NEWER_DUPLICATE).execute(Tuple.of(fromChatId, toChatId))
                .compose(v -> conn.preparedQuery(MOVE).execute(Tuple.of(fromChatId, toChatId))).mapEmpty());
    }

    /** Tenants by state: approved, paused, pending, declined. */
    public Future<Map<String, Long>> countsByState() {
        return pool.query(COUNTS).execute().map(rows -> {
            Map<String, Long> counts = new HashMap<>();
            rows.forEach(row -> counts.put(row.getString("s"), row.getLong("n")));
            return counts;
        });
    }

    private static List<Tenant> all(RowSet<Row> rows) {
        List<Tenant> result = new ArrayList<>(rows.size());
        rows.forEach(row -> result.add(MAPPER.apply(row)));
        return result;
    }
}
