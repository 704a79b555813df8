package dev.storyline.tenant;

import dev.storyline.bus.ErrorCode;
import dev.storyline.db.Sql;
import dev.storyline.config.AppConfig.TenantDefaults;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** SQL for {@code tenants}. Rows become {@link Tenant}s here and nowhere else. */
public final class TenantRepository {

    private static final List<String> COLUMN_NAMES = List.of("id", "title", "chat_type", "state", "is_paused", "paused_reason",
            "dry_run", "enable_instagram", "posts_per_day", "posting_hours_start", "posting_hours_end", "timezone", "media_dir",
            "settings_version", "plan_by_performance");

    /** The columns {@link #map(Row)} reads. */
    public static final String COLUMNS = String.join(", ", COLUMN_NAMES);

    private static final String FIND_ACTIVE = "SELECT " + COLUMNS + """
             FROM tenants
            WHERE state = 'approved' AND NOT is_paused
            ORDER BY id""";

    /** What discovery compares (issue 19): an id and a version a row, not 100,000 whole tenants every minute. */
    private static final String ACTIVE_VERSIONS = "SELECT id, settings_version FROM tenants WHERE state = 'approved' AND NOT is_paused";

    private static final String FIND_ACTIVE_AMONG = "SELECT " + COLUMNS + """
             FROM tenants
            WHERE id = ANY($1) AND state = 'approved' AND NOT is_paused
            ORDER BY id""";

    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM tenants WHERE id = $1";

    private static final String FIND_ALL = "SELECT " + COLUMNS + " FROM tenants ORDER BY state, title, id";
    private static final String PAGE = "SELECT " + COLUMNS + " FROM tenants WHERE id > $1 ORDER BY id LIMIT $2";
    private static final String COUNT = "SELECT count(*) FROM tenants";

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

    /**
     * A settings change in one atomic statement: the row is updated only if nobody changed it since it
     * was read ({@code settings_version}) and this Telegram update was not handled before; the replay
     * guard (the interaction row) and one history row per changed setting are written with it.
     */
    private static final String CHANGE = """
            WITH upd AS (
                UPDATE tenants
                   SET dry_run = $2, enable_instagram = $3, is_paused = $4, paused_reason = $5,
                       paused_at = CASE WHEN $4 AND NOT is_paused THEN now() WHEN NOT $4 THEN NULL ELSE paused_at END,
                       paused_by = CASE WHEN $4 AND NOT is_paused THEN $6 WHEN NOT $4 THEN NULL ELSE paused_by END,
                       posts_per_day = $7, posting_hours_start = $8, posting_hours_end = $9, timezone = $10,
                       plan_by_performance = $21, settings_version = settings_version + 1, updated_at = now()
                 WHERE id = $1 AND settings_version = $17
                   AND ($18::bigint IS NULL OR NOT EXISTS (SELECT 1 FROM interactions WHERE update_id = $18 AND kind = $19))
                RETURNING\s""" + COLUMNS + """
            ),
            guard AS (
                INSERT INTO interactions (tenant_id, user_id, update_id, kind, name)
                SELECT id, $6, $18, $19, $20 FROM upd WHERE $18::bigint IS NOT NULL
                ON CONFLICT (update_id, kind) WHERE update_id IS NOT NULL DO NOTHING),
            history AS (
                INSERT INTO tenant_settings_history (tenant_id, setting, old_value, new_value, changed_by, source, changed_at)
                SELECT upd.id, h.setting, h.old_value, h.new_value, $11, $12, $13
                  FROM upd, unnest($14::text[], $15::text[], $16::text[]) AS h (setting, old_value, new_value))
            SELECT * FROM upd""";

    /** Why a change updated nothing: the tenant as it is now, and whether the update was handled before. */
    private static final String AFTER_MISS = "SELECT " + COLUMNS + """
            , $2::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM interactions WHERE update_id = $2 AND kind = $3) AS replayed
              FROM tenants WHERE id = $1""";

