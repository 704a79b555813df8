package dev.storyline.posting;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.InstagramPublish;
import dev.storyline.bus.StoryPress;
import dev.storyline.bus.TelegramCall;
import dev.storyline.bus.TenantChanged;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.plan.QueueItem;
import dev.storyline.plan.QueueQueries;
import dev.storyline.plan.QueueRepository;
import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The story buttons (architecture "A slot's journey", step 5): {@code posting.callback} ends a slot
 * on Posted, Skip or Reject (the first press wins; a late one learns who was first), changes the
 * keyboard for Reject/Cancel, shows a link, and publishes with 🤖 Auto post; then the caption is
 * edited to the end.
 * <p>
 * The one posting actor that keeps state between messages, because a burst of presses is its normal
 * load: presses are ended in groups ({@link PressCommits}), tenants are read once per burst (a cache
 * {@code tenant.changed} empties) and caption edits are recorded together ({@link EditMarks}). All of
 * it is on this actor's event loop; a crash loses only what the repair sweep makes again.
 */
public final class PressVerticle extends VerticleBase {
    /** How long a tenant read for presses is kept; changes announced on {@code tenant.changed} drop it at once. */
    static final Duration TENANT_CACHE = Duration.ofMinutes(5);
    static final Duration EDIT_MARKS_EVERY = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(PressVerticle.class);

    private final Pool pool;
    private final AppConfig.SchedulingConfig scheduling;
    private final Clock clock;
    private final PostingMetrics metrics;
    private TenantRepository tenants;
    private MediaRepository media;
    private QueueRepository queue;
    private QueueQueries queries;
    private EventBusClient bus;
    private Captions captions;
    private Published published;
    private final Map<Long, CachedTenant> tenantCache = new HashMap<>();
    private EditMarks marks;
    private long marksTimer = -1;
    private PressCommits commits;

    public PressVerticle(Pool pool, AppConfig.SchedulingConfig scheduling, Clock clock, PostingMetrics metrics) {
        this.pool = pool;
        this.scheduling = scheduling;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        tenants = new TenantRepository(pool);
        media = new MediaRepository(pool);
        queue = new QueueRepository(pool);
        queries = new QueueQueries(pool);
        bus = new EventBusClient(vertx, DispatchVerticle.TELEGRAM_PATIENCE);
        captions = new Captions(bus, media, scheduling.notificationExpiryHours());
        published = new Published(queue, bus, scheduling, clock, metrics);
        marks = new EditMarks(queue, clock, metrics);
        commits = new PressCommits(presses -> queue.finishPresses(presses, clock.instant(), scheduling.repostTtlDays(),
                scheduling.skipTtlDays()), task -> vertx.runOnContext(v -> task.run()));
        return Future.all(
                Consumers.register(vertx.eventBus(), Addresses.POSTING_CALLBACK, StoryPress::fromJson,
                        press -> press(press).map(StoryPress.Answer::toJson)).completion(),
                vertx.eventBus().<JsonObject>consumer(Addresses.TENANT_CHANGED, this::onTenantChanged).completion());
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(marksTimer);
        return marks.flush();
    }

