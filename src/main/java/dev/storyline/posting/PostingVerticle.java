package dev.storyline.posting;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.AlertRaised;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.InstagramPublish;
import dev.storyline.bus.Paging;
import dev.storyline.bus.StoryPress;
import dev.storyline.bus.TelegramCall;
import dev.storyline.bus.TenantChanged;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.notice.Notices;
import dev.storyline.plan.Planner;
import dev.storyline.plan.QueueItem;
import dev.storyline.plan.QueueRepository;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Sends due stories to their team and closes the loop (architecture "A slot's journey", steps 3–5):
 * {@code posting.dispatch} re-checks the slot's image (another one if it became ineligible), sends it
 * with {@code sendPhoto} and marks the slot notified; {@code posting.callback} ends a slot on a
 * button press (the first press wins) and edits the caption; a sweep expires unanswered
 * notifications (D12, paused tenants too) and returns claims a dead process left behind.
 */
public final class PostingVerticle extends VerticleBase {
    /** How long a call through the outbox may take, rate limits and its own retries included. */
    static final Duration TELEGRAM_PATIENCE = Duration.ofMinutes(10);
    /**
     * A claim older than this was left by a process that died between claim and record. It is longer
     * than the longest wait a live claimer may be in (the outbox, {@link #TELEGRAM_PATIENCE}; a publish
     * is bounded to a few minutes), so a slow Telegram never gets a story sent twice (D24).
     */
    public static final Duration STALE_CLAIM = TELEGRAM_PATIENCE.plusMinutes(5);
    /** How long a tenant read for presses is kept; changes announced on {@code tenant.changed} drop it at once. */
    static final Duration TENANT_CACHE = Duration.ofMinutes(5);
    /** The {@code service_runs} name of a sweep that reclaimed or expired something. */
    public static final String SWEEP_SERVICE = "posting.sweep";
    static final Duration EDIT_MARKS_EVERY = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(PostingVerticle.class);

    private final Pool pool;
    private final AppConfig.SchedulingConfig scheduling;
    private final Duration sweepInterval;
    private final Clock clock;
    private final PostingMetrics metrics;
    private TenantRepository tenants;
    private MediaRepository media;
    private Notices notices;
    private QueueRepository queue;
    private ServiceRunRepository runs;
    private EventBusClient bus;
    private long sweepTimer = -1;
    private boolean sweeping;
    private final java.util.Map<Long, CachedTenant> tenantCache = new java.util.HashMap<>();
    /** Caption edits done but not yet recorded (pairs), see {@link #markEdited}. */
    private final List<Long> editedTenants = new java.util.ArrayList<>();
    private final List<Long> editedHistory = new java.util.ArrayList<>();
    private long editMarksTimer = -1;
    /** Presses are ended in groups, see {@link PressCommits}. */
    private PressCommits commits;

