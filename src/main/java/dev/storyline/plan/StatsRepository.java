package dev.storyline.plan;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;


/**
 * {@code /stats}: outcomes over 7 and 30 days, who posted, and the median time from notification to
 * posted. A publish through Instagram counts as "🤖 Instagram", never as the post of whoever pressed
 * Auto post, and not in the time to post.
 */
public final class StatsRepository {
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

    private final Pool pool;

    public StatsRepository(Pool pool) {
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
}