    private Future<StoryPress.Answer> press(StoryPress press) {
        CallbackData.Action action;
        try {
            action = CallbackData.Action.valueOf(press.action());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("no button '" + press.action() + "'"));
        }
        return tenantForPress(press.tenantId()).compose(found -> {
            if (found.isEmpty()) {
                return answer("Storyline is not active in this chat.", false);
            }
            Tenant tenant = found.get();
            return switch (action) {
                case POSTED -> finish(tenant, press, "posted", "✅ Thanks! Marked as posted.");
                case SKIP -> finish(tenant, press, "skipped", "⏭️ Skipped. It can come back in " + scheduling.skipTtlDays() + " days.");
                case REJECT_CONFIRMED -> press.mayReject() ? finish(tenant, press, "rejected", "🚫 Rejected: this image will not come back.")
                        : answer("Only the chat's administrators can reject an image.", true);
                case REJECT -> press.mayReject() ? keyboard(tenant, press, StoryMessage.confirmReject(press.queueId()),
                        "Reject this image for good? Confirm below.")
                        : answer("Only the chat's administrators can reject an image.", true);
                case CANCEL -> queue.byId(tenant.id(), press.queueId()).compose(slot -> slot.isEmpty() ? late(tenant, press)
                        : captions.image(tenant, slot.get().mediaItemId())
                                .compose(item -> keyboard(tenant, press, StoryMessage.buttons(item.orElse(null), press.queueId(),
                                        tenant.instagramEnabled() && !slot.get().dryRun()), "Kept.")));
                case LINK -> queue.byId(tenant.id(), press.queueId()).compose(slot -> slot.isEmpty() || slot.get().mediaItemId() == null
                        ? answer("This story has no link.", false)
                        : media.byId(tenant.id(), slot.get().mediaItemId()).compose(item -> answer(
                                item.map(i -> i.metadata().link()).orElse("This story has no link."), true)));
                case AUTO_POST -> press.mayReject() ? autoPost(tenant, press)
                        : answer("Only the chat's administrators can publish to Instagram.", true);
                default -> answer("This button is no longer valid.", false);
            };
        });
    }

    /**
     * 🤖 Auto post: an administrator publishes a notified story through Instagram. Publishing takes
     * longer than a button may wait, so the press is answered at once and the caption tells the end;
     * a failure puts the story back as it was, buttons working, with the reason in the chat.
     */
    private Future<StoryPress.Answer> autoPost(Tenant tenant, StoryPress press) {
        if (!tenant.instagramEnabled()) {
            return answer("Instagram is off for this chat: an administrator can turn it on in /settings.", true);
        }
        return queue.byId(tenant.id(), press.queueId()).compose(found -> {
            if (found.isEmpty() || !QueueItem.NOTIFIED.equals(found.get().state())) {
                return late(tenant, press);
            }
            QueueItem slot = found.get();
            if (slot.dryRun()) {
                return answer("This is a dry run: nothing is published to Instagram.", true);
            }
            return captions.image(tenant, slot.mediaItemId()).compose(item -> {
                if (item.isEmpty()) {
                    return answer("This story has no image any more.", true);
                }
                return queue.publishing(tenant.id(), slot.id(), clock.instant(), QueueItem.NOTIFIED, null).compose(started -> {
                    if (started.isEmpty()) {
                        return late(tenant, press);
                    }
                    MediaItem image = item.get();
                    long token = started.get();
                    bus.instagramPublish(new InstagramPublish(tenant.id(), slot.id(), image.id(),
                                    slot.instagramContainerId(), token))
                            .compose(result -> autoPosted(tenant, slot.id(), image, press, result, token))
                            .onFailure(e -> metrics.instagramError(ErrorCode.of(e).key()))
                            .onFailure(e -> queue.unpublish(tenant.id(), slot.id(), QueueItem.NOTIFIED, "Instagram: " + e.getMessage(), token)
                                    .onSuccess(back -> bus.telegram(TelegramCall.json("sendMessage", new JsonObject()
                                            .put("chat_id", tenant.id()).put("parse_mode", "HTML").put("reply_to_message_id", press.messageId())
                                            .put("text", "🤖 Instagram did not publish " + Html.bold(image.displayName()) + ": "
                                                    + Html.escape(e.getMessage()) + ". The story's buttons still work."
                                                    + (unsure(e) ? " It may be live already: 🤖 Auto post asks Instagram first and "
                                                    + "never publishes it twice." : "")))))
                                    .onFailure(x -> LOG.warn("Tenant {}: slot {} stays publishing: {}",
                                            LogFields.tenant(tenant.id()), LogFields.slot(slot.id()), x.getMessage())));
                    return answer("🤖 Publishing to Instagram…", false);
                });
            });
        });
    }

    /** An Auto post went through: recorded as posted by the administrator, the caption tells it. */
    private Future<Void> autoPosted(Tenant tenant, long queueId, MediaItem image, StoryPress press, InstagramPublish.Published result,
                                    long token) {
        return published.record(tenant, queueId, press.userId(), result, token).map(done -> {
            done.ifPresent(f -> captions.edit(tenant, press.messageId(), Future.succeededFuture(Optional.of(image)), f.slotKey(),
                            f.scheduledFor(), queueId, f.dryRun(), "✅ POSTED to Instagram by " + press.who() + " at "
                                    + StoryMessage.CLOCK.format(f.completedAt().atZone(ZoneId.of(tenant.timezone()))))
                    .onSuccess(edited -> mark(tenant.id(), f.historyId(), edited)));
            return null;
        });
    }

    /** Instagram's answer was lost or late: the story may have been published (its container will tell). */
    private static boolean unsure(Throwable e) {
        ErrorCode code = ErrorCode.of(e);
        return code == ErrorCode.INSTAGRAM_UNAVAILABLE || code == ErrorCode.TIMEOUT;
    }

    /**
     * The tenant of a pressed button, from a short-lived cache: a burst of presses reads each tenant
     * once. A change made through the chat or the admin API is announced and read again at the next
     * press; one made with the CLI (another process) shows within {@link #TENANT_CACHE}.
     */
    private Future<Optional<Tenant>> tenantForPress(long tenantId) {
        long now = System.nanoTime();
        CachedTenant cached = tenantCache.get(tenantId);
        if (cached != null && now - cached.loadedAt() < TENANT_CACHE.toNanos()) {
            return Future.succeededFuture(Optional.of(cached.tenant()));
        }
        return tenants.findById(tenantId).onSuccess(found -> {
            if (tenantCache.size() > 10_000) {
                tenantCache.clear();
            }
            found.ifPresent(t -> tenantCache.put(tenantId, new CachedTenant(t, now)));
        });
    }

    private record CachedTenant(Tenant tenant, long loadedAt) {
    }

    private void onTenantChanged(Message<JsonObject> message) {
        try {
            tenantCache.remove(TenantChanged.fromJson(message.body()).tenantId());
        } catch (RuntimeException e) {
            tenantCache.clear(); // cannot tell which: read them all again
        }
    }

    /**
     * One conditional statement ends the slot; then the caption edit is handed to the outbox (so a
     * burst of presses never waits for Telegram's rate limits) and recorded when done. A crash in
     * between leaves the record empty, and the edit is made again at start. A late press learns who was first.
     */
    private Future<StoryPress.Answer> finish(Tenant tenant, StoryPress press, String outcome, String thanks) {
        Instant now = clock.instant();
        return commits.end(new QueueRepository.Press(tenant.id(), press.queueId(), outcome, press.userId()))
                .compose(done -> {
                    if (done.isEmpty()) {
                        return late(tenant, press);
                    }
                    metrics.outcome(outcome);
                    QueueRepository.Finished f = done.get();
                    captions.edit(tenant, press.messageId(), Future.succeededFuture(f.item()), f.slotKey(), f.scheduledFor(),
                            press.queueId(), f.dryRun(), StoryMessage.status(outcome, press.who(), now, f.notifiedAt(), ZoneId.of(tenant.timezone())))
                            .onSuccess(edited -> mark(tenant.id(), f.historyId(), edited));
                    return answer(thanks, false);
                });
    }

    private Future<StoryPress.Answer> late(Tenant tenant, StoryPress press) {
        return queries.outcomeOf(tenant.id(), press.queueId()).compose(past -> {
            if (past.isEmpty()) {
                return answer("This story is no longer waiting.", false);
            }
            QueueQueries.PastOutcome p = past.get();
            if (p.telegramMessageId() != null && p.telegramMessageId() == press.messageId() && !"failed".equals(p.outcome())) {
                // the edit may have been lost with a crash after the outcome was stored: saying it again is harmless
                captions.edit(tenant, press.messageId(), p.mediaItemId(), p.slotKey(), p.scheduledFor(), press.queueId(), p.dryRun(),
                        captions.status(p.outcome(), p.who(), p.completedAt(), p.notifiedAt(), ZoneId.of(tenant.timezone())));
            }
            return switch (p.outcome()) {
                case "expired" -> answer("This story expired: nobody answered in time.", false);
                case "failed" -> answer("This story could not be sent.", false);
                default -> answer("Already " + p.outcome() + " by " + p.who() + ".", false);
            };
        });
    }

    private Future<StoryPress.Answer> keyboard(Tenant tenant, StoryPress press, JsonObject markup, String text) {
        return queue.byId(tenant.id(), press.queueId()).compose(slot -> {
            if (slot.isEmpty() || !QueueItem.NOTIFIED.equals(slot.get().state())) {
                return late(tenant, press);
            }
            bus.telegram(TelegramCall.json("editMessageReplyMarkup", new JsonObject().put("chat_id", tenant.id())
                            .put("message_id", press.messageId()).put("reply_markup", markup)))
                    .onFailure(e -> {
                        LOG.warn("Tenant {}: the buttons of message {} were not changed: {}", LogFields.tenant(tenant.id()),
                                press.messageId(), e.getMessage());
                        metrics.failure("keyboard");
                    });
            return answer(text, false);
        });
    }

    /** Notes a caption edit; the notes are written together every {@link #EDIT_MARKS_EVERY}. */
    private void mark(long tenantId, long historyId, boolean edited) {
        if (marks.add(tenantId, historyId, edited) && marksTimer < 0) {
            marksTimer = vertx.setTimer(EDIT_MARKS_EVERY.toMillis(), id -> {
                marksTimer = -1;
                marks.flush();
            });
        }
    }

    private static Future<StoryPress.Answer> answer(String text, boolean alert) {
        return Future.succeededFuture(new StoryPress.Answer(text, alert));
    }
}