    private static final int CHANGE_ATTEMPTS = 5;

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
            row.getLong("settings_version"),
            row.getBoolean("plan_by_performance"));

    private static final String SET_MEDIA_DIR = """
            WITH old AS (SELECT id, media_dir FROM tenants WHERE id = $1 FOR UPDATE),
                 changed AS (UPDATE tenants t SET media_dir = $2, settings_version = t.settings_version + 1, updated_at = now()
                               FROM old WHERE t.id = old.id RETURNING t.id)
            INSERT INTO tenant_settings_history (tenant_id, setting, old_value, new_value, source)
            SELECT old.id, 'media_dir', old.media_dir, $2, $3 FROM old JOIN changed ON changed.id = old.id""";

    private final Pool pool;

    /** {@link #COLUMNS} qualified with a table alias, for queries that join {@code tenants}. */
    public static String columns(String alias) {
        return String.join(", ", COLUMN_NAMES.stream().map(c -> alias + "." + c).toList());
    }

    /** A {@code tenants} row (selected with {@link #COLUMNS}) as a {@link Tenant}. */
    public static Tenant map(Row row) {
        return MAPPER.apply(row);
    }

    public TenantRepository(Pool pool) {
        this.pool = pool;
    }

    /** Approved, unpaused tenants: the ones that get a scheduler. */
    public Future<List<Tenant>> findActive() {
        return pool.query(FIND_ACTIVE).execute().map(TenantRepository::all);
    }

    /** The active tenants' ids, each with its settings version. */
    public Future<Map<Long, Long>> activeVersions() {
        return pool.query(ACTIVE_VERSIONS).execute().map(rows -> {
            Map<Long, Long> versions = new HashMap<>(rows.size() * 2);
            rows.forEach(row -> versions.put(row.getLong(0), row.getLong(1)));
            return versions;
        });
    }

    /** Those of {@code ids} that are active, whole. */
    public Future<List<Tenant>> findActive(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return pool.preparedQuery(FIND_ACTIVE_AMONG).execute(Tuple.of(ids.toArray(new Long[0]))).map(TenantRepository::all);
    }

    /** The tenant, or a failure coded {@code TENANT_NOT_FOUND} ("No tenant with chat id …") for the admin API and the bus. */
    public Future<Tenant> required(long id) {
        return findById(id).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                : Future.failedFuture(ErrorCode.TENANT_NOT_FOUND.failure("No tenant with chat id " + id)));
    }

    public Future<Optional<Tenant>> findById(long id) {
        return pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(MAPPER.apply(rows.iterator().next())));
    }

    public Future<List<Tenant>> findAll() {
        return pool.query(FIND_ALL).execute().map(TenantRepository::all);
    }

    /** At most {@code limit} tenants in chat id order, those after {@code after} (null: from the first). */
    public Future<List<Tenant>> page(Long after, int limit) {
        return pool.preparedQuery(PAGE).execute(Tuple.of(after == null ? Long.MIN_VALUE : after, limit)).map(TenantRepository::all);
    }

    public Future<Long> count() {
        return pool.query(COUNT).execute().map(rows -> rows.iterator().next().getLong(0));
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
     * Applies a settings change to a tenant as it was read ({@code current}): one atomic statement
     * writes the new values, the replay guard and the history. When someone changed the tenant in the
     * meantime, the edit is applied again to the fresh row; a replayed update changes nothing.
     */
    public Future<Change> change(Tenant current, Actor actor, java.util.function.UnaryOperator<Tenant> edit, Instant now) {
        return change(current, actor, edit, now, 1);
    }

    private Future<Change> change(Tenant current, Actor actor, java.util.function.UnaryOperator<Tenant> edit, Instant now, int attempt) {
        Tenant after = edit.apply(current);
        List<String[]> changes = changes(current, after);
        Tuple params = Tuple.of(current.id(), after.dryRun(), after.instagramEnabled(), after.paused(), after.pausedReason(),
                        actor.userId(), after.postsPerDay(), after.postingHoursStart(), after.postingHoursEnd(), after.timezone())
                .addValue(actor.userId()).addString(actor.source()).addValue(Sql.utc(now))
                .addArrayOfString(changes.stream().map(c -> c[0]).toArray(String[]::new))
                .addArrayOfString(changes.stream().map(c -> c[1]).toArray(String[]::new))
                .addArrayOfString(changes.stream().map(c -> c[2]).toArray(String[]::new))
                .addLong(current.settingsVersion()).addValue(actor.updateId()).addString(actor.kind()).addString(actor.name())
                .addBoolean(after.performancePlanning());
        return pool.preparedQuery(CHANGE).execute(params).compose(rows -> {
            if (rows.size() > 0) {
                return Future.succeededFuture(new Change(MAPPER.apply(rows.iterator().next()), current, true));
            }
            return pool.preparedQuery(AFTER_MISS).execute(Tuple.of(current.id(), actor.updateId(), actor.kind())).compose(found -> {
                if (found.size() == 0) {
                    return Future.failedFuture(new IllegalStateException("tenant " + current.id() + " does not exist"));
                }
                Row row = found.iterator().next();
                Tenant fresh = MAPPER.apply(row);
                if (row.getBoolean("replayed")) {
                    return Future.succeededFuture(new Change(fresh, fresh, false));
                }
                if (attempt >= CHANGE_ATTEMPTS) {
                    return Future.failedFuture(new IllegalStateException("tenant " + current.id() + " kept changing; giving up"));
                }
                return change(fresh, actor, edit, now, attempt + 1);
            });
        });
    }

    /** {setting, old, new} for each setting the edit changed. */
    private static List<String[]> changes(Tenant before, Tenant after) {
        List<String[]> all = List.of(
                new String[] {"dry_run", String.valueOf(before.dryRun()), String.valueOf(after.dryRun())},
                new String[] {"enable_instagram", String.valueOf(before.instagramEnabled()), String.valueOf(after.instagramEnabled())},
                new String[] {"is_paused", String.valueOf(before.paused()), String.valueOf(after.paused())},
                new String[] {"posts_per_day", String.valueOf(before.postsPerDay()), String.valueOf(after.postsPerDay())},
                new String[] {"posting_hours", hours(before), hours(after)},
                new String[] {"timezone", before.timezone(), after.timezone()},
                new String[] {"plan_by_performance", String.valueOf(before.performancePlanning()), String.valueOf(after.performancePlanning())});
        return all.stream().filter(c -> !c[1].equals(c[2])).toList();
    }

    private static String hours(Tenant t) {
        return String.format("%02d-%02d", t.postingHoursStart(), t.postingHoursEnd());
    }

    /**
     * Points a tenant at another media folder (null = the default {@code MEDIA_DIR/<chat id>/}), with a
     * history row; false when there is no such tenant.
     */
    public Future<Boolean> setMediaDir(long tenantId, String mediaDir, String source) {
        return pool.preparedQuery(SET_MEDIA_DIR).execute(Tuple.of(tenantId, mediaDir, source)).map(rows -> rows.rowCount() > 0);
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