    public PostingVerticle(Pool pool, AppConfig.SchedulingConfig scheduling, Duration sweepInterval, Clock clock, PostingMetrics metrics) {
        this.metrics = metrics;
        this.pool = pool;
        this.scheduling = scheduling;
        this.sweepInterval = sweepInterval;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        tenants = new TenantRepository(pool);
        media = new MediaRepository(pool);
        queue = new QueueRepository(pool);
        notices = new Notices(pool, vertx.eventBus());
        commits = new PressCommits(presses -> queue.finishPresses(presses, clock.instant(), scheduling.repostTtlDays(),
                scheduling.skipTtlDays()), task -> vertx.runOnContext(v -> task.run()));
        runs = new ServiceRunRepository(pool, clock);
        // a photo may wait in the outbox behind Telegram's rate limits: giving up on the answer while the
        // outbox still sends it would retry a story Telegram has, so the answer is always awaited
        bus = new EventBusClient(vertx, TELEGRAM_PATIENCE);
        List<MessageConsumer<JsonObject>> consumers = List.of(
                vertx.eventBus().consumer(Addresses.POSTING_DISPATCH, this::onDispatch),
                vertx.eventBus().consumer(Addresses.POSTING_CALLBACK, this::onPress),
                vertx.eventBus().consumer(Addresses.POSTING_NEXT, this::onNext),
                vertx.eventBus().consumer(Addresses.POSTING_QUEUE, this::onQueue),
                vertx.eventBus().consumer(Addresses.POSTING_HISTORY, this::onHistory),
                vertx.eventBus().consumer(Addresses.TENANT_CHANGED, this::onTenantChanged));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).onSuccess(v -> {
            sweep(true);
            sweepTimer = vertx.setPeriodic(sweepInterval.toMillis(), id -> sweep(false));
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        vertx.cancelTimer(editMarksTimer);
        return flushEditMarks().otherwiseEmpty();
    }

    // --- dispatch ---

    private void onDispatch(Message<JsonObject> message) {
        long tenantId = message.body().getLong("tenantId", 0L);
        long queueId = message.body().getLong("queueId", 0L);
        Future<String> outcome = tenants.findById(tenantId).compose(tenant -> queue.byId(tenantId, queueId).compose(slot -> {
            if (tenant.isEmpty() || slot.isEmpty() || !QueueItem.CLAIMED.equals(slot.get().state())) {
                return Future.succeededFuture("gone");
            }
            if (slot.get().attempts() == 1 && !slot.get().manual() && slot.get().claimedAt() != null) {
                metrics.lateness(Duration.between(slot.get().scheduledFor(), slot.get().claimedAt()));
            }
            return send(tenant.get(), slot.get());
        }));
        reply(message, outcome.map(o -> new JsonObject().put("outcome", o)));
    }

    /**
     * Sends a claimed slot's story by its route (product.md §3); the outcome is {@code notified},
     * {@code published}, {@code simulated}, {@code retry} or {@code failed}.
     */
    Future<String> send(Tenant tenant, QueueItem slot) {
        return usableItem(tenant, slot).compose(item -> {
            if (item.isEmpty()) {
                return fail(tenant, slot, "the library has no image that may be posted now", true);
            }
            MediaItem image = item.get();
            return route(tenant, slot, image).compose(route -> switch (route.kind()) {
                case INSTAGRAM -> publish(tenant, slot, image);
                case SIMULATED -> simulate(tenant, slot, image);
                case TELEGRAM -> notify(tenant, slot, image, slot.attempts(), route.note());
            });
        });
    }

    private enum RouteKind { TELEGRAM, INSTAGRAM, SIMULATED }

    /** Where a story goes, and for the chat, why Instagram could not take one it would have. */
    private record Route(RouteKind kind, String note) {
    }

    /**
     * Instagram when the tenant turned it on, its account is connected with a valid token, the item
     * needs no interaction (no stickers, no link) and it is not a dry run (then the publish is only simulated); else the
     * chat. A publish that created a container is always finished through Instagram (D16).
     */
    private Future<Route> route(Tenant tenant, QueueItem slot, MediaItem image) {
        if (slot.instagramContainerId() != null) {
            return Future.succeededFuture(new Route(RouteKind.INSTAGRAM, null));
        }
        if ("telegram".equals(slot.route()) || !tenant.instagramEnabled() || needsPerson(image)) {
            return Future.succeededFuture(new Route(RouteKind.TELEGRAM, null));
        }
        return bus.instagramStatus(tenant.id()).map(status -> {
            if (!status.getBoolean("connected", false)) {
                return new Route(RouteKind.TELEGRAM, "🤖 Instagram is on, but no account is connected: please post it by hand.");
            }
            if (!"valid".equals(status.getString("tokenStatus"))) {
                return new Route(RouteKind.TELEGRAM, "🤖 Instagram is paused (" + status.getString("token") + "): please post it by hand.");
            }
            return new Route(slot.dryRun() ? RouteKind.SIMULATED : RouteKind.INSTAGRAM, null);
        }).otherwise(new Route(RouteKind.TELEGRAM, "🤖 Instagram is not available right now: please post it by hand."));
    }

    /**
     * A story with stickers can only be posted in the app. A link makes an item need a person (a link
     * sticker) unless its metadata says {@code requires_interaction: false} explicitly: that rule is
     * applied when the metadata is read, so the stored flag decides here (and Instagram gets no link).
     */
    static boolean needsPerson(MediaItem image) {
        return image.metadata().requiresInteraction();
    }

    /** The notification of product.md §2; {@code attempts} decides between a retry and giving up (D15). */
    private Future<String> notify(Tenant tenant, QueueItem slot, MediaItem image, int attempts, String note) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        JsonObject params = new JsonObject().put("chat_id", tenant.id()).put("parse_mode", "HTML")
                .put("caption", StoryMessage.pending(image, slot, zone, note))
                .put("reply_markup", StoryMessage.buttons(image, slot.id(), tenant.instagramEnabled() && !slot.dryRun()));
        // a photo that may have arrived is not sent again by the outbox: this verticle decides (D15)
        return bus.telegram(TelegramCall.upload("sendPhoto", params, "photo", image.path(), image.mimeType()).atMostOnce())
                .transform(sent -> {
                    if (sent.succeeded()) {
                        long messageId = ((JsonObject) sent.result()).getLong("message_id");
                        metrics.notified();
                        return queue.notified(tenant.id(), slot.id(), clock.instant(), messageId, image.id(), slot.claimToken())
                                .map(held -> {
                                    if (!held) {
                                        LOG.warn("Tenant {}: slot {} was sent, but its claim was taken over meanwhile",
                                                LogFields.tenant(tenant.id()), LogFields.slot(slot.id()));
                                    }
                                    return held ? "notified" : "gone";
                                });
                    }
                    ErrorCode code = ErrorCode.of(sent.cause());
                    String reason = sent.cause().getMessage();
                    boolean permanent = code == ErrorCode.TELEGRAM_REJECTED || code == ErrorCode.INVALID_INPUT;
                    if (permanent || attempts > scheduling.maxAttempts()) {
                        return fail(tenant, slot, reason, false);
                    }
                    return retry(tenant, slot, attempts, reason);
                });
    }

