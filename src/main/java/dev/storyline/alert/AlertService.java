package dev.storyline.alert;

import dev.storyline.notice.Notices;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Messages to the admin chat (D18), each alert key at most once an hour. The decision is made in the
 * {@code alerts} table ({@link AlertRepository}) under an advisory lock, so a restart (or a second caller) does not repeat one;
 * the message is queued in {@code outbox_messages} in the same transaction (D26), so it is sent after a
 * crash too, and counts as delivered only once Telegram accepted it.
 */
public final class AlertService {
    public static final Duration QUIET_PERIOD = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);

    private final AlertRepository alerts;
    private final Clock clock;
    private final Optional<Long> adminChat;
    private final Notices notices;

    /** Alerts go to {@code adminChat} (none: they are only recorded) through {@code notices}. */
    public AlertService(Pool pool, Clock clock, Optional<Long> adminChat, Notices notices) {
        this.alerts = new AlertRepository(pool);
        this.clock = clock;
        this.adminChat = adminChat;
        this.notices = notices;
    }

    /** Sends unless the same key was sent within the hour; true when it was queued to be sent. */
    public Future<Boolean> raise(String key, Long tenantId, String severity, String html) {
        return alerts.record(key, tenantId, severity, html, clock.instant(), QUIET_PERIOD, adminChat)
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
}
