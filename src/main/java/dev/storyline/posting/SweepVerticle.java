package dev.storyline.posting;

import dev.storyline.app.LogFields;
import dev.storyline.bus.AlertRaised;
import dev.storyline.bus.EventBusClient;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaRepository;
import dev.storyline.notice.Notices;
import dev.storyline.plan.QueueItem;
import dev.storyline.plan.QueueQueries;
import dev.storyline.plan.QueueRepository;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The posting sweep, at start and every {@code SWEEP_SECONDS}, for every tenant, paused or not:
 * gives up slots whose claims a dead process left too often (D24) and returns the others to the plan,
 * expires notifications nobody answered (D12), and edits again the captions a crash left showing
 * "pending". Has no address; keeps nothing between runs but "a run is going".
 */
public final class SweepVerticle extends VerticleBase {
    /** The {@code service_runs} name of a sweep that reclaimed or expired something. */
    public static final String SWEEP_SERVICE = "posting.sweep";
    private static final Logger LOG = LoggerFactory.getLogger(SweepVerticle.class);

    private final Pool pool;
    private final AppConfig.SchedulingConfig scheduling;
    private final Duration interval;
    private final Clock clock;
    private final PostingMetrics metrics;
    private TenantRepository tenants;
    private QueueRepository queue;
    private QueueQueries queries;
    private ServiceRunRepository runs;
    private Notices notices;
    private EventBusClient bus;
    private Captions captions;
    private long timer = -1;
    private boolean sweeping;

    public SweepVerticle(Pool pool, AppConfig.SchedulingConfig scheduling, Duration interval, Clock clock, PostingMetrics metrics) {
        this.pool = pool;
        this.scheduling = scheduling;
        this.interval = interval;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        tenants = new TenantRepository(pool);
        queue = new QueueRepository(pool);
        queries = new QueueQueries(pool);
        runs = new ServiceRunRepository(pool, clock);
        notices = new Notices(pool, vertx.eventBus());
        bus = new EventBusClient(vertx, DispatchVerticle.TELEGRAM_PATIENCE);
        captions = new Captions(bus, new MediaRepository(pool), scheduling.notificationExpiryHours());
        timer = vertx.setPeriodic(interval.toMillis(), id -> sweep(false));
        return dev.storyline.bus.AppReady.then(vertx, () -> sweep(true));
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    private void sweep(boolean atStart) {
        if (sweeping) {
            return;
        }
        sweeping = true;
        Instant now = clock.instant();
        EditMarks marks = new EditMarks(queue, clock, metrics);
        List<Future<Boolean>> edits = new ArrayList<>();
        int[] reclaimed = new int[1];
        int maxAttempts = scheduling.maxAttempts();
        queue.abandonStale(now.minus(DispatchVerticle.STALE_CLAIM), maxAttempts, now)
                .compose(abandoned -> {
                    abandoned.forEach(this::abandoned);
                    reclaimed[0] = abandoned.size();
                    return queue.reclaimStale(null, now.minus(DispatchVerticle.STALE_CLAIM), maxAttempts);
                })
                .onSuccess(n -> {
                    reclaimed[0] += n;
                    if (n > 0) {
                        LOG.warn("Reclaimed {} slots whose sending was interrupted", n);
                    }
                })
                .compose(n -> queue.expiring(now.minus(Duration.ofHours(scheduling.notificationExpiryHours()))))
                .compose(expiring -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (QueueItem slot : expiring) {
                        chain = chain.compose(v -> expire(slot, now, marks, edits));
                    }
                    // a sweep that changed something is a run worth seeing in 'runs list'; an idle one is not
                    return chain.compose(v -> reclaimed[0] == 0 && expiring.isEmpty() ? Future.succeededFuture()
                            : runs.start(null, SWEEP_SERVICE, atStart ? Trigger.STARTUP : Trigger.SCHEDULE, null, new JsonObject())
                                    .compose(run -> runs.completed(run, new JsonObject().put("reclaimed", reclaimed[0])
                                            .put("expired", expiring.size()))));
                })
                .compose(v -> repairCaptions(now, atStart, marks))
                .onFailure(e -> LOG.warn("Posting sweep failed: {}", e.getMessage()))
                .onComplete(v -> {
                    sweeping = false;
                    // expired captions are edited through the outbox meanwhile (rate limits may hold them): noted when done
                    Future.join(edits).onComplete(x -> marks.flush());
                });
    }