    private Future<String> retry(Tenant tenant, QueueItem slot, int attempts, String reason) {
        Instant next = clock.instant().plus(Duration.ofMinutes(5L << (attempts - 1)));
        LOG.warn("Tenant {}: slot {} not sent ({}), retry at {}", LogFields.tenant(tenant.id()), LogFields.slot(slot.id()), reason, next);
        return queue.retry(tenant.id(), slot.id(), next, reason, slot.claimToken()).map(held -> held ? "retry" : "gone");
    }

    /**
     * Publishes through the Instagram verticle. Rate limits and outages retry at 5/10/20 minutes (D15);
     * a refusal, a token problem or the last retry sends the story to the chat with the reason, so
     * the team can post it by hand: nothing is lost.
     */
    private Future<String> publish(Tenant tenant, QueueItem slot, MediaItem image) {
        return queue.publishing(tenant.id(), slot.id(), clock.instant(), QueueItem.CLAIMED, slot.claimToken()).compose(started -> {
            if (started.isEmpty()) {
                return Future.succeededFuture("gone");
            }
            long token = started.get();
            return bus.instagramPublish(new InstagramPublish(tenant.id(), slot.id(), image.path(), image.mimeType(),
                            slot.instagramContainerId(), token))
                    .transform(ar -> {
                        if (ar.succeeded()) {
                            return published(tenant, slot.id(), image, null, ar.result(), token).map("published");
                        }
                        ErrorCode code = ErrorCode.of(ar.cause());
                        metrics.instagramError(code.key());
                        String reason = ar.cause().getMessage();
                        boolean later = code == ErrorCode.INSTAGRAM_RATE_LIMITED || code == ErrorCode.INSTAGRAM_UNAVAILABLE
                                || code == ErrorCode.TIMEOUT;
                        if (later && slot.attempts() <= scheduling.maxAttempts()) {
                            return retry(tenant, slot, slot.attempts(), "Instagram: " + reason);
                        }
                        LOG.warn("Tenant {}: slot {} goes to the chat, Instagram did not publish it: {}",
                                LogFields.tenant(tenant.id()), LogFields.slot(slot.id()), reason);
                        return queue.unpublish(tenant.id(), slot.id(), QueueItem.CLAIMED, "Instagram: " + reason, token)
                                .compose(back -> back ? notify(tenant, slot, image, 1,
                                        "🤖 Instagram could not publish it (" + reason + "): please post it by hand.")
                                        : Future.succeededFuture("gone"));
                    });
        });
    }

