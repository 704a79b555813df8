package dev.storyline.telegram;

import dev.storyline.app.Version;
import dev.storyline.bot.Bot;
import dev.storyline.bot.BotServices;
import dev.storyline.bot.Replies;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.UserRequest;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.PollerStatus;
import dev.storyline.bus.TelegramCall;
import dev.storyline.bus.TelegramDownload;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaRoots;
import dev.storyline.media.MediaRepository;
import dev.storyline.notice.NoticeRepository;
import dev.storyline.notice.Notices;
import dev.storyline.plan.QueueQueries;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.PendingInputRepository;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.user.ChatAdmins;
import dev.storyline.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * Telegram: the {@code getUpdates} loop with its stored offset, the outbox, and the bot's handlers.
 *
 * <p>At start it learns who it is ({@code getMe}), removes any webhook, publishes its command menu,
 * registers {@code TELEGRAM_CHANNEL_ID}, greets the admin chat, and polls (timeout 50). A batch is
 * handled chat by chat (in order within a chat, chats side by side); only then is the offset stored,
 * so a crash replays at most that batch and idempotent handlers change nothing twice. A batch whose
 * handling hit the database is retried update by update (those already handled are not handled
 * again); an update that fails {@link UpdateBatches#POISON_AFTER} times is set aside in
 * {@code telegram_dead_letters} with the admin told, so no update can stall the others; a malformed
 * update, or one that fails for any reason but the database, is logged and skipped. Network errors
 * and 5xx back off exponentially; 409 and a batch stuck for two minutes show in {@code /health}; an
 * empty answer never makes it spin.
 */
public final class TelegramVerticle extends VerticleBase {
    public static final List<String> ALLOWED_UPDATES = List.of("message", "channel_post", "callback_query", "my_chat_member", "chat_member");
    private static final Logger LOG = LoggerFactory.getLogger(TelegramVerticle.class);
    /** At most two polls a second, whatever the server answers. */
    private static final long MIN_POLL_INTERVAL_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 60_000;
    private static final long PARKED_AFTER_MILLIS = 2_000;
    private static final Duration SHUTDOWN_MESSAGE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration FIRST_OPTIONAL_RETRY = Duration.ofMinutes(1);

    private final AppConfig config;
    private final Pool pool;
    private final Clock clock;
    private final TelegramMetrics metrics;
    private final OutboxLimiter.Limits limits;
    private final MediaRoots roots;
    private TelegramClient client;
    private Outbox outbox;
    private Bot bot;
    private BotServices services;
    private TelegramStateRepository state;
    private long botId;
    private long offset;
    private boolean running;
    private boolean identified;
    private int failures;
    private NoticeSender noticeSender;
    private long noticeTimer = -1;
    private UpdateBatches batches;
    private Instant startedAt;
    private Instant lastPollOkAt;
    private String lastError;
    private boolean conflict;
    private String botUsername;
    private final dev.storyline.cluster.Leadership leadership;
    /** Whether this node polls and sends (always on a single node). */
    private boolean leader;
    /** A poll is under way or waiting in a timer: a node that leads again must not start a second loop. */
    private boolean polling;
    private List<MessageConsumer<JsonObject>> consumers = List.of();
    private long leadTimer = -1;

    public TelegramVerticle(AppConfig config, Pool pool, Clock clock, TelegramMetrics metrics, OutboxLimiter.Limits limits) {
        this(config, pool, clock, metrics, limits, null);
    }

    /**
     * In a cluster (D32), only the node that holds {@code leadership} polls and answers the Telegram
     * addresses (sends, downloads, status, the notices): every node's requests reach its outbox over the
     * clustered bus, so Telegram's limits hold cluster-wide. A node that takes over resumes from the
     * stored offset and the durable notices.
     */
    public TelegramVerticle(AppConfig config, Pool pool, Clock clock, TelegramMetrics metrics, OutboxLimiter.Limits limits,
                            dev.storyline.cluster.Leadership leadership) {
        this.leadership = leadership;
        this.config = config;
        this.roots = MediaRoots.of(config);
        this.pool = pool;
        this.clock = clock;
        this.metrics = metrics;
        this.limits = limits;
    }

    @Override
    public Future<?> start() {
        AppConfig.TelegramConfig telegram = config.telegram();
        String token = telegram.botToken().reveal();
        botId = Long.parseLong(token.substring(0, token.indexOf(':')));
        startedAt = clock.instant();
        client = new TelegramClient(vertx, telegram.apiBaseUrl(), token);
        state = new TelegramStateRepository(pool);
        // the listener calls into the bot, which is created below with the outbox it sends through
        // rate limits are about real elapsed time: the monotonic clock, not the (injectable) business clock
        outbox = new Outbox(vertx, client, new OutboxLimiter(limits), () -> System.nanoTime() / 1_000_000, new Outbox.Listener() {
            @Override
            public Future<Void> chatMigrated(long fromChatId, long toChatId) {
                return bot.chatMigrated(fromChatId, toChatId);
            }

            @Override
            public void botRemoved(long chatId, String description) {
                bot.botRemoved(chatId, description);
            }

            @Override
            public void rateLimited(long chatId, int retryAfterSeconds) {
                LOG.info("Telegram rate limit: chat {} waits {} s", chatId, retryAfterSeconds);
            }
        }, metrics, telegram.bounds());
        Replies replies = new Replies(outbox);
        Notices notices = new Notices(pool, vertx.eventBus());
        noticeSender = new NoticeSender(new NoticeRepository(pool), outbox);
        services = new BotServices(replies, notices, new TenantRepository(pool), new dev.storyline.tenant.CategoryMixRepository(pool),
                new UserRepository(pool), new PendingInputRepository(pool), new MediaRepository(pool), new QueueQueries(pool),
                new dev.storyline.plan.Runways(pool, clock, null),
                new ChatAdmins(replies::administrators, clock), new EventBusClient(vertx), clock, telegram, config.tenantDefaults(),
                new dev.storyline.bot.PlannerLinks(config.http().miniApp()), new dev.storyline.miniapp.AppRepository(pool),
                new dev.storyline.instagram.InsightsRepository(pool));
        bot = new Bot(services, pool);
        batches = new UpdateBatches(bot, services, state, metrics, clock, botId, () -> running);

        running = true;
        if (leadership == null) {
            leader = true;
            return register().onSuccess(v -> vertx.runOnContext(x -> boot()));
        }
        leadTimer = vertx.setPeriodic(leadership.every().toMillis(), id -> lead());
        // a node that left may have been the leader: ask now (after the orchestrator ended its leases), not at the next round
        vertx.eventBus().<String>localConsumer(Addresses.CLUSTER_NODE_LEFT, left -> vertx.setTimer(500, id -> lead()));
        lead();
        return Future.succeededFuture();
    }

    /** The Telegram addresses this node answers while it leads (always on a single node). */
    private Future<Void> register() {
        consumers = List.of(
                Consumers.registerClustered(vertx.eventBus(), Addresses.TELEGRAM_SEND, TelegramCall::fromJson, c -> send(c).map(TelegramCall.Result::toJson)),
                Consumers.registerClustered(vertx.eventBus(), Addresses.TELEGRAM_STATUS, json -> json, x -> Future.succeededFuture(status().toJson())),
                Consumers.registerClustered(vertx.eventBus(), Addresses.TELEGRAM_DOWNLOAD, TelegramDownload::fromJson,
                        d -> download(d).map(TelegramDownload.Downloaded::toJson)),
                Consumers.registerClustered(vertx.eventBus(), Addresses.ADMIN_USER_REACTIVATE, UserRequest::fromJson,
                        r -> reactivate(r).map(UserRequest.Person::toJson)),
                vertx.eventBus().consumer(Addresses.TELEGRAM_NOTICES, m -> {
                    if (identified && leader) {
                        noticeSender.sweep();
                    }
                }));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
    }

    /**
     * D32: takes or renews the Telegram lease. Gaining it: answer the addresses, then poll from the
     * stored offset (booting first if this node never did). Losing it (another node holds it, or the
     * database did not answer): stop answering and polling; a batch that arrives after is not handled.
     */
    private void lead() {
        if (!running) {
            return;
        }
        leadership.hold().otherwise(false).onSuccess(held -> {
            if (held && !leader) {
                leader = true;
                LOG.info("Node {}: this node polls Telegram and sends for the cluster now", leadership.node());
                register().onSuccess(v -> {
                    if (!identified) {
                        boot();
                    } else {
                        state.offset(botId).onSuccess(stored -> {
                            offset = Math.max(offset, stored);
                            noticeSender.sweep();
                            if (!polling) {
                                poll();
                            }
                        });
                    }
                });
            } else if (!held && leader) {
                leader = false;
                LOG.warn("Node {}: another node polls Telegram now (or the lease could not be renewed)", leadership.node());
                List<MessageConsumer<JsonObject>> old = consumers;
                consumers = List.of();
                old.forEach(c -> c.unregister());
            }
        });
    }

    @Override
    public Future<?> stop() {
        running = false;
        vertx.cancelTimer(noticeTimer);
        vertx.cancelTimer(leadTimer);
        Future<Void> handOver = leadership != null && leader ? leadership.release().otherwiseEmpty() : Future.succeededFuture();
        if (!identified || !leader) {
            return handOver;
        }
        Future<Object> goodbye = config.telegram().adminChatId()
                .map(id -> services.replies().deliver(id, "🔴 Storyline " + Html.escape(Version.current()) + " is stopping.", null))
                .orElse(Future.succeededFuture());
        return goodbye.timeout(SHUTDOWN_MESSAGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .otherwiseEmpty()
                .compose(v -> handOver)
                .onComplete(v -> client.close());
    }

    // --- start-up, then the loop ---

    /**
     * A start-up call only some Bot API servers have (a local Bot API or an emulator may lack
     * {@code setMyCommands}): only {@code getMe} and {@code getUpdates} are required. A failure is
     * logged once and the call retried in the background, doubling the pause up to an hour; polling
     * starts anyway.
     */
    private Future<Void> optional(String method, Supplier<Future<Void>> call) {
        return call.get().recover(e -> {
            LOG.warn("Telegram {} failed ({}); polling anyway, and trying it again in the background", method, e.getMessage());
            retryLater(method, call, FIRST_OPTIONAL_RETRY.toMillis());
            return Future.succeededFuture();
        });
    }

    private void retryLater(String method, Supplier<Future<Void>> call, long pauseMillis) {
        vertx.setTimer(pauseMillis, id -> {
            if (running) {
                call.get().onSuccess(v -> LOG.info("Telegram {} went through after all", method))
                        .onFailure(e -> retryLater(method, call, Math.min(pauseMillis * 2, Duration.ofHours(1).toMillis())));
            }
        });
    }

    private void boot() {
        if (!running) {
            return;
        }
        client.getMe()
                .compose(me -> {
                    bot.identity(me);
                    botUsername = me.getString("username");
                    return optional("deleteWebhook", client::deleteWebhook);
                })
                .compose(v -> optional("setMyCommands", () -> client.setMyCommands(bot.menu())))
                .compose(v -> services.planner().menuButton().map(button -> optional("setChatMenuButton",
                        () -> client.setChatMenuButton(button))).orElse(Future.succeededFuture()))
                .compose(v -> config.telegram().channelId().map(bot::registerConfiguredChannel).orElse(Future.succeededFuture()))
                .compose(v -> state.offset(botId))
                .onSuccess(stored -> {
                    offset = stored;
                    identified = true;
                    failures = 0;
                    LOG.info("Telegram bot @{} ready; polling from update {}", botUsername, offset);
                    greetAdmin();
                    // what must arrive: what a crash interrupted now, then what the CLI writes within seconds
                    noticeSender.sweep();
                    noticeTimer = vertx.setPeriodic(Notices.SWEEP_SECONDS * 1000L, id -> {
                        if (leader) {
                            noticeSender.sweep();
                        }
                    });
                    poll();
                })
                .onFailure(e -> {
                    long wait = backoff(e);
                    LOG.warn("Telegram start-up failed ({}); retrying in {} s", e.getMessage(), wait / 1000);
                    vertx.setTimer(wait, id -> boot());
                });
    }

    private void greetAdmin() {
        // a greeting, not a notice that must arrive: a restart says it again anyway
        config.telegram().adminChatId().ifPresent(admin -> services.tenants().countsByState().onSuccess(counts -> services.replies()
                .send(admin, "🟢 Storyline " + Html.escape(Version.current()) + " started: " + counts.getOrDefault("approved", 0L)
                        + " active, " + counts.getOrDefault("paused", 0L) + " paused, " + counts.getOrDefault("pending", 0L)
                        + " waiting for approval.")));
    }

    private void poll() {
        if (!running || !leader) {
            polling = false;
            return;
        }
        polling = true;
        long started = System.nanoTime();
        // Telegram answers a 409 or an error at once: a poll still parked after a moment was accepted
        long parked = vertx.setTimer(PARKED_AFTER_MILLIS, id -> pollAccepted());
        client.getUpdates(offset, TelegramClient.LONG_POLL_SECONDS, ALLOWED_UPDATES).onComplete(result -> {
            vertx.cancelTimer(parked);
            if (!running || !leader) {
                polling = false;
                return; // not handled, the offset not stored: the node that leads now gets these updates again
            }
            if (result.failed()) {
                pollFailed(result.cause());
                return;
            }
            pollAccepted();
            JsonArray updates = result.result();
            batches.handle(updates, offset).onComplete(handled -> {
                if (handled.succeeded()) {
                    offset = handled.result();
                }
                if (handled.failed()) {
                    long wait = backoff(handled.cause());
                    batches.failed();
                    LOG.error("Handling updates failed ({}); the batch is retried update by update in {} s",
                            handled.cause().getMessage(), wait / 1000);
                    vertx.setTimer(wait, id -> poll());
                    return;
                }
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (updates.isEmpty() && elapsed < MIN_POLL_INTERVAL_MILLIS) {
                    vertx.setTimer(MIN_POLL_INTERVAL_MILLIS - elapsed, id -> poll());
                } else {
                    poll();
                }
            });
        });
    }

    private void pollAccepted() {
        lastPollOkAt = clock.instant();
        lastError = null;
        conflict = false;
        failures = 0;
    }

    private void pollFailed(Throwable cause) {
        metrics.pollFailed();
        lastError = cause.getMessage();
        conflict = cause instanceof TelegramException e && e.kind() == TelegramException.Kind.CONFLICT;
        long wait = backoff(cause);
        if (conflict) {
            LOG.error("Telegram answered 409: another instance is polling with this token, or a webhook is set; retrying in {} s", wait / 1000);
        } else {
            LOG.warn("Polling Telegram failed ({}); retrying in {} s", cause.getMessage(), wait / 1000);
        }
        vertx.setTimer(wait, id -> poll());
    }

    private long backoff(Throwable cause) {
        failures++;
        long base = cause instanceof TelegramException e && e.kind() == TelegramException.Kind.CONFLICT ? 5_000 : 1_000;
        return Math.min(MAX_BACKOFF_MILLIS, base << Math.min(failures - 1, 10));
    }

    // --- what others ask ---

    private Future<TelegramCall.Result> send(TelegramCall call) {
        TelegramCall.Photo photo = call.photo();
        Future<Outbox.Request> request = photo == null ? Future.succeededFuture(Outbox.Request.json(call.method(), call.params()))
                : services.library().byId(photo.tenantId(), photo.mediaItemId()).compose(item -> item.isPresent()
                        ? Future.succeededFuture(Outbox.Request.upload(call.method(), call.params(), photo.field(),
                                Path.of(item.get().path()), item.get().mimeType()))
                        : Future.failedFuture(ErrorCode.INVALID_INPUT.failure("the library has no item " + photo.mediaItemId())));
        return request.compose(r -> outbox.submit(r.once(call.once()))).map(TelegramCall.Result::new)
                .onSuccess(result -> {
                    if (call.receipt() != null) {
                        vertx.eventBus().publish(Addresses.TELEGRAM_SENT, new JsonObject().put("receipt", call.receipt()).put("result", result.result()),
                                new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
                    }
                })
                .recover(e -> Future.failedFuture(coded(e)));
    }

    /** {@code getFile} goes through the outbox like any call; the download itself is a plain file fetch. */
    private Future<TelegramDownload.Downloaded> download(TelegramDownload download) {
        return outbox.submit(Outbox.Request.json("getFile", new JsonObject().put("file_id", download.fileId())))
                .compose(file -> {
                    String path = file instanceof JsonObject json ? json.getString("file_path") : null;
                    if (path == null) {
                        return Future.failedFuture(TelegramException.fromEnvelope("getFile", 400, 400,
                                "Bad Request: the file cannot be downloaded", null, null));
                    }
                    String uploadId = UUID.randomUUID() + ".part";
                    Path target = roots.incoming(download.tenantId(), uploadId);
                    return vertx.fileSystem().mkdirs(target.getParent().toString())
                            .compose(v -> client.download(path, target)
                                    .onFailure(e -> vertx.fileSystem().delete(target.toString()).otherwiseEmpty()))
                            .<TelegramDownload.Downloaded>map(size -> new TelegramDownload.Downloaded(uploadId, size));
                })
                .recover(e -> Future.failedFuture(coded(e)));
    }

    /** Telegram's refusals are permanent ({@code telegram_rejected}), everything else may pass ({@code telegram_unavailable}). */
    private static Throwable coded(Throwable cause) {
        if (cause instanceof io.vertx.core.eventbus.ReplyException) {
            return cause; // already coded, e.g. an image the library no longer has
        }
        if (cause instanceof TelegramException e && !e.isTransient()) {
            return ErrorCode.TELEGRAM_REJECTED.failure(e.getMessage());
        }
        return ErrorCode.TELEGRAM_UNAVAILABLE.failure(String.valueOf(cause.getMessage()));
    }

    /** The admin API lets a deactivated person use Storyline again (the bot owns the people it sees). */
    private Future<UserRequest.Person> reactivate(UserRequest request) {
        String who = request.user();
        return services.users().find(who).compose(found -> found.isEmpty()
                ? Future.failedFuture(ErrorCode.NOT_FOUND.failure("Unknown user " + who + ": the person must talk to the bot first"))
                : new ServiceRunRepository(pool, clock).recorded(null, UserRepository.REACTIVATE_SERVICE, Trigger.ADMIN_API, null,
                        new JsonObject().put("user", found.get().id()),
                        () -> services.users().set(found.get().id(), found.get().role(), true), v -> new JsonObject())
                        .map(v -> new UserRequest.Person(found.get().id(), found.get().display(), true)));
    }

    private PollerStatus status() {
        return new PollerStatus(startedAt, lastPollOkAt, lastError, conflict, botUsername, batches.since());
    }

}
