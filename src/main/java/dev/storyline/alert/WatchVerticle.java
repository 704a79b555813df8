package dev.storyline.alert;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.AlertRaised;
import dev.storyline.bus.AlertsPage;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.Page;
import dev.storyline.bus.TelegramCall;
import dev.storyline.db.DatabaseHealthCheck;
import dev.storyline.notice.Notices;
import dev.storyline.plan.QueueQueries;
import dev.storyline.telegram.Html;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The watch and the one alerts actor. Tells the admin chat before things go wrong (issue 7,
 * R125–R138): tenants whose planned stories are overdue, a poller that has not reached Telegram for 5
 * minutes, the database unreachable and back, and a data disk under 5 % free, checked every
 * {@code interval}. Every alert, its own and those other actors publish on {@code alert.raise}, is
 * raised here through {@link AlertService}: recorded in {@code alerts} and sent at most once an hour
 * per key (so a restart does not repeat it). Answers {@code admin.alerts} with the recent ones.
 */
public final class WatchVerticle extends VerticleBase {
    /** A planned slot due this long ago should have been claimed: its scheduler is stuck or missing. */
    public static final Duration OVERDUE = Duration.ofMinutes(15);
    public static final Duration POLLER_SILENCE = Duration.ofMinutes(5);
    public static final double MIN_FREE_DISK = 0.05;
    private static final Logger LOG = LoggerFactory.getLogger(WatchVerticle.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM HH:mm 'UTC'", Locale.ENGLISH);

    private final Pool pool;
    private final DatabaseHealthCheck database;
    private final QueueQueries queue;
    private final Path dataDir;
    private final Duration interval;
    private final Optional<Long> adminChat;
    private final Clock clock;
    private EventBusClient bus;
    private AlertService alerts;
    private long timer = -1;
    private boolean checking;
    /** Tenants with overdue slots at the last check: an alert needs two checks in a row (catch-up after a restart is not "stuck"). */
    private Set<Long> suspected = new HashSet<>();
    private Instant databaseDownSince;

    /** Free and total bytes of the disk that holds a folder (blocking). */
    @FunctionalInterface
    public interface DiskProbe {
        long[] space(Path dir) throws java.io.IOException;

        DiskProbe FILE_STORE = dir -> {
            Files.createDirectories(dir);
            FileStore store = Files.getFileStore(dir);
            return new long[] {store.getUsableSpace(), store.getTotalSpace()};
        };
    }

    private final DiskProbe disk;

    public WatchVerticle(Pool pool, Path dataDir, Duration interval, Optional<Long> adminChat, Clock clock) {
        this(pool, dataDir, interval, adminChat, clock, DiskProbe.FILE_STORE);
    }

    public WatchVerticle(Pool pool, Path dataDir, Duration interval, Optional<Long> adminChat, Clock clock, DiskProbe disk) {
        this.disk = disk;
        this.pool = pool;
        this.database = new DatabaseHealthCheck(pool, "the database");
        this.queue = new QueueQueries(pool);
        this.dataDir = dataDir;
        this.interval = interval;
        this.adminChat = adminChat;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        bus = new EventBusClient(vertx);
        alerts = new AlertService(pool, clock, adminChat, new Notices(pool, vertx.eventBus()));
        return Future.all(
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_ALERTS, Page::fromJson, page -> new AlertRepository(pool).recent(page.limit())
                        .recover(e -> Future.failedFuture(ErrorCode.UNAVAILABLE.failure("alerts could not be read: " + e.getMessage())))
                        .map(list -> new AlertsPage(list).toJson())).completion(),
                vertx.eventBus().<JsonObject>consumer(Addresses.ALERT_RAISE, this::onRaise).completion())
                .onSuccess(v -> timer = vertx.setPeriodic(interval.toMillis(), id -> check()));
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** Any actor's alert (a publish: nobody waits); recorded and sent at most once an hour per key. */
    private void onRaise(Message<JsonObject> message) {
        AlertRaised alert;
        try {
            alert = AlertRaised.fromJson(message.body());
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a malformed alert: {}", e.getMessage());
            return;
        }
        alerts.raise(alert.key(), alert.tenantId(), alert.severity(), alert.html())
                .onFailure(e -> LOG.error("Alert {} could not be recorded: {}", alert.key(), e.getMessage()));
    }

    /** One round of checks; the database check decides whether the others can run. */
    void check() {
        if (checking) {
            return;
        }
        checking = true;
        Instant now = clock.instant();
        disk();
        database.check()
                .onSuccess(ok -> databaseBack(now))
                .onFailure(e -> databaseDown(now, e))
                .compose(ok -> Future.join(overdue(now), poller(now)))
                .onComplete(done -> checking = false);
    }

    private Future<Void> overdue(Instant now) {
        return queue.overdueByTenant(now.minus(OVERDUE)).map(overdue -> {
            Set<Long> seen = new HashSet<>();
            for (QueueQueries.Overdue o : overdue) {
                seen.add(o.tenantId());
                if (!suspected.contains(o.tenantId())) {
                    continue;
                }
                long minutes = Duration.between(o.oldest(), now).toMinutes();
                raise("overdue-slots:" + o.tenantId(), o.tenantId(), "⏰ " + Html.bold(o.title()) + " (" + o.tenantId() + "): "
                        + o.slots() + " planned " + (o.slots() == 1 ? "story is" : "stories are")
                        + " overdue; the oldest was due " + WHEN.format(o.oldest().atZone(ZoneOffset.UTC)) + " (" + age(minutes) + " ago). "
                        + "Its scheduler may be stuck: see GET /admin/orchestrator and the log.");
            }
            suspected = seen;
            return null;
        });
    }

    private Future<Void> poller(Instant now) {
        return bus.telegramStatus().map(status -> {
            Instant last = status.lastPollOkAt() != null ? status.lastPollOkAt() : status.startedAt();
            if (last != null && Duration.between(last, now).compareTo(POLLER_SILENCE) > 0) {
                raise("telegram-unreachable", null, "📡 Storyline has not reached Telegram for "
                        + age(Duration.between(last, now).toMinutes()) + (status.lastError() == null ? "" : ": " + Html.escape(status.lastError()))
                        + ". Buttons and commands wait until it is back.");
            }
            return (Void) null;
        }).otherwiseEmpty();
    }

    private void disk() {
        vertx.executeBlocking(() -> disk.space(dataDir), false).onSuccess(space -> {
            double free = space[1] == 0 ? 1 : (double) space[0] / space[1];
            if (free < MIN_FREE_DISK) {
                raise("disk-space", null, String.format(Locale.ROOT, "💾 Only %.1f %% (%d MB) is free on the disk of %s: the database "
                        + "and backups fail when it is full.", free * 100, space[0] / (1024 * 1024), Html.escape(dataDir.toString())));
            }
        }).onFailure(e -> LOG.warn("The disk check of {} failed: {}", dataDir, e.getMessage()));
    }

    /** The alerts table is out of reach too: the admin chat hears it directly, once per outage. */
    private void databaseDown(Instant now, Throwable cause) {
        if (databaseDownSince != null) {
            return;
        }
        databaseDownSince = now;
        LOG.error("The database is unreachable: {}", cause.getMessage());
        adminChat.ifPresent(chat -> bus.telegram(TelegramCall.json("sendMessage", new JsonObject().put("chat_id", chat).put("parse_mode", "HTML")
                        .put("text", "🔴 The database is unreachable: " + Html.escape(String.valueOf(cause.getMessage()))
                                + ". Storyline keeps trying; nothing is sent meanwhile.")))
                .onFailure(e -> LOG.warn("The database alert was not sent: {}", e.getMessage())));
    }

    private void databaseBack(Instant now) {
        if (databaseDownSince == null) {
            return;
        }
        long minutes = Duration.between(databaseDownSince, now).toMinutes();
        databaseDownSince = null;
        LOG.warn("The database is reachable again after {} min", minutes);
        raise("database-back", null, "🟢 The database is reachable again after " + age(minutes) + ".");
    }

    private void raise(String key, Long tenantId, String html) {
        alerts.raise(key, tenantId, "warning", html).onFailure(e -> LOG.error("Alert {} could not be recorded: {}", key, e.getMessage()));
    }

    private static String age(long minutes) {
        return minutes < 90 ? minutes + " min" : minutes / 60 + " h " + minutes % 60 + " min";
    }
}
