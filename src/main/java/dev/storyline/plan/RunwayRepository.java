package dev.storyline.plan;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements behind a runway (D28): how many items each category still has to give, and which
 * warning level its chat was last told ({@code runway_warnings}).
 */
final class RunwayRepository {
    /**
     * Items a category can still give: active and not locked (an image posted lately is locked for
     * the repost interval, a rejected one for good). Planned but unsent items still count: they have
     * not been used up. Without case; the empty string for items outside any folder.
     */
    private static final String SUPPLY = """
            SELECT lower(coalesce(m.category, '')) AS category, count(*) AS items
              FROM media_items m
             WHERE m.tenant_id = $1 AND m.is_active
               AND NOT EXISTS (SELECT 1 FROM media_locks l WHERE l.tenant_id = $1 AND l.media_item_id = m.id AND l.locked_until > $2)
             GROUP BY 1""";

    /** Raises the warned level; a row only comes back when the level went up (so the chat is told once per level). */
    private static final String RAISE = """
            INSERT INTO runway_warnings AS w (tenant_id, category, level, days_left, warned_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, category) DO UPDATE SET level = EXCLUDED.level, days_left = EXCLUDED.days_left,
                warned_at = EXCLUDED.warned_at
             WHERE w.level < EXCLUDED.level
            RETURNING level""";

    /** Forgets the warnings of categories that recovered or are no longer watched. */
    private static final String FORGET = """
            DELETE FROM runway_warnings WHERE tenant_id = $1 AND NOT (category = ANY($2))""";

    private RunwayRepository() {
    }

    static Future<Map<String, Long>> supply(SqlClient client, long tenantId, Instant now) {
        return client.preparedQuery(SUPPLY).execute(Tuple.of(tenantId, Sql.utc(now))).map(rows -> {
            Map<String, Long> supply = new HashMap<>();
            rows.forEach(r -> supply.put(r.getString("category"), r.getLong("items")));
            return supply;
        });
    }

    /** True when the chat has not yet been told of this level (or a higher one) for the category. */
    static Future<Boolean> raise(SqlClient client, long tenantId, String category, int level, double daysLeft, Instant now) {
        return client.preparedQuery(RAISE).execute(Tuple.of(tenantId, category, (short) level, daysLeft, Sql.utc(now)))
                .map(rows -> rows.size() > 0);
    }

    /** Keeps only the warnings of {@code stillLow}. */
    static Future<Void> forgetAllBut(SqlClient client, long tenantId, List<String> stillLow) {
        return client.preparedQuery(FORGET).execute(Tuple.of(tenantId, (Object) stillLow.toArray(String[]::new))).mapEmpty();
    }
}
