package dev.storyline.posting;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.AlertRaised;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.DeliveredRequests;
import dev.storyline.bus.Dispatch;
import dev.storyline.bus.Dispatch.Dispatched;
import dev.storyline.bus.Dispatch.Outcome;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.InstagramPublish;
import dev.storyline.bus.StoryReceipt;
import dev.storyline.bus.TelegramCall;
import dev.storyline.bus.TenantRequest;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.notice.Notices;
import dev.storyline.plan.Planner;
import dev.storyline.plan.QueueItem;
import dev.storyline.plan.QueueQueries;
import dev.storyline.plan.QueueRepository;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
 * Sends due stories (architecture "A slot's journey", steps 3–4): {@code posting.dispatch} takes a
 * claimed slot, re-checks its image (another one if it became ineligible, D9), routes it (product.md
 * §3), sends it to the chat with {@code sendPhoto} ({@code sendVideo} for a video, D29) or publishes it through the Instagram verticle,
 * records what happened under the slot's claim (D24) and answers with a {@link Dispatch.Outcome};
 * {@code posting.next} plans and sends one story now ({@code /next}). Keeps nothing between messages.
 */
public final class DispatchVerticle extends VerticleBase {
    /** How long a call through the outbox may take, rate limits and its own retries included. */
    static final Duration TELEGRAM_PATIENCE = Duration.ofMinutes(10);
    /**
     * A claim older than this was left by a process that died between claim and record. It is longer
     * than the longest wait a live claimer may be in (the outbox, {@link #TELEGRAM_PATIENCE}; a publish
     * is bounded to a few minutes), so a slow Telegram never gets a story sent twice (D24).
     */
    public static final Duration STALE_CLAIM = TELEGRAM_PATIENCE.plusMinutes(5);
    /** D32: how long a story waits when no node sends to Telegram (a cluster's leader is changing). */
    static final Duration NO_SENDER_PAUSE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(DispatchVerticle.class);

    private final Pool pool;
    private final AppConfig.SchedulingConfig scheduling;
    private final Clock clock;
    private final PostingMetrics metrics;
    private TenantRepository tenants;
    private MediaRepository media;
    private QueueRepository queue;
    private QueueQueries queries;
    private Notices notices;
    private EventBusClient bus;
    private DeliveredRequests delivered;
    private Published published;

    public DispatchVerticle(Pool pool, AppConfig.SchedulingConfig scheduling, Clock clock, PostingMetrics metrics) {
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
        notices = new Notices(pool, vertx.eventBus());
        // a photo may wait in the outbox behind Telegram's rate limits: giving up on the answer while the
        // outbox still sends it would retry a story Telegram has, so the answer is always awaited
        bus = new EventBusClient(vertx, TELEGRAM_PATIENCE);
        published = new Published(queue, bus, scheduling, clock, metrics);
        delivered = new DeliveredRequests(vertx);
        return Future.all(delivered.start(),
                Consumers.register(vertx.eventBus(), Addresses.POSTING_DISPATCH, Dispatch::fromJson,
                        d -> dispatch(d).map(o -> new Dispatched(d.queueId(), o).toJson())).completion(),
                Consumers.register(vertx.eventBus(), Addresses.POSTING_NEXT, TenantRequest::fromJson,
                        r -> next(r.tenantId()).map(Dispatched::toJson)).completion(),
                vertx.eventBus().<JsonObject>localConsumer(Addresses.TELEGRAM_SENT, sent -> recordSent(sent.body())).completion());
    }

    /**
     * D32: this node sent a story for Telegram; it records the message whether or not the node that asked is still there to hear
     * the answer (that node, when alive, records the same: the second record changes nothing). Without it, a story sent for a node
     * that died a moment later would go out again when its claim ends.
     */
    private void recordSent(JsonObject sent) {
        JsonObject receipt = sent.getJsonObject("receipt");
        Object result = sent.getValue("result");
        if (!StoryReceipt.is(receipt) || !(result instanceof JsonObject message) || message.getLong("message_id") == null) {
            return;
        }
        StoryReceipt story = StoryReceipt.fromJson(receipt);
        queue.notified(story.tenantId(), story.slotId(), clock.instant(), message.getLong("message_id"), story.mediaItemId(), story.claimToken())
                .onFailure(e -> LOG.warn("Tenant {}: recording the sent slot {} failed: {}", LogFields.tenant(story.tenantId()),
                        LogFields.slot(story.slotId()), e.getMessage()));
    }

    @Override
    public Future<?> stop() {
        return delivered == null ? Future.succeededFuture() : delivered.stop();
    }

    private Future<Outcome> dispatch(Dispatch request) {
        return tenants.findById(request.tenantId()).compose(tenant -> queue.byId(request.tenantId(), request.queueId()).compose(slot -> {
            if (tenant.isEmpty() || slot.isEmpty() || !QueueItem.CLAIMED.equals(slot.get().state())) {
                return Future.succeededFuture(Outcome.GONE);
            }
            if (slot.get().attempts() == 1 && !slot.get().manual() && slot.get().claimedAt() != null) {
                metrics.lateness(Duration.between(slot.get().scheduledFor(), slot.get().claimedAt()));
            }
            return send(tenant.get(), slot.get());
        }));
    }