    /** D7: in a dry run a story Instagram would have taken is only reported, and recorded with {@code dry_run}. */
    private Future<String> simulate(Tenant tenant, QueueItem slot, MediaItem image) {
        return queue.publishing(tenant.id(), slot.id(), clock.instant(), QueueItem.CLAIMED, slot.claimToken())
                .compose(started -> started.isEmpty() ? Future.succeededFuture("gone")
                        : published(tenant, slot.id(), image, null, new InstagramPublish.Published(null, null, null), started.get())
                                .map("simulated"));
    }

    /**
     * Records a publish as posted (route instagram) and tells the chat: a short message for a slot
     * published on its own, the notification's caption for one an administrator sent with Auto post.
     */
    private Future<Void> published(Tenant tenant, long queueId, MediaItem image, StoryPress press, InstagramPublish.Published result,
                                   long claimToken) {
        Instant now = clock.instant();
        return queue.published(tenant.id(), queueId, press == null ? null : press.userId(), now, scheduling.repostTtlDays(),
                        scheduling.skipTtlDays(), result.mediaId(), result.permalink(), claimToken)
                .compose(done -> {
                    if (done.isEmpty()) {
                        return Future.succeededFuture();
                    }
                    metrics.outcome("posted");
                    if (!done.get().dryRun()) {
                        metrics.published();
                    }
                    QueueRepository.Finished f = done.get();
                    String link = result.permalink() == null ? "" : " (<a href=\"" + Html.escape(result.permalink()) + "\">link</a>)";
                    if (press != null) {
                        editCaption(tenant, press.messageId(), Future.succeededFuture(Optional.of(image)), f.slotKey(), f.scheduledFor(), queueId,
                                f.dryRun(), "✅ POSTED to Instagram by " + press.who() + " at "
                                        + StoryMessage.CLOCK.format(now.atZone(ZoneId.of(tenant.timezone()))))
                                .onSuccess(edited -> markEdited(tenant.id(), f.historyId(), edited));
                        return Future.succeededFuture();
                    }
                    String text = f.dryRun()
                            ? "🧪 DRY RUN: " + Html.bold(image.displayName()) + " would have been published to Instagram now (simulated: nothing was uploaded)."
                            : "🤖 Published " + Html.bold(image.displayName()) + " to Instagram" + link + ".";
                    bus.telegram(TelegramCall.json("sendMessage", new JsonObject().put("chat_id", tenant.id()).put("text", text)
                                    .put("parse_mode", "HTML").put("disable_web_page_preview", true)))
                            .onFailure(e -> LOG.debug("publish notice not sent: {}", e.getMessage()));
                    return Future.succeededFuture();
                });
    }

    /** The slot's image if it is still fit to post, else another eligible one (D9), else empty. */
    private Future<Optional<MediaItem>> usableItem(Tenant tenant, QueueItem slot) {
        return image(tenant, slot.mediaItemId()).compose(item -> vertx.executeBlocking(() -> item.filter(i -> i.active() && Files.isReadable(Path.of(i.path()))), false))
                .compose(item -> {
                    if (item.isPresent()) {
                        return Future.succeededFuture(item);
                    }
                    return Planner.eligible(pool, tenant.id(), clock.instant(), scheduling.avoidRepostDays(), 5)
                            .compose(candidates -> firstReadable(tenant, candidates, 0))
                            .compose(other -> other.isEmpty() ? Future.succeededFuture(other)
                                    : queue.setItem(tenant.id(), slot.id(), other.get().id()).map(other));
                });
    }

