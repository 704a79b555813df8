package dev.storyline.alert;

import dev.storyline.bus.AlertsPage;
import dev.storyline.db.Sql;
import dev.storyline.notice.Notices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code alerts}: each key at most once per quiet period, decided under an advisory lock on the key
 * (a restart or a second caller does not repeat one), and the message queued in
 * {@code outbox_messages} in the same transaction (D26).
 */
public final class AlertRepository {
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext($1))";
    private static final String RECENT = "SELECT id FROM alerts WHERE alert_key = $1 AND sent_at > $2 ORDER BY sent_at DESC LIMIT 1";
    private static final String SUPPRESS = "UPDATE alerts SET suppressed = suppressed + 1 WHERE id = $1";
    private static final String INSERT = """
            INSERT INTO alerts (alert_key, tenant_id, severity, message, sent_at) VALUES ($1, $2, $3, $4, $5) RETURNING id""";

    /** {@code delivered}: Telegram accepted the message (its {@code outbox_messages} row was sent). */
    private static final String RECENT_ALERTS = """
            SELECT a.alert_key, a.tenant_id, a.severity, a.message, a.sent_at, a.suppressed, o.state = 'sent' AS delivered
              FROM alerts a LEFT JOIN outbox_messages o ON o.dedupe_key = 'alert:' || a.id
             ORDER BY a.sent_at DESC, a.id DESC LIMIT $1""";

    private final Pool pool;

    public AlertRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records the alert and queues its message for {@code adminChat} (none: only recorded) unless the key
     * was recorded within {@code quiet} before {@code now}, in which case it is counted as suppressed;
     * true when it was recorded.
     */
    public Future<Boolean> record(String key, Long tenantId, String severity, String html, Instant now, Duration quiet,
                                  Optional<Long> adminChat) {
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(key))
                .compose(v -> conn.preparedQuery(RECENT).execute(Tuple.of(key, Sql.utc(now.minus(quiet)))))
                .compose(rows -> rows.size() > 0
                        ? conn.preparedQuery(SUPPRESS).execute(Tuple.of(rows.iterator().next().getLong("id"))).map(false)
                        : conn.preparedQuery(INSERT).execute(Tuple.of(key, tenantId, severity, html, Sql.utc(now)))
                                .compose(inserted -> adminChat.isEmpty() ? Future.succeededFuture(true)
                                        : Notices.enqueue(conn, adminChat.get(), Notices.ALERT, html, null,
                                        "alert:" + inserted.iterator().next().getLong("id")).map(true))));
    }

    /** The latest alerts, newest first, as the admin API shows them. */
    public Future<List<AlertsPage.Alert>> recent(int limit) {
        return pool.preparedQuery(RECENT_ALERTS).execute(Tuple.of(limit)).map(rows -> {
            List<AlertsPage.Alert> list = new ArrayList<>();
            rows.forEach(r -> list.add(new AlertsPage.Alert(r.getString("alert_key"), r.getLong("tenant_id"), r.getString("severity"),
                    r.getString("message"), String.valueOf(Sql.instant(r, "sent_at")), r.getInteger("suppressed"),
                    Boolean.TRUE.equals(r.getBoolean("delivered")))));
            return list;
        });
    }
}
