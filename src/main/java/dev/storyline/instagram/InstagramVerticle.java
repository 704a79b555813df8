package dev.storyline.instagram;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.AlertRaised;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.InstagramConnect;
import dev.storyline.bus.InstagramDisconnected;
import dev.storyline.bus.InstagramPublish;
import dev.storyline.bus.InstagramStatus;
import dev.storyline.bus.TenantRequest;
import dev.storyline.config.AppConfig;
import dev.storyline.config.Secret;
import dev.storyline.media.MediaFormat;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.plan.QueueRepository;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Graph API side of posting (product.md §3): publishes a story from a hosted JPEG, checking the
 * publishing quota first and storing the container id on the queue row before the one irreversible
 * call, so an unknown outcome is settled by the container's status (D16); connects accounts; and
 * once a day refreshes tokens that have fewer than 7 days left. It decides nothing about what to post.
 */
public final class InstagramVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(InstagramVerticle.class);

    private final Pool pool;
    private final AppConfig.InstagramConfig config;
    private final InstagramAccountRepository accounts;
    private final MediaHost host;
    private final Path workDir;
    private final AppConfig.InstagramTiming timing;
    private final Clock clock;
    private GraphClient graph;
    private InstagramConnector connector;
    private QueueRepository queue;
    private MediaRepository media;
    private TenantRepository tenants;
    private ServiceRunRepository runs;
    private EventBusClient bus;
    private long tokenTimer = -1;
    private long sweepTimer = -1;

    /** {@code workDir} holds the JPEGs prepared for a publish until the media host takes them. */
    public InstagramVerticle(Pool pool, AppConfig.InstagramConfig config, InstagramAccountRepository accounts, MediaHost host,
                             Path workDir, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.accounts = accounts;
        this.host = host;
        this.workDir = workDir;
        this.timing = config.timing();
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        graph = new GraphClient(vertx, config.graphBaseUrl(), config.graphApiVersion());
        tenants = new TenantRepository(pool);
        connector = new InstagramConnector(graph, accounts, tenants, config, clock);
        queue = new QueueRepository(pool);
        media = new MediaRepository(pool);
        runs = new ServiceRunRepository(pool, clock);
        bus = new EventBusClient(vertx);
        List<MessageConsumer<JsonObject>> consumers = List.of(
                Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_PUBLISH, InstagramPublish::fromJson,
                        r -> publish(r).map(InstagramPublish.Published::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_STATUS, TenantRequest::fromJson, r -> status(r).map(InstagramStatus::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_CONNECT, InstagramConnect::fromJson,
                        r -> connect(r).map(InstagramStatus::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_DISCONNECT, TenantRequest::fromJson,
                        r -> accounts.disconnect(r.tenantId()).map(done -> new InstagramDisconnected(done).toJson())),
                Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_REFRESH, TenantRequest::fromJson,
                        r -> connector.refresh(r.tenantId()).map(account -> account.view(clock.instant()).toJson())));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> {
            tokenTimer = vertx.setPeriodic(timing.tokenCheckInterval().toMillis(), id -> checkTokens());
            sweepTimer = vertx.setPeriodic(Duration.ofHours(1).toMillis(), id -> sweepLeftovers());
            // issue 19: the key and token checks and the leftovers' sweep follow the start instead of slowing it
            return dev.storyline.bus.AppReady.then(vertx, () -> {
                checkKey();
                checkTokens();
                sweepLeftovers();
            });
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(tokenTimer);
        vertx.cancelTimer(sweepTimer);
        return Future.succeededFuture();
    }

    /**
     * At start and hourly: JPEGs a crash left in {@code instagram-work/} and hosted copies nobody
     * removed (the self host's folder, Cloudinary's {@code storyline/} uploads) are deleted.
     */
    private void sweepLeftovers() {
        vertx.executeBlocking(() -> Leftovers.delete(workDir, MediaHost.LEFTOVER_AFTER), false)
                .onFailure(e -> LOG.warn("Sweeping {} failed: {}", workDir, e.getMessage()));
        if (host.problem() == null) {
            host.sweep();
        }
    }

    // --- accounts ---

    private Future<InstagramStatus> status(TenantRequest request) {
        return accounts.find(request.tenantId()).map(found -> InstagramConnector.status(found, clock.instant()));
    }

    /** Takes the token the asker stored as a draft, checks it with Graph and stores the account (only the draft id travelled). */
    private Future<InstagramStatus> connect(InstagramConnect request) {
        long tenantId = request.tenantId();
        Trigger trigger = request.userId() == null ? Trigger.ADMIN_API : Trigger.TELEGRAM;
        return accounts.takeDraft(tenantId, request.draftId()).compose(draft -> {
            if (draft.isEmpty()) {
                return Future.failedFuture(ErrorCode.NOT_FOUND.failure("no token draft " + request.draftId() + " for this chat"));
            }
            String accountId = draft.get().accountId();
            return tenants.findById(tenantId).compose(t -> t.isEmpty()
                    ? connector.connect(tenantId, accountId, draft.get().token(), request.userId())
                    : runs.recorded(tenantId, InstagramConnector.CONNECT_SERVICE, trigger, request.userId(),
                            new JsonObject().put("accountId", accountId),
                            () -> connector.connect(tenantId, accountId, draft.get().token(), request.userId()),
                            account -> new JsonObject().put("username", account.username())));
        }).map(account -> {
            LOG.info("Tenant {}: Instagram account @{} connected", LogFields.tenant(tenantId), account.username());
            return account.view(clock.instant());
        });
    }

    /** Says at start, in one line and to the admin, when stored tokens cannot be read with the configured key. */
    private void checkKey() {
        accounts.all().onSuccess(all -> {
            for (InstagramAccount account : all) {
                accounts.token(account.tenantId()).onFailure(e -> {
                    if (e instanceof TokenCipher.KeyMismatch) {
                        LOG.error("The Instagram token of tenant {} cannot be read: {}. Its stories go to the chat.", account.tenantId(),
                                e.getMessage());
                        raise(account.tenantId(), "🔑 The Instagram token of tenant " + account.tenantId() + " cannot be read: "
                                + Html.escape(e.getMessage()) + ".");
                    }
                });
            }
        });
    }

    /**
     * The daily check: a token with fewer than 7 days left is exchanged for a fresh one; an expired or
     * refused one pauses the route for its tenant (stories go to the chat) and alerts the admin once.
     */
    private void checkTokens() {
        Instant now = clock.instant();
        accounts.all().onSuccess(all -> {
            List<Future<?>> work = new ArrayList<>();
            for (InstagramAccount account : all) {
                if (!InstagramAccount.VALID.equals(account.status()) || account.expiresAt() == null
                        || account.expiresAt().isAfter(now.plus(InstagramConnector.REFRESH_MARGIN))) {
                    continue;
                }
                if (!account.expiresAt().isAfter(now)) {
                    work.add(tokenTrouble(account.tenantId(), "the token expired on " + account.expiresAt()));
                    continue;
                }
                if (!connector.canRefresh()) {
                    raise(account.tenantId(), "⚠️ The Instagram token of tenant " + account.tenantId() + " (@" + Html.escape(account.username())
                            + ") expires in " + account.daysLeft(now) + " days and cannot be refreshed here (FACEBOOK_APP_ID/SECRET are not set): "
                            + "connect it again with a new token.");
                    continue;
                }
                work.add(runs.start(account.tenantId(), InstagramConnector.REFRESH_SERVICE, Trigger.SCHEDULE, null, new JsonObject())
                        .compose(run -> connector.refresh(account.tenantId()).transform(ar -> {
                            if (ar.succeeded()) {
                                LOG.info("Tenant {}: Instagram token refreshed, valid until {}",
                                        LogFields.tenant(account.tenantId()), ar.result().expiresAt());
                                return runs.completed(run, new JsonObject().put("expiresAt", String.valueOf(ar.result().expiresAt())));
                            }
                            ErrorCode code = ErrorCode.of(ar.cause());
                            Future<Void> trouble = code == ErrorCode.INSTAGRAM_TOKEN_INVALID
                                    ? tokenTrouble(account.tenantId(), ar.cause().getMessage()) : Future.succeededFuture();
                            LOG.warn("Tenant {}: Instagram token not refreshed: {}", LogFields.tenant(account.tenantId()), ar.cause().getMessage());
                            return trouble.compose(v -> runs.failed(run, ar.cause().getMessage()));
                        })));
            }
            Future.join(work).onComplete(ar -> LOG.debug("token check done: {} accounts", all.size()));
        }).onFailure(e -> LOG.warn("Instagram token check failed: {}", e.getMessage()));
    }

    /** The token is unusable: the route pauses for the tenant and the admin hears of it once. */
    private Future<Void> tokenTrouble(long tenantId, String reason) {
        return accounts.invalidate(tenantId, reason).map(changed -> {
            if (changed) {
                LOG.warn("Tenant {}: Instagram token invalid ({}); its stories go to the chat until it is replaced",
                        LogFields.tenant(tenantId), reason);
                raise(tenantId, "🔑 The Instagram token of tenant " + tenantId + " no longer works: " + Html.escape(reason)
                        + ". Its stories go to the chat until you connect it again (storyline instagram connect …).");
            }
            return null;
        });
    }

    private void raise(long tenantId, String html) {
        bus.raiseAlert(new AlertRaised("instagram-token:" + tenantId, tenantId, "warning", html));
    }

    // --- publishing ---

    Future<InstagramPublish.Published> publish(InstagramPublish request) {
        long tenantId = request.tenantId();
        String problem = host.problem();
        if (problem != null) {
            return Future.failedFuture(ErrorCode.INSTAGRAM_NOT_CONNECTED.failure(problem));
        }
        return accounts.find(tenantId).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(ErrorCode.INSTAGRAM_NOT_CONNECTED.failure("no Instagram account is connected"));
            }
            InstagramAccount account = found.get();
            if (!account.valid(clock.instant())) {
                return Future.failedFuture(ErrorCode.INSTAGRAM_TOKEN_INVALID.failure("the Instagram " + account.tokenLine(clock.instant())));
            }
            return accounts.token(tenantId).compose(token -> media.byId(tenantId, request.mediaItemId())
                    .compose(item -> item.isPresent() ? Future.succeededFuture(item.get())
                            : Future.failedFuture(new GraphException(GraphException.Kind.REJECTED,
                                    "the library has no item " + request.mediaItemId(), false)))
                    .compose(item -> resume(request, item, account, token))
                    .recover(e -> {
                        if (e instanceof GraphException g && g.kind() == GraphException.Kind.TOKEN) {
                            return tokenTrouble(tenantId, g.getMessage()).transform(v -> Future.failedFuture(e));
                        }
                        return Future.failedFuture(e);
                    }));
        }).recover(e -> Future.failedFuture(InstagramConnector.coded(e)));
    }

    /** An earlier container is checked before anything else (D16); without one, a new publish starts. */
    private Future<InstagramPublish.Published> resume(InstagramPublish request, MediaItem item, InstagramAccount account, Secret token) {
        if (request.containerId() == null) {
            return fresh(request, item, account, token);
        }
        String container = request.containerId();
        return graph.containerStatus(container, token).compose(status -> switch (status) {
            case "PUBLISHED" -> {
                LOG.info("Tenant {}: slot {} was already published (container {})",
                        LogFields.tenant(request.tenantId()), LogFields.slot(request.queueId()), container);
                yield recovered(request, account, token, container);
            }
            case "FINISHED", "IN_PROGRESS" -> finishAndPublish(request, item, account, token, container);
            default -> fresh(request, item, account, token); // ERROR or EXPIRED: that container will never publish
        });
    }

    /**
     * A new container: an image is prepared as a JPEG, a video (D29) is hosted as it is; either is
     * hosted only for as long as Instagram needs to fetch it.
     */
    private Future<InstagramPublish.Published> fresh(InstagramPublish request, MediaItem item, InstagramAccount account, Secret token) {
        return graph.publishingLimit(account.accountId(), token).compose(limit -> {
            if (limit[0] >= limit[1]) {
                return Future.failedFuture(new GraphException(GraphException.Kind.RATE_LIMIT,
                        "the 24-hour publishing quota is used up (" + limit[0] + " of " + limit[1] + ")", false));
            }
            String extension = item.video() ? MediaFormat.byMimeType(item.mimeType()).map(MediaFormat::extension).orElse("mp4") : "jpg";
            Path copy = workDir.resolve("publish-" + request.queueId() + "-" + System.nanoTime() + "." + extension);
            return vertx.executeBlocking(() -> {
                        Files.createDirectories(workDir);
                        if (item.video()) {
                            Files.copy(Path.of(item.path()), copy, StandardCopyOption.REPLACE_EXISTING);
                        } else {
                            JpegPreparer.prepare(Path.of(item.path()), item.mimeType(), copy);
                        }
                        return copy;
                    }, false)
                    .recover(e -> {
                        vertx.executeBlocking(() -> Files.deleteIfExists(copy), false);
                        return Future.failedFuture(e instanceof IOException ? new GraphException(GraphException.Kind.REJECTED,
                                "the " + (item.video() ? "video" : "image") + " could not be prepared for Instagram: " + e.getMessage(), false) : e);
                    })
                    .compose(host::host)
                    .compose(hosted -> (item.video() ? graph.createVideoStory(account.accountId(), hosted.url(), token)
                                    : graph.createStory(account.accountId(), hosted.url(), token))
                            // stored before media_publish: whatever happens next, this container settles it (D16)
                            .compose(container -> queue.containerCreated(request.tenantId(), request.queueId(), container,
                                    request.claimToken()).compose(held -> held ? Future.succeededFuture(container)
                                    // the slot was reclaimed meanwhile (D24): whoever has it now decides, this one publishes nothing
                                    : Future.failedFuture(new GraphException(GraphException.Kind.REJECTED,
                                            "the story was taken over by another attempt", false))))
                            .compose(container -> finishAndPublish(request, item, account, token, container))
                            .onComplete(ar -> host.remove(hosted)));
        });
    }

    private Future<InstagramPublish.Published> finishAndPublish(InstagramPublish request, MediaItem item, InstagramAccount account,
                                                                Secret token, String container) {
        Poll poll = new Poll(request, container, token, clock.millis(), item.video() ? timing.videoPollBudget() : timing.pollBudget(),
                item.video() ? "video" : "image");
        return awaitFinished(poll, timing.firstPoll().toMillis())
                .compose(status -> "PUBLISHED".equals(status)
                        // another attempt published it meanwhile: that is this story's publish, never a second one
                        ? recovered(request, account, token, container)
                        : graph.publish(account.accountId(), container, token)
                                .compose(mediaId -> mediaId == null ? recovered(request, account, token, container)
                                        : graph.permalink(mediaId, token).otherwise((String) null)
                                                .map(permalink -> new InstagramPublish.Published(container, mediaId, permalink)))
                                .recover(e -> {
                                    if (e instanceof GraphException g && (g.outcomeUnknown() || g.kind() == GraphException.Kind.TRANSIENT)) {
                                        // the publish may have happened: the container knows (D16)
                                        return graph.containerStatus(container, token).compose(after -> "PUBLISHED".equals(after)
                                                ? recovered(request, account, token, container) : Future.failedFuture(e));
                                    }
                                    return Future.failedFuture(e);
                                }))
                .onSuccess(p -> LOG.info("Tenant {}: slot {} published to Instagram (media {})",
                        LogFields.tenant(request.tenantId()), LogFields.slot(request.queueId()),
                        p.mediaId()));
    }

    /**
     * A container that Instagram published without Storyline hearing the media id (a lost answer, a
     * crash, another attempt): the media id and permalink are those of the account's newest live
     * story that no history row of the tenant names yet. Best effort: when the list cannot be read
     * the publish still counts, without them.
     */
    private Future<InstagramPublish.Published> recovered(InstagramPublish request, InstagramAccount account, Secret token,
                                                         String container) {
        return graph.stories(account.accountId(), token)
                .compose(stories -> stories.isEmpty() ? Future.succeededFuture((GraphClient.Story) null)
                        : queue.knownMediaIds(request.tenantId(), stories.stream().map(GraphClient.Story::mediaId).toList())
                                .map(known -> stories.stream().filter(story -> !known.contains(story.mediaId())).findFirst().orElse(null)))
                .map(story -> story == null ? new InstagramPublish.Published(container, null, null)
                        : new InstagramPublish.Published(container, story.mediaId(), story.permalink()))
                .otherwise(e -> {
                    LOG.info("Tenant {}: the media id of slot {} is unknown: {}", LogFields.tenant(request.tenantId()),
                            LogFields.slot(request.queueId()), e.getMessage());
                    return new InstagramPublish.Published(container, null, null);
                });
    }

    /** One container being waited for: whose slot, since when, for how long at most, of what (for messages). */
    private record Poll(InstagramPublish request, String container, Secret token, long startedMillis, Duration budget, String what) {
    }

    /**
     * Polls {@code status_code} with a doubling pause (at most {@link AppConfig.InstagramTiming#MAX_POLL_PAUSE})
     * until FINISHED (or PUBLISHED), within the poll budget (a video may take 5 minutes); while it waits
     * the slot's claim is kept fresh, so no sweep hands the slot to another attempt. The status.
     */
    private Future<String> awaitFinished(Poll poll, long pauseMillis) {
        return graph.containerStatus(poll.container(), poll.token()).compose(status -> {
            switch (status) {
                case "FINISHED", "PUBLISHED":
                    return Future.succeededFuture(status);
                case "IN_PROGRESS":
                    if (clock.millis() - poll.startedMillis() + pauseMillis > poll.budget().toMillis()) {
                        return Future.failedFuture(new GraphException(GraphException.Kind.TRANSIENT,
                                "Instagram was still processing the " + poll.what() + " after " + poll.budget().toSeconds() + " s", false));
                    }
                    InstagramPublish r = poll.request();
                    return queue.keepClaim(r.tenantId(), r.queueId(), r.claimToken(), clock.instant()).compose(held -> {
                        if (!held) {
                            return Future.failedFuture(new GraphException(GraphException.Kind.REJECTED,
                                    "the story was taken over by another attempt", false));
                        }
                        Promise<String> later = Promise.promise();
                        long next = Math.min(pauseMillis * 2, AppConfig.InstagramTiming.MAX_POLL_PAUSE.toMillis());
                        vertx.setTimer(pauseMillis, id -> awaitFinished(poll, next).onComplete(later));
                        return later.future();
                    });
                default:
                    return Future.failedFuture(new GraphException(GraphException.Kind.REJECTED,
                            "Instagram could not process the " + poll.what() + " (container " + status + ")", false));
            }
        });
    }

    private static <T> void reply(Message<JsonObject> message, Future<T> result) {
        result.onSuccess(message::reply).onFailure(e -> ErrorCode.fail(message, InstagramConnector.coded(e)));
    }
}