    private Future<Optional<MediaItem>> firstReadable(Tenant tenant, List<Planner.Candidate> candidates, int index) {
        if (index >= candidates.size()) {
            return Future.succeededFuture(Optional.empty());
        }
        return media.byId(tenant.id(), candidates.get(index).id())
                .compose(item -> vertx.executeBlocking(() -> item.filter(i -> Files.isReadable(Path.of(i.path()))), false))
                .compose(item -> item.isPresent() ? Future.succeededFuture(item) : firstReadable(tenant, candidates, index + 1));
    }

    /** Ends a slot as failed (D15), tells the team, and alerts the admin after three failures in a row. */
    private Future<String> fail(Tenant tenant, QueueItem slot, String reason, boolean noImage) {
        LOG.warn("Tenant {}: slot {} failed: {}", LogFields.tenant(tenant.id()), LogFields.slot(slot.id()), reason);
        return queue.failed(tenant.id(), slot.id(), clock.instant(), reason, slot.claimToken())
                .compose(done -> {
                    if (done.isEmpty()) {
                        return Future.succeededFuture("gone");
                    }
                    metrics.outcome("failed");
                    String when = StoryMessage.SLOT.format(slot.scheduledFor().atZone(ZoneId.of(tenant.timezone())));
                    String text = noImage
                            ? "⚠️ A story was due " + Html.escape(when) + ", but the library has no image that may be posted now. "
                                    + "Send photos here or add them to the team's folder."
                            : "⚠️ The story due " + Html.escape(when) + " could not be sent: " + Html.escape(reason);
                    notices.send(tenant.id(), Notices.STORY_FAILURE, text, null, "story-failed:" + done.get().historyId())
                            .onFailure(e -> LOG.warn("Tenant {}: failure notice not queued: {}", LogFields.tenant(tenant.id()), e.getMessage()));
                    return queue.recentOutcomes(tenant.id(), 3).map(recent -> {
                        if (recent.size() == 3 && recent.stream().allMatch("failed"::equals)) {
                            bus.raiseAlert(new AlertRaised("story-failures:" + tenant.id(), tenant.id(), "warning",
                                    "⚠️ " + Html.bold(tenant.title()) + " (" + tenant.id() + "): the last 3 stories failed. Latest: "
                                            + Html.escape(reason)));
                        }
                        return "failed";
                    });
                });
    }

    // --- /next ---

    private void onNext(Message<JsonObject> message) {
        long tenantId = message.body().getLong("tenantId", 0L);
        Instant now = clock.instant();
        Future<JsonObject> result = tenants.required(tenantId).map(Optional::of).compose(tenant -> {
            if (!tenant.get().active()) {
                // D22: /next ignores only the posting window, never a pause or a tenant that is not approved
                return Future.failedFuture(ErrorCode.CONFLICT.failure(tenant.get().paused()
                        ? "Posting is paused here: /resume first." : "This chat is " + tenant.get().state() + ", not active."));
            }
            return Planner.eligible(pool, tenantId, now, scheduling.avoidRepostDays(), 5)
                    .compose(candidates -> firstReadable(tenant.get(), candidates, 0))
                    .compose(item -> {
                        if (item.isPresent()) {
                            return queue.manual(tenantId, now, item.get().id(), tenant.get().dryRun())
                                    .compose(slot -> queue.claim(tenantId, slot.id(), now));
                        }
                        // every eligible image is already planned: the next planned story goes now instead
                        return queue.upcoming(tenantId, 20).compose(planned -> planned.stream()
                                .filter(slot -> slot.mediaItemId() != null).findFirst()
                                .map(slot -> queue.claim(tenantId, slot.id(), now))
                                .orElse(Future.succeededFuture(Optional.empty())));
                    })
                    .compose(claimed -> claimed.isEmpty()
                            ? Future.failedFuture(ErrorCode.NOT_FOUND.failure(
                                    "No image may be posted now: every image is locked or was posted recently."))
                            : send(tenant.get(), claimed.get()).map(outcome -> new JsonObject().put("queueId", claimed.get().id())
                                    .put("outcome", outcome)));
        });
        reply(message, result);
    }

