package dev.storyline.tenant;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code category_mix}, a Type-2 history (D27): a change closes the current rows and adds the new ones
 * in one transaction under the tenant's row lock, drops the planned slots nobody tried yet and bumps
 * the tenant's {@code settings_version} (so its scheduler plans them again under the new mix, as after
 * any settings change), and writes the {@code tenant_settings_history} row that audits every setting.
 */
public final class CategoryMixRepository {
    /**
     * A mix change plans the untried slots again, so it waits for a top-off of the tenant under way
     * (the planner's own lock, {@code PlanRepository}'s) before it locks the tenant: a top-off that
     * deletes and inserts slots while this deletes them would otherwise deadlock with it. The tenant
     * row is locked {@code NO KEY UPDATE}, which new slots' foreign-key checks do not wait for.
     */
    private static final String PLAN_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('storyline.plan:' || $1, 0))";
    private static final String LOCK_TENANT = "SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE";
    private static final String CURRENT = """
            SELECT category, percent FROM category_mix WHERE tenant_id = $1 AND is_current ORDER BY percent DESC, category""";
    private static final String CLOSE = """
            UPDATE category_mix SET valid_to = $2, is_current = false WHERE tenant_id = $1 AND is_current""";
    private static final String ADD = """
            INSERT INTO category_mix (tenant_id, category, percent, valid_from, changed_by, source)
            SELECT $1, c, p, $2, $3, $4 FROM unnest($5::text[], $6::smallint[]) AS m(c, p)""";
    private static final String AUDIT = """
            WITH bumped AS (UPDATE tenants SET settings_version = settings_version + 1, updated_at = now() WHERE id = $1 RETURNING id)
            INSERT INTO tenant_settings_history (tenant_id, setting, old_value, new_value, changed_by, source, changed_at)
            SELECT id, 'category_mix', $2, $3, $4, $5, $6 FROM bumped""";
    /** A new mix re-plans what has not been tried yet (the scheduler's next top-off plans it under the new mix). */
    private static final String REPLAN = """
            DELETE FROM posting_queue WHERE tenant_id = $1 AND state = 'planned' AND attempts = 0 AND NOT is_manual AND scheduled_for > $2""";
    private static final String HISTORY = """
            SELECT h.category, h.percent, h.valid_from, h.valid_to, h.is_current, h.source, u.username, u.first_name
              FROM category_mix h LEFT JOIN users u ON u.id = h.changed_by
             WHERE h.tenant_id = $1 ORDER BY h.valid_from DESC, h.percent DESC, h.category LIMIT $2""";

    /** One row of the history: a category's share from {@code validFrom} until {@code validTo} (null: still). */
    public record Period(String category, int percent, Instant validFrom, Instant validTo, boolean current, String source, String by) {
    }

    private final Pool pool;

    public CategoryMixRepository(Pool pool) {
        this.pool = pool;
    }

    /** The mix in force; {@link CategoryMix#NONE} when the tenant has none. */
    public Future<CategoryMix> current(long tenantId) {
        return current(pool, tenantId);
    }

    /** The mix in force, read through {@code client} (a planning transaction's connection). */
    public static Future<CategoryMix> current(io.vertx.sqlclient.SqlClient client, long tenantId) {
        return client.preparedQuery(CURRENT).execute(Tuple.of(tenantId)).map(rows -> {
            Map<String, Integer> percents = new LinkedHashMap<>();
            rows.forEach(r -> percents.put(r.getString("category"), r.getInteger("percent")));
            return percents.isEmpty() ? CategoryMix.NONE : new CategoryMix(percents);
        });
    }

    /**
     * Makes {@code mix} the tenant's mix from {@code now} ({@link CategoryMix#NONE} ends the mix): the
     * mix it replaced, read in the same transaction; empty when it is the mix already (nothing is written).
     */
    public Future<java.util.Optional<CategoryMix>> set(long tenantId, CategoryMix mix, Instant now, Long changedBy, String source) {
        return pool.withTransaction(conn -> conn.preparedQuery(PLAN_LOCK).execute(Tuple.of(String.valueOf(tenantId)))
                .compose(planning -> conn.preparedQuery(LOCK_TENANT).execute(Tuple.of(tenantId)))
                .compose(locked -> locked.size() == 0 ? Future.failedFuture(new IllegalArgumentException("No tenant with chat id " + tenantId))
                        : conn.preparedQuery(CURRENT).execute(Tuple.of(tenantId)))
                .compose(rows -> {
                    Map<String, Integer> before = new LinkedHashMap<>();
                    rows.forEach(r -> before.put(r.getString("category"), r.getInteger("percent")));
                    CategoryMix old = before.isEmpty() ? CategoryMix.NONE : new CategoryMix(before);
                    if (old.percents().equals(mix.percents())) {
                        return Future.succeededFuture(java.util.Optional.<CategoryMix>empty());
                    }
                    String[] categories = mix.percents().keySet().toArray(String[]::new);
                    Short[] percents = mix.percents().values().stream().map(Integer::shortValue).toArray(Short[]::new);
                    return conn.preparedQuery(CLOSE).execute(Tuple.of(tenantId, Sql.utc(now)))
                            .compose(v -> mix.none() ? Future.succeededFuture()
                                    : conn.preparedQuery(ADD).execute(Tuple.of(tenantId, Sql.utc(now), changedBy, source, categories, percents)))
                            .compose(v -> conn.preparedQuery(REPLAN).execute(Tuple.of(tenantId, Sql.utc(now))))
                            .compose(v -> conn.preparedQuery(AUDIT).execute(Tuple.from(java.util.Arrays.asList(tenantId, old.describe(),
                                    mix.describe(), changedBy, source, Sql.utc(now)))))
                            .map(java.util.Optional.of(old));
                }));
    }

    /** The newest {@code limit} rows of the history, current ones first. */
    public Future<List<Period>> history(long tenantId, int limit) {
        return pool.preparedQuery(HISTORY).execute(Tuple.of(tenantId, limit)).map(rows -> {
            List<Period> list = new ArrayList<>();
            for (Row r : rows) {
                String by = r.getString("username") != null ? "@" + r.getString("username") : r.getString("first_name");
                list.add(new Period(r.getString("category"), r.getInteger("percent"), Sql.instant(r, "valid_from"),
                        Sql.instant(r, "valid_to"), r.getBoolean("is_current"), r.getString("source"), by));
            }
            return list;
        });
    }
}