    /** Sends a claimed slot's story by its route (product.md §3). */
    private Future<Outcome> send(Tenant tenant, QueueItem slot) {
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
     * needs no interaction (no stickers, no link) and it is not a dry run (then the publish is only
     * simulated); else the chat. A publish that created a container is always finished through Instagram (D16).
     */
    private Future<Route> route(Tenant tenant, QueueItem slot, MediaItem image) {
        if (slot.instagramContainerId() != null) {
            return Future.succeededFuture(new Route(RouteKind.INSTAGRAM, null));
        }
        if ("telegram".equals(slot.route()) || !tenant.instagramEnabled() || needsPerson(image)) {
            return Future.succeededFuture(new Route(RouteKind.TELEGRAM, null));
        }
        return bus.instagramStatus(tenant.id()).map(status -> {
            if (!status.connected()) {
                return new Route(RouteKind.TELEGRAM, "🤖 Instagram is on, but no account is connected: please post it by hand.");
            }
            if (!status.valid()) {
                return new Route(RouteKind.TELEGRAM, "🤖 Instagram is paused (" + status.tokenLine() + "): please post it by hand.");
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
    private Future<Outcome> notify(Tenant tenant, QueueItem slot, MediaItem image, int attempts, String note) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        JsonObject params = new JsonObject().put("chat_id", tenant.id()).put("parse_mode", "HTML")
                .put("caption", StoryMessage.pending(image, slot, zone, note))
                .put("reply_markup", StoryMessage.buttons(image, slot.id(), tenant.instagramEnabled() && !slot.dryRun()));
        TelegramCall call;
        if (image.video()) {
            // D29: a video story streams in the chat (its duration and size let clients show it before it loads)
            params.put("supports_streaming", true).put("duration", Math.max(1, Math.round(image.durationMillis() / 1000.0)));
            if (image.width() != null && image.height() != null) {
                params.put("width", image.width()).put("height", image.height());
            }
            call = TelegramCall.upload("sendVideo", params, "video", tenant.id(), image.id());
        } else {
            call = TelegramCall.upload("sendPhoto", params, "photo", tenant.id(), image.id());
        }
        // a story that may have arrived is not sent again by the outbox: this verticle decides (D15)
        // D32: a story that reached no node that sends to Telegram (its node just died) is known unsent, not in doubt; in a cluster
        // the node that sends records the story too (its receipt), so it stands even if this node dies before the answer comes
        TelegramCall story = vertx.isClustered()
                ? call.atMostOnce().withReceipt(new StoryReceipt(tenant.id(), slot.id(), image.id(), slot.claimToken()).toJson())
                : call.atMostOnce();
        return delivered.request(Addresses.TELEGRAM_SEND, story.toJson(), TELEGRAM_PATIENCE).map(TelegramCall.Result::fromJson)
                .transform(sent -> {
                    if (sent.succeeded()) {
                        long messageId = sent.result().message().getLong("message_id");
                        metrics.notified();
                        return queue.notified(tenant.id(), slot.id(), clock.instant(), messageId, image.id(), slot.claimToken())
                                .map(held -> {
                                    if (!held) {
                                        LOG.warn("Tenant {}: slot {} was sent, but its claim was taken over meanwhile",
                                                LogFields.tenant(tenant.id()), LogFields.slot(slot.id()));
                                    }
                                    return held ? Outcome.NOTIFIED : Outcome.GONE;
                                });
                    }
                    if (sent.cause() instanceof io.vertx.core.eventbus.ReplyException r
                            && r.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS) {
                        // nothing reached Telegram: in a cluster, the node that sends for it is changing (D32); soon again, uncounted
                        Instant next = clock.instant().plus(NO_SENDER_PAUSE);
                        LOG.info("Tenant {}: slot {} waits for a node that sends to Telegram; again at {}", LogFields.tenant(tenant.id()),
                                LogFields.slot(slot.id()), next);
                        return queue.defer(tenant.id(), slot.id(), next, "no node sends to Telegram just now", slot.claimToken())
                                .map(held -> held ? Outcome.RETRY : Outcome.GONE);
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

    private Future<Outcome> retry(Tenant tenant, QueueItem slot, int attempts, String reason) {
        Instant next = clock.instant().plus(Duration.ofMinutes(5L << (attempts - 1)));
        LOG.warn("Tenant {}: slot {} not sent ({}), retry at {}", LogFields.tenant(tenant.id()), LogFields.slot(slot.id()), reason, next);
        return queue.retry(tenant.id(), slot.id(), next, reason, slot.claimToken()).map(held -> held ? Outcome.RETRY : Outcome.GONE);
    }

    /**
     * Publishes through the Instagram verticle. Rate limits and outages retry at 5/10/20 minutes (D15);
     * a refusal, a token problem or the last retry sends the story to the chat with the reason, so
     * the team can post it by hand: nothing is lost.
     */
    private Future<Outcome> publish(Tenant tenant, QueueItem slot, MediaItem image) {
        return queue.publishing(tenant.id(), slot.id(), clock.instant(), QueueItem.CLAIMED, slot.claimToken()).compose(started -> {
            if (started.isEmpty()) {
                return Future.succeededFuture(Outcome.GONE);
            }
            long token = started.get();
            return bus.instagramPublish(new InstagramPublish(tenant.id(), slot.id(), image.id(),
                            slot.instagramContainerId(), token))
                    .transform(ar -> {
                        if (ar.succeeded()) {
                            return published.byStoryline(tenant, slot.id(), image, ar.result(), token).map(Outcome.PUBLISHED);
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
                                        : Future.succeededFuture(Outcome.GONE));
                    });
        });
    }

    /** D7: in a dry run a story Instagram would have taken is only reported, and recorded with {@code dry_run}. */
    private Future<Outcome> simulate(Tenant tenant, QueueItem slot, MediaItem image) {
        return queue.publishing(tenant.id(), slot.id(), clock.instant(), QueueItem.CLAIMED, slot.claimToken())
                .compose(started -> started.isEmpty() ? Future.succeededFuture(Outcome.GONE)
                        : published.byStoryline(tenant, slot.id(), image, new InstagramPublish.Published(null, null, null), started.get())
                                .map(Outcome.SIMULATED));
    }

    /** The slot's image if it is still fit to post, else another eligible one (D9), else empty. */
    private Future<Optional<MediaItem>> usableItem(Tenant tenant, QueueItem slot) {
        Future<Optional<MediaItem>> planned = slot.mediaItemId() == null ? Future.succeededFuture(Optional.empty())
                : media.byId(tenant.id(), slot.mediaItemId());
        return planned.compose(item -> vertx.executeBlocking(() -> item.filter(i -> i.active() && Files.isReadable(Path.of(i.path()))), false))
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
    private Future<Outcome> fail(Tenant tenant, QueueItem slot, String reason, boolean noImage) {
        LOG.warn("Tenant {}: slot {} failed: {}", LogFields.tenant(tenant.id()), LogFields.slot(slot.id()), reason);
        return queue.failed(tenant.id(), slot.id(), clock.instant(), reason, slot.claimToken())
                .compose(done -> {
                    if (done.isEmpty()) {
                        return Future.succeededFuture(Outcome.GONE);
                    }
                    metrics.outcome("failed");
                    String when = StoryMessage.SLOT.format(slot.scheduledFor().atZone(ZoneId.of(tenant.timezone())));
                    String text = noImage
                            ? "⚠️ A story was due " + Html.escape(when) + ", but the library has no image that may be posted now. "
                                    + "Send photos here or add them to the team's folder."
                            : "⚠️ The story due " + Html.escape(when) + " could not be sent: " + Html.escape(reason);
                    notices.send(tenant.id(), Notices.STORY_FAILURE, text, null, "story-failed:" + done.get().historyId())
                            .onFailure(e -> LOG.warn("Tenant {}: failure notice not queued: {}", LogFields.tenant(tenant.id()), e.getMessage()));
                    return queries.recentOutcomes(tenant.id(), 3).map(recent -> {
                        if (recent.size() == 3 && recent.stream().allMatch("failed"::equals)) {
                            bus.raiseAlert(new AlertRaised("story-failures:" + tenant.id(), tenant.id(), "warning",
                                    "⚠️ " + Html.bold(tenant.title()) + " (" + tenant.id() + "): the last 3 stories failed. Latest: "
                                            + Html.escape(reason)));
                        }
                        return Outcome.FAILED;
                    });
                });
    }

    /** {@code /next}: the next eligible image now, or the next planned story when every eligible one is planned. */
    private Future<Dispatched> next(long tenantId) {
        Instant now = clock.instant();
        return tenants.required(tenantId).compose(tenant -> {
            if (!tenant.active()) {
                // D22: /next ignores only the posting window, never a pause or a tenant that is not approved
                return Future.failedFuture(ErrorCode.CONFLICT.failure(tenant.paused()
                        ? "Posting is paused here: /resume first." : "This chat is " + tenant.state() + ", not active."));
            }
            return Planner.eligible(pool, tenantId, now, scheduling.avoidRepostDays(), 5)
                    .compose(candidates -> firstReadable(tenant, candidates, 0))
                    .compose(item -> {
                        if (item.isPresent()) {
                            return queue.manual(tenantId, now, item.get().id(), tenant.dryRun())
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
                            : send(tenant, claimed.get()).map(outcome -> new Dispatched(claimed.get().id(), outcome)));
        });
    }
}
