package dev.storyline.alert;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Function;

/**
 * Messages to the admin chat (D18), each alert key at most once an hour. The decision is made in the
 * {@code alerts} table under an advisory lock, so a restart (or a second caller) does not repeat one.
 */
public final class AlertService {
    public static final Duration QUIET_PERIOD = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext($1))";
    private static final String RECENT = "SELECT id FROM alerts WHERE alert_key = $1 AND sent_at > $2 ORDER BY sent_at DESC LIMIT 1";
    private static final String SUPPRESS = "UPDATE alerts SET suppressed = suppressed + 1 WHERE id = $1";
    private static final String INSERT = """
            INSERT INTO alerts (alert_key, tenant_id, severity, message, sent_at) VALUES ($1, $2, $3, $4, $5)""";

    private static final String RECENT_ALERTS = """
            SELECT alert_key, tenant_id, severity, message, sent_at, suppressed FROM alerts ORDER BY sent_at DESC, id DESC LIMIT $1""";

    private final Pool pool;
    private final Clock clock;
    private final Function<String, Future<?>> sendToAdmin;

    /** {@code sendToAdmin} sends an HTML text to the admin chat. */
    public AlertService(Pool pool, Clock clock, Function<String, Future<?>> sendToAdmin) {
        this.pool = pool;
        this.clock = clock;
        this.sendToAdmin = sendToAdmin;
    }

    /** Sends unless the same key was sent within the hour; true when it was sent. */
    public Future<Boolean> raise(String key, Long tenantId, String severity, String html) {
        OffsetDateTime now = Sql.utc(clock.instant());
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(key))
                        .compose(v -> conn.preparedQuery(RECENT).execute(Tuple.of(key, now.minus(QUIET_PERIOD))))
                        .compose(rows -> rows.size() > 0
                                ? conn.preparedQuery(SUPPRESS).execute(Tuple.of(rows.iterator().next().getLong("id"))).map(false)
                                : conn.preparedQuery(INSERT).execute(Tuple.of(key, tenantId, severity, html, now)).map(true)))
                .compose(send -> {
                    if (!send) {
                        LOG.debug("Alert {} suppressed: sent within the last hour", key);
                        return Future.succeededFuture(false);
                    }
                    LOG.warn("Alert {}: {}", key, html.replaceAll("<[^>]+>", ""));
                    return sendToAdmin.apply(html).map(true).otherwise(e -> {
                        LOG.error("Alert {} could not be sent to the admin chat: {}", key, e.getMessage());
                        return true;
                    });
                });
    }

    /** The latest alerts, newest first, as the admin API shows them. */
    public static Future<java.util.List<io.vertx.core.json.JsonObject>> recent(Pool pool, int limit) {
        return pool.preparedQuery(RECENT_ALERTS).execute(Tuple.of(limit)).map(rows -> {
            java.util.List<io.vertx.core.json.JsonObject> list = new java.util.ArrayList<>();
            rows.forEach(r -> list.add(new io.vertx.core.json.JsonObject().put("key", r.getString("alert_key"))
                    .put("tenantId", r.getLong("tenant_id")).put("severity", r.getString("severity"))
                    .put("message", r.getString("message")).put("sentAt", String.valueOf(Sql.instant(r, "sent_at")))
                    .put("suppressed", r.getInteger("suppressed"))));
            return list;
        });
    }
}
