package dev.storyline.alert;

import dev.storyline.db.Sql;
import dev.storyline.notice.Notices;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Messages to the admin chat (D18), each alert key at most once an hour. The decision is made in the
 * {@code alerts} table under an advisory lock, so a restart (or a second caller) does not repeat one;
 * the message is queued in {@code outbox_messages} in the same transaction (D26), so it is sent after a
 * crash too, and counts as delivered only once Telegram accepted it.
 */
public final class AlertService {
    public static final Duration QUIET_PERIOD = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);

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
    private final Clock clock;
    private final Optional<Long> adminChat;
    private final Notices notices;

    /** Alerts go to {@code adminChat} (none: they are only recorded) through {@code notices}. */
    public AlertService(Pool pool, Clock clock, Optional<Long> adminChat, Notices notices) {
        this.pool = pool;
        this.clock = clock;
        this.adminChat = adminChat;
        this.notices = notices;
    }

    /** Sends unless the same key was sent within the hour; true when it was queued to be sent. */
    public Future<Boolean> raise(String key, Long tenantId, String severity, String html) {
        OffsetDateTime now = Sql.utc(clock.instant());
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(key))
                        .compose(v -> conn.preparedQuery(RECENT).execute(Tuple.of(key, now.minus(QUIET_PERIOD))))
                        .compose(rows -> rows.size() > 0
                                ? conn.preparedQuery(SUPPRESS).execute(Tuple.of(rows.iterator().next().getLong("id"))).map(false)
                                : conn.preparedQuery(INSERT).execute(Tuple.of(key, tenantId, severity, html, now))
                                        .compose(inserted -> adminChat.isEmpty() ? Future.succeededFuture(true)
                                                : Notices.enqueue(conn, adminChat.get(), Notices.ALERT, html, null,
                                                "alert:" + inserted.iterator().next().getLong("id")).map(true))))
                .map(send -> {
                    if (!send) {
                        LOG.debug("Alert {} suppressed: sent within the last hour", key);
                        return false;
                    }
                    LOG.warn("Alert {}: {}", key, html.replaceAll("<[^>]+>", ""));
                    notices.nudge();
                    return true;
                });
    }

    /** The latest alerts, newest first, as the admin API shows them. */
    public static Future<java.util.List<io.vertx.core.json.JsonObject>> recent(Pool pool, int limit) {
        return pool.preparedQuery(RECENT_ALERTS).execute(Tuple.of(limit)).map(rows -> {
            java.util.List<io.vertx.core.json.JsonObject> list = new java.util.ArrayList<>();
            rows.forEach(r -> list.add(new io.vertx.core.json.JsonObject().put("key", r.getString("alert_key"))
                    .put("tenantId", r.getLong("tenant_id")).put("severity", r.getString("severity"))
                    .put("message", r.getString("message")).put("sentAt", String.valueOf(Sql.instant(r, "sent_at")))
                    .put("suppressed", r.getInteger("suppressed")).put("delivered", Boolean.TRUE.equals(r.getBoolean("delivered")))));
            return list;
        });
    }
}