    /** A slot given up after MAX_ATTEMPTS interrupted tries (D24): the team and the admin hear it once. */
    private void abandoned(QueueRepository.Abandoned slot) {
        LOG.error("Tenant {}: slot {} given up: {}", LogFields.tenant(slot.tenantId()), LogFields.slot(slot.queueId()), slot.reason());
        metrics.outcome("failed");
        tenants.findById(slot.tenantId()).onSuccess(found -> found.ifPresent(tenant -> {
            String when = StoryMessage.SLOT.format(slot.scheduledFor().atZone(ZoneId.of(tenant.timezone())));
            String what = slot.title() == null ? "The story" : "The story " + Html.bold(slot.title());
            notices.send(tenant.id(), Notices.STORY_FAILURE, "⚠️ " + what + " due " + Html.escape(when) + " could not be sent: "
                            + Html.escape(slot.reason()) + ". Its image rests for a day.", null, "story-abandoned:" + slot.queueId())
                    .onFailure(e -> LOG.warn("Tenant {}: notice of a given-up story not queued: {}", LogFields.tenant(tenant.id()), e.getMessage()));
            bus.raiseAlert(new AlertRaised("story-abandoned:" + slot.queueId(), tenant.id(), "warning",
                    "⚠️ " + Html.bold(tenant.title()) + " (" + tenant.id() + "): a story was given up, " + Html.escape(slot.reason())
                            + ". Its image rests for a day; look at the log for what stopped Storyline."));
        }));
    }

    private Future<Void> expire(QueueItem slot, Instant now, EditMarks marks, List<Future<Boolean>> edits) {
        return queue.finish(slot.tenantId(), slot.id(), "expired", null, now, scheduling.repostTtlDays(), scheduling.skipTtlDays(),
                        "nobody answered within " + scheduling.notificationExpiryHours() + " h", QueueItem.NOTIFIED)
                .compose(done -> done.isEmpty() ? Future.succeededFuture()
                        : tenants.findById(slot.tenantId()).map(tenant -> {
                            metrics.outcome("expired");
                            tenant.ifPresent(t -> edits.add(captions.edit(t, slot.telegramMessageId() == null ? 0 : slot.telegramMessageId(),
                                            slot.mediaItemId(), slot.slotKey(), slot.scheduledFor(), slot.id(), slot.dryRun(), captions.expired())
                                    .map(edited -> marks.add(t.id(), done.get().historyId(), edited))));
                            return null;
                        }));
    }

    /**
     * Edits again the captions a crash left showing "pending" although their outcome is stored:
     * at start, everything of the last week; later, what stayed unedited for over two minutes.
     */
    private Future<Void> repairCaptions(Instant now, boolean atStart, EditMarks marks) {
        Instant to = atStart ? now : now.minus(Duration.ofMinutes(2));
        return queries.unedited(now.minus(Duration.ofDays(7)), to).compose(list -> {
            Future<Void> chain = Future.succeededFuture();
            for (QueueQueries.Unedited u : list) {
                chain = chain.compose(v -> tenants.findById(u.tenantId()).compose(t -> t.isEmpty() ? Future.succeededFuture()
                        : captions.edit(t.get(), u.messageId(), u.mediaItemId(), u.slotKey(), u.scheduledFor(), u.queueId(), u.dryRun(),
                                        captions.status(u.outcome(), u.who(), u.completedAt(), u.notifiedAt(), ZoneId.of(t.get().timezone())))
                                .map(edited -> marks.add(u.tenantId(), u.historyId(), edited)).mapEmpty()));
            }
            if (!list.isEmpty()) {
                LOG.info("Editing {} story captions again that still showed them pending", list.size());
            }
            return chain;
        });
    }
}
