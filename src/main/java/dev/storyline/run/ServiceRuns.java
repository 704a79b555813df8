package dev.storyline.run;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * {@code service_runs}: every background job and every command that changes something leaves a row
 * with what started it, its inputs, its summary or error, and how long it took (R26).
 */
public final class ServiceRuns {
    private static final String START = """
            INSERT INTO service_runs (tenant_id, service, trigger, triggered_by, inputs, started_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""";
    private static final String FINISH = """
            UPDATE service_runs SET status = $2, summary = $3, error = $4, finished_at = $5, duration_ms = $6 WHERE id = $1""";

    /** A run in progress: finish it exactly once. */
    public record Run(long id, Instant startedAt) {
    }

    private final Pool pool;
    private final Clock clock;

    public ServiceRuns(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Future<Run> start(Long tenantId, String service, Trigger trigger, Long userId, JsonObject inputs) {
        Instant now = clock.instant();
        return pool.preparedQuery(START)
                .execute(Tuple.from(Arrays.asList(tenantId, service, trigger.wire(), userId, inputs, Sql.utc(now))))
                .map(rows -> new Run(rows.iterator().next().getLong("id"), now));
    }

    public Future<Void> completed(Run run, JsonObject summary) {
        return finish(run, "completed", summary, null);
    }

    public Future<Void> failed(Run run, String error) {
        return finish(run, "failed", new JsonObject(), error);
    }

    private Future<Void> finish(Run run, String status, JsonObject summary, String error) {
        Instant now = clock.instant();
        long millis = Math.max(0, Duration.between(run.startedAt(), now).toMillis());
        return pool.preparedQuery(FINISH)
                .execute(Tuple.from(Arrays.asList(run.id(), status, summary, error, Sql.utc(now), millis)))
                .mapEmpty();
    }
}
