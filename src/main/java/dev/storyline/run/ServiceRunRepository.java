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
public final class ServiceRunRepository {
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

    public ServiceRunRepository(Pool pool, Clock clock) {
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

    /** Runs {@code job} as a recorded run: completed with {@code summary} of its result, or failed with its message. */
    public <T> Future<T> recorded(Long tenantId, String service, Trigger trigger, Long userId, JsonObject inputs,
                                  java.util.function.Supplier<Future<T>> job, java.util.function.Function<T, JsonObject> summary) {
        return start(tenantId, service, trigger, userId, inputs).compose(run -> job.get().transform(ar -> ar.succeeded()
                ? completed(run, summary.apply(ar.result())).map(ar.result())
                : failed(run, String.valueOf(ar.cause().getMessage())).compose(v -> Future.failedFuture(ar.cause()))));
    }

    /** One line of {@code runs list}. */
    public record Line(long id, Long tenantId, String service, String trigger, String status, Instant startedAt, Long durationMs,
                       String summary, String error) {
    }

    private static final String LIST = """
            SELECT id, tenant_id, service, trigger, status, started_at, duration_ms, summary::text AS summary, error FROM service_runs
             WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR status = $2)
             ORDER BY started_at DESC, id DESC LIMIT $3""";

    public Future<java.util.List<Line>> list(String service, String status, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(service, status, limit)).map(rows -> {
            java.util.List<Line> lines = new java.util.ArrayList<>();
            rows.forEach(r -> lines.add(new Line(r.getLong("id"), r.getLong("tenant_id"), r.getString("service"), r.getString("trigger"),
                    r.getString("status"), Sql.instant(r, "started_at"), r.getLong("duration_ms"), r.getString("summary"), r.getString("error"))));
            return lines;
        });
    }
}