    // --- reads for the admin API and the CLI ---

    private void onQueue(Message<JsonObject> message) {
        long tenantId = message.body().getLong("tenantId", 0L);
        int limit = Paging.limit(message.body());
        reply(message, withTenant(tenantId).compose(t -> queue.upcomingLines(tenantId, limit)).map(lines -> new JsonObject().put("queue",
                new io.vertx.core.json.JsonArray(lines.stream().map(l -> new JsonObject().put("id", l.id())
                        .put("scheduledFor", l.scheduledFor()).put("dueAt", l.dueAt()).put("route", l.route())
                        .put("attempts", l.attempts()).put("lastError", l.lastError()).put("title", l.title())).toList()))));
    }

    private void onHistory(Message<JsonObject> message) {
        long tenantId = message.body().getLong("tenantId", 0L);
        int limit = Paging.limit(message.body());
        reply(message, withTenant(tenantId).compose(t -> queue.history(tenantId, limit)).map(lines -> new JsonObject().put("history",
                new io.vertx.core.json.JsonArray(lines.stream().map(l -> new JsonObject().put("outcome", l.outcome())
                        .put("completedAt", l.completedAt()).put("scheduledFor", l.scheduledFor()).put("dryRun", l.dryRun())
                        .put("error", l.error()).put("title", l.title()).put("by", l.who()).put("route", l.route())
                        .put("instagramMediaId", l.mediaId()).put("permalink", l.permalink())).toList()))));
    }

    private Future<Tenant> withTenant(long tenantId) {
        return tenants.required(tenantId);
    }

    // --- buttons ---

    private void onPress(Message<JsonObject> message) {
        StoryPress press;
        try {
            press = StoryPress.fromJson(message.body());
        } catch (IllegalArgumentException e) {
            message.fail(ErrorCode.INVALID_INPUT.code(), e.getMessage());
            return;
        }
        reply(message, press(press).map(StoryPress.Answer::toJson));
    }

