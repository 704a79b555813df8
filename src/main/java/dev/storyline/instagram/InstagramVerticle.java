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
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).onSuccess(v -> {
            checkKey();
            checkTokens();
            tokenTimer = vertx.setPeriodic(timing.tokenCheckInterval().toMillis(), id -> checkTokens());
            sweepLeftovers();
            sweepTimer = vertx.setPeriodic(Duration.ofHours(1).toMillis(), id -> sweepLeftovers());
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
            return accounts.token(tenantId).compose(token -> resume(request, account, token)
                    .recover(e -> {
                        if (e instanceof GraphException g && g.kind() == GraphException.Kind.TOKEN) {
                            return tokenTrouble(tenantId, g.getMessage()).transform(v -> Future.failedFuture(e));
                        }
                        return Future.failedFuture(e);
                    }));
        }).recover(e -> Future.failedFuture(InstagramConnector.coded(e)));
    }

    /** An earlier container is checked before anything else (D16); without one, a new publish starts. */
    private Future<InstagramPublish.Published> resume(InstagramPublish request, InstagramAccount account, Secret token) {
        if (request.containerId() == null) {
            return fresh(request, account, token);
        }
        String container = request.containerId();
        return graph.containerStatus(container, token).compose(status -> switch (status) {
            case "PUBLISHED" -> {
                LOG.info("Tenant {}: slot {} was already published (container {})",
                        LogFields.tenant(request.tenantId()), LogFields.slot(request.queueId()), container);
                yield recovered(request, account, token, container);
            }
            case "FINISHED", "IN_PROGRESS" -> finishAndPublish(request, account, token, container);
            default -> fresh(request, account, token); // ERROR or EXPIRED: that container will never publish
        });
    }

    private Future<InstagramPublish.Published> fresh(InstagramPublish request, InstagramAccount account, Secret token) {
        return graph.publishingLimit(account.accountId(), token).compose(limit -> {
            if (limit[0] >= limit[1]) {
                return Future.failedFuture(new GraphException(GraphException.Kind.RATE_LIMIT,
                        "the 24-hour publishing quota is used up (" + limit[0] + " of " + limit[1] + ")", false));
            }
            Path jpeg = workDir.resolve("publish-" + request.queueId() + "-" + System.nanoTime() + ".jpg");
            return media.byId(request.tenantId(), request.mediaItemId())
                    .compose(item -> item.isPresent() ? Future.succeededFuture(item.get())
                            : Future.failedFuture(new IOException("the library has no item " + request.mediaItemId())))
                    .compose(item -> vertx.executeBlocking(() -> {
                        Files.createDirectories(workDir);
                        JpegPreparer.prepare(Path.of(item.path()), item.mimeType(), jpeg);
                        return jpeg;
                    }, false))
                    .recover(e -> {
                        vertx.executeBlocking(() -> Files.deleteIfExists(jpeg), false);
                        return Future.failedFuture(e instanceof IOException ? new GraphException(GraphException.Kind.REJECTED,
                                "the image could not be prepared for Instagram: " + e.getMessage(), false) : e);
                    })
                    .compose(host::host)
                    .compose(hosted -> graph.createStory(account.accountId(), hosted.url(), token)
                            // stored before media_publish: whatever happens next, this container settles it (D16)
                            .compose(container -> queue.containerCreated(request.tenantId(), request.queueId(), container,
                                    request.claimToken()).compose(held -> held ? Future.succeededFuture(container)
                                    // the slot was reclaimed meanwhile (D24): whoever has it now decides, this one publishes nothing
                                    : Future.failedFuture(new GraphException(GraphException.Kind.REJECTED,
                                            "the story was taken over by another attempt", false))))
                            .compose(container -> finishAndPublish(request, account, token, container))
                            .onComplete(ar -> host.remove(hosted)));
        });
    }

    private Future<InstagramPublish.Published> finishAndPublish(InstagramPublish request, InstagramAccount account, Secret token,
                                                                String container) {
        return awaitFinished(container, token, clock.millis(), timing.firstPoll().toMillis())
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

    /** Polls {@code status_code} with a doubling pause until FINISHED (or PUBLISHED), within the poll budget; the status. */
    private Future<String> awaitFinished(String container, Secret token, long startedMillis, long pauseMillis) {
        return graph.containerStatus(container, token).compose(status -> {
            switch (status) {
                case "FINISHED", "PUBLISHED":
                    return Future.succeededFuture(status);
                case "IN_PROGRESS":
                    if (clock.millis() - startedMillis + pauseMillis > timing.pollBudget().toMillis()) {
                        return Future.failedFuture(new GraphException(GraphException.Kind.TRANSIENT,
                                "Instagram was still processing the image after " + timing.pollBudget().toSeconds() + " s", false));
                    }
                    Promise<String> later = Promise.promise();
                    vertx.setTimer(pauseMillis, id -> awaitFinished(container, token, startedMillis, pauseMillis * 2).onComplete(later));
                    return later.future();
                default:
                    return Future.failedFuture(new GraphException(GraphException.Kind.REJECTED,
                            "Instagram could not process the image (container " + status + ")", false));
            }
        });
    }

    private static <T> void reply(Message<JsonObject> message, Future<T> result) {
        result.onSuccess(message::reply).onFailure(e -> ErrorCode.fail(message, InstagramConnector.coded(e)));
    }
}