    private Future<StoryPress.Answer> press(StoryPress press) {
        CallbackData.Action action = CallbackData.Action.valueOf(press.action());
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
                        : image(tenant, slot.get().mediaItemId())
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
            return image(tenant, slot.mediaItemId()).compose(item -> {
                if (item.isEmpty()) {
                    return answer("This story has no image any more.", true);
                }
                return queue.publishing(tenant.id(), slot.id(), clock.instant(), QueueItem.NOTIFIED, null).compose(started -> {
                    if (started.isEmpty()) {
                        return late(tenant, press);
                    }
                    MediaItem image = item.get();
                    long token = started.get();
                    bus.instagramPublish(new InstagramPublish(tenant.id(), slot.id(), image.path(), image.mimeType(),
                                    slot.instagramContainerId(), token))
                            .compose(result -> published(tenant, slot.id(), image, press, result, token))
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
                    editCaption(tenant, press.messageId(), Future.succeededFuture(f.item()), f.slotKey(), f.scheduledFor(),
                            press.queueId(), f.dryRun(), StoryMessage.status(outcome, press.who(), now, f.notifiedAt(), ZoneId.of(tenant.timezone())))
                            .onSuccess(edited -> markEdited(tenant.id(), f.historyId(), edited));
                    return answer(thanks, false);
                });
    }

    private Future<StoryPress.Answer> late(Tenant tenant, StoryPress press) {
        return queue.outcomeOf(tenant.id(), press.queueId()).compose(past -> {
            if (past.isEmpty()) {
                return answer("This story is no longer waiting.", false);
            }
            QueueRepository.PastOutcome p = past.get();
            if (p.telegramMessageId() != null && p.telegramMessageId() == press.messageId() && !"failed".equals(p.outcome())) {
                // the edit may have been lost with a crash after the outcome was stored: saying it again is harmless
                editCaption(tenant, press.messageId(), p.mediaItemId(), p.slotKey(), p.scheduledFor(), press.queueId(), p.dryRun(),
                        "expired".equals(p.outcome()) ? expiredStatus()
                                : StoryMessage.status(p.outcome(), p.who(), p.completedAt(), p.notifiedAt(), ZoneId.of(tenant.timezone())));
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
                    .onFailure(e -> LOG.debug("keyboard edit failed: {}", e.getMessage()));
            return answer(text, false);
        });
    }

    /**
     * Notes that a caption was edited; the notes are written together every {@link #EDIT_MARKS_EVERY}
     * (a burst of presses costs one statement, not one each). A note lost with a crash only means
     * the repair sweep edits that caption once more, which Telegram answers "not modified".
     */
    private void markEdited(long tenantId, long historyId, boolean edited) {
        if (!edited) {
            return;
        }
        editedTenants.add(tenantId);
        editedHistory.add(historyId);
        if (editMarksTimer < 0) {
            editMarksTimer = vertx.setTimer(EDIT_MARKS_EVERY.toMillis(), id -> flushEditMarks());
        }
    }

    private Future<Void> flushEditMarks() {
        editMarksTimer = -1;
        if (editedHistory.isEmpty()) {
            return Future.succeededFuture();
        }
        Long[] tenantIds = editedTenants.toArray(Long[]::new);
        Long[] historyIds = editedHistory.toArray(Long[]::new);
        editedTenants.clear();
        editedHistory.clear();
        return queue.captionsEdited(tenantIds, historyIds, clock.instant())
                .onFailure(e -> LOG.debug("{} caption edits not recorded: {}", historyIds.length, e.getMessage()));
    }

    /**
     * Edits a story's caption to its final status and removes the buttons; completes with whether
     * Telegram took it (never fails; "not modified" counts as done).
     */
    private Future<Boolean> editCaption(Tenant tenant, long messageId, Long mediaItemId, String slotKey, Instant scheduledFor, long queueId,
                                        boolean dryRun, String status) {
        return editCaption(tenant, messageId, image(tenant, mediaItemId), slotKey, scheduledFor, queueId, dryRun, status);
    }

    private Future<Optional<MediaItem>> image(Tenant tenant, Long mediaItemId) {
        return mediaItemId == null ? Future.succeededFuture(Optional.empty()) : media.byId(tenant.id(), mediaItemId);
    }

    private Future<Boolean> editCaption(Tenant tenant, long messageId, Future<Optional<MediaItem>> image, String slotKey,
                                        Instant scheduledFor, long queueId, boolean dryRun, String status) {
        if (messageId == 0) {
            return Future.succeededFuture(false);
        }
        return image
                .compose(item -> {
                    QueueItem slot = new QueueItem(queueId, tenant.id(), slotKey, null, null, scheduledFor, scheduledFor,
                            item.map(MediaItem::id).orElse(null),
                            "telegram", "done", false, dryRun, 0, null, null, null, null, messageId, null, null);
                    return bus.telegram(TelegramCall.json("editMessageCaption", new JsonObject().put("chat_id", tenant.id())
                            .put("message_id", messageId).put("parse_mode", "HTML")
                            .put("caption", StoryMessage.caption(item.orElse(null), slot, ZoneId.of(tenant.timezone()), status))
                            .put("reply_markup", StoryMessage.noButtons())));
                })
                .map(true)
                .recover(e -> {
                    boolean notModified = String.valueOf(e.getMessage()).contains("message is not modified");
                    if (!notModified) {
                        LOG.info("Tenant {}: caption of message {} not edited: {}", LogFields.tenant(tenant.id()), messageId, e.getMessage());
                    }
                    return Future.succeededFuture(notModified);
                });
    }

    // --- the sweep ---

    /** Expires unanswered notifications (D12) and reclaims stale claims; for every tenant, paused or not. */
    private void sweep(boolean atStart) {
        if (sweeping) {
            return;
        }
        sweeping = true;
        Instant now = clock.instant();
        int[] reclaimed = new int[1];
        int maxAttempts = scheduling.maxAttempts();
        queue.abandonStale(now.minus(STALE_CLAIM), maxAttempts, now)
                .compose(abandoned -> {
                    abandoned.forEach(this::abandoned);
                    reclaimed[0] = abandoned.size();
                    return queue.reclaimStale(null, now.minus(STALE_CLAIM), maxAttempts);
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
                        chain = chain.compose(v -> expire(slot, now));
                    }
                    // a sweep that changed something is a run worth seeing in 'runs list'; an idle one is not
                    return chain.compose(v -> reclaimed[0] == 0 && expiring.isEmpty() ? Future.succeededFuture()
                            : runs.start(null, SWEEP_SERVICE, atStart ? Trigger.STARTUP : Trigger.SCHEDULE, null, new JsonObject())
                                    .compose(run -> runs.completed(run, new JsonObject().put("reclaimed", reclaimed[0])
                                            .put("expired", expiring.size()))));
                })
                .compose(v -> repairCaptions(now, atStart))
                .onFailure(e -> LOG.warn("Posting sweep failed: {}", e.getMessage()))
                .onComplete(v -> sweeping = false);
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

    private Future<Void> expire(QueueItem slot, Instant now) {
        return queue.finish(slot.tenantId(), slot.id(), "expired", null, now, scheduling.repostTtlDays(), scheduling.skipTtlDays(),
                        "nobody answered within " + scheduling.notificationExpiryHours() + " h", QueueItem.NOTIFIED)
                .compose(done -> done.isEmpty() ? Future.succeededFuture()
                        : tenants.findById(slot.tenantId()).map(tenant -> {
                            metrics.outcome("expired");
                            tenant.ifPresent(t -> editCaption(t, slot.telegramMessageId() == null ? 0 : slot.telegramMessageId(),
                                    slot.mediaItemId(), slot.slotKey(), slot.scheduledFor(), slot.id(), slot.dryRun(), expiredStatus())
                                    .onSuccess(edited -> markEdited(t.id(), done.get().historyId(), edited)));
                            return null;
                        }));
    }

    private String expiredStatus() {
        return "⌛ EXPIRED: nobody answered within " + scheduling.notificationExpiryHours() + " h";
    }

    /**
     * Edits again the captions a crash left showing "pending" although their outcome is stored:
     * at start, everything of the last week; later, what stayed unedited for over two minutes.
     */
    private Future<Void> repairCaptions(Instant now, boolean atStart) {
        Instant to = atStart ? now : now.minus(Duration.ofMinutes(2));
        return queue.unedited(now.minus(Duration.ofDays(7)), to).compose(list -> {
            Future<Void> chain = Future.succeededFuture();
            for (QueueRepository.Unedited u : list) {
                chain = chain.compose(v -> tenants.findById(u.tenantId()).compose(t -> t.isEmpty() ? Future.succeededFuture()
                        : editCaption(t.get(), u.messageId(), u.mediaItemId(), u.slotKey(), u.scheduledFor(), u.queueId(), u.dryRun(),
                                "expired".equals(u.outcome()) ? expiredStatus()
                                        : StoryMessage.status(u.outcome(), u.who(), u.completedAt(), u.notifiedAt(), ZoneId.of(t.get().timezone())))
                                .onSuccess(edited -> markEdited(u.tenantId(), u.historyId(), edited)).mapEmpty()));
            }
            if (!list.isEmpty()) {
                LOG.info("Editing {} story captions again that still showed them pending", list.size());
            }
            return chain;
        });
    }

    private static void reply(Message<JsonObject> message, Future<JsonObject> result) {
        result.onSuccess(message::reply).onFailure(e -> ErrorCode.fail(message, e));
    }

    private static Future<StoryPress.Answer> answer(String text, boolean alert) {
        return Future.succeededFuture(new StoryPress.Answer(text, alert));
    }
}
