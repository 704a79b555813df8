package dev.storyline.bus;

import dev.storyline.media.IndexSummary;
import dev.storyline.media.LockRepository;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantOverview;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * The typed client every verticle uses instead of raw {@code eventBus().request(...)}: one method
 * per address, each taking and returning contract records.
 */
public final class EventBusClient {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** For work that takes long by nature (indexing thousands of files). */
    public static final Duration LONG_TIMEOUT = Duration.ofMinutes(10);
    private final Vertx vertx;
    private final DeliveryOptions options;

    public EventBusClient(Vertx vertx) {
        this(vertx, DEFAULT_TIMEOUT);
    }

    public EventBusClient(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    public void tenantChanged(TenantChanged event) {
        vertx.eventBus().publish(Addresses.TENANT_CHANGED, event.toJson());
    }

    /** A scheduler is alive: goes to this node's orchestrator with the next batch of beats ({@link HeartbeatRelay}). */
    public void heartbeat(Heartbeat heartbeat) {
        HeartbeatRelay.beat(vertx, heartbeat);
    }

    public Future<SchedulerStatus> schedulerStatus(long tenantId) {
        return request(Addresses.tenantCommand(tenantId), SchedulerCommand.status().toJson()).map(SchedulerStatus::fromJson);
    }

    /** Tops off a tenant's plan through its scheduler ({@code days} null = the horizon). */
    public Future<dev.storyline.plan.Planner.TopOff> plan(long tenantId, Integer days, dev.storyline.run.Trigger trigger) {
        return request(Addresses.tenantCommand(tenantId), SchedulerCommand.plan(days, trigger.wire()).toJson(), Duration.ofSeconds(30))
                .map(dev.storyline.plan.Planner.TopOff::fromJson);
    }

    /** Tells a tenant's scheduler to look at its queue again; no scheduler (paused) is fine. */
    public void wake(long tenantId) {
        vertx.eventBus().send(Addresses.tenantCommand(tenantId), SchedulerCommand.wake().toJson());
    }

    /** As {@link #wake}, only if the tenant's scheduler runs on this node (the due wheel, issue 19: each node wakes its own). */
    public void wakeHere(long tenantId) {
        vertx.eventBus().send(Addresses.tenantCommand(tenantId), SchedulerCommand.wake().toJson(), new DeliveryOptions().setLocalOnly(true));
    }

    /** Pauses ({@code true}) or resumes posting for a tenant. */
    public Future<Tenant> setPaused(long tenantId, boolean paused) {
        return request(Addresses.ADMIN_TENANT_POSTING, new TenantPosting(tenantId, paused).toJson()).map(Tenant::fromJson);
    }

    public Future<TenantOverview> tenant(long tenantId) {
        return request(Addresses.ADMIN_TENANT, new TenantRequest(tenantId).toJson()).map(TenantOverview::fromJson);
    }

    public Future<Tenant> approve(long tenantId) {
        return request(Addresses.ADMIN_TENANT_APPROVE, new TenantRequest(tenantId).toJson()).map(Tenant::fromJson);
    }

    public Future<Tenant> changeSettings(TenantSettings change) {
        return request(Addresses.ADMIN_TENANT_SETTINGS, change.toJson()).map(Tenant::fromJson);
    }

    /** The orchestrator's counts and its first {@link Paging#MAX_LIMIT} schedulers in tenant id order. */
    public Future<OrchestratorState> orchestratorState() {
        return request(Addresses.ADMIN_ORCHESTRATOR, new TenantList(Paging.MAX_LIMIT, null).toJson()).map(OrchestratorState::fromJson);
    }

    /** The orchestrator's counts with only its unhealthy schedulers listed: cheap however many run (the health check). */
    public Future<OrchestratorState> orchestratorSummary() {
        return request(Addresses.ADMIN_ORCHESTRATOR, OrchestratorState.summaryRequest()).map(OrchestratorState::fromJson);
    }

    /** The orchestrator's state as the admin API shows it: in a cluster (D32) with {@code node} and every node's tenants ({@code cluster}). */
    public Future<JsonObject> orchestratorView(TenantList page) {
        return request(Addresses.ADMIN_ORCHESTRATOR, page.toJson());
    }

    /** The admin view of the tenants, a page at a time. */
    public Future<TenantOverview.Page> tenantsOverview(TenantList page) {
        return request(Addresses.ADMIN_TENANTS, page.toJson()).map(TenantOverview.Page::fromJson);
    }

    /** A Mini App API call (D30), answered with the page's JSON. */
    public Future<JsonObject> app(AppRequest request) {
        return request(Addresses.APP_REQUEST, request.toJson(), Duration.ofSeconds(30));
    }

    public Future<Long> appLogin(AppRequest.Login login) {
        return request(Addresses.APP_LOGIN, login.toJson()).map(json -> json.getLong("userId"));
    }

    public Future<Void> appThumbnail(AppRequest.Thumbnail thumbnail) {
        return request(Addresses.APP_THUMBNAIL, thumbnail.toJson(), Duration.ofSeconds(30)).mapEmpty();
    }

    /** Any Bot API call through the outbox; completes with Telegram's {@code result}. */
    public Future<TelegramCall.Result> telegram(TelegramCall call) {
        return request(Addresses.TELEGRAM_SEND, call.toJson()).map(TelegramCall.Result::fromJson);
    }

    public Future<PollerStatus> telegramStatus() {
        return request(Addresses.TELEGRAM_STATUS, new JsonObject()).map(PollerStatus::fromJson);
    }

    public Future<TelegramDownload.Downloaded> telegramDownload(TelegramDownload download) {
        return request(Addresses.TELEGRAM_DOWNLOAD, download.toJson(), Duration.ofMinutes(3)).map(TelegramDownload.Downloaded::fromJson);
    }

    /** Indexing a large library takes a while: this request waits up to {@link #LONG_TIMEOUT}. */
    public Future<IndexSummary> indexMedia(MediaIndexRequest request) {
        return request(Addresses.MEDIA_INDEX, request.toJson(), LONG_TIMEOUT).map(IndexSummary::fromJson);
    }

    public Future<MediaUploadResult> uploadMedia(MediaUpload upload) {
        return request(Addresses.MEDIA_UPLOAD, upload.toJson(), Duration.ofMinutes(4)).map(MediaUploadResult::fromJson);
    }

    public Future<Dispatch.Dispatched> dispatch(Dispatch dispatch) {
        return request(Addresses.POSTING_DISPATCH, dispatch.toJson(), Duration.ofMinutes(11)).map(Dispatch.Dispatched::fromJson);
    }

    public Future<StoryPress.Answer> storyPress(StoryPress press) {
        return request(Addresses.POSTING_CALLBACK, press.toJson(), Duration.ofSeconds(20)).map(StoryPress.Answer::fromJson);
    }

    public Future<QueuePage> queue(TenantPage page) {
        return request(Addresses.POSTING_QUEUE, page.toJson()).map(QueuePage::fromJson);
    }

    public Future<LockRepository.Locks> locks(TenantPage page) {
        return request(Addresses.ADMIN_LOCKS, page.toJson()).map(LockRepository.Locks::fromJson);
    }

    public Future<LockRemoval.Removed> removeLock(LockRemoval removal) {
        return request(Addresses.ADMIN_LOCK_REMOVE, removal.toJson()).map(LockRemoval.Removed::fromJson);
    }

    public Future<UserRequest.Person> reactivateUser(String user) {
        return request(Addresses.ADMIN_USER_REACTIVATE, new UserRequest(user).toJson()).map(UserRequest.Person::fromJson);
    }

    public Future<RunwayPage> runway(long tenantId) {
        return request(Addresses.PLAN_RUNWAY, new TenantRequest(tenantId).toJson()).map(RunwayPage::fromJson);
    }

    public Future<HistoryPage> history(TenantPage page) {
        return request(Addresses.POSTING_HISTORY, page.toJson()).map(HistoryPage::fromJson);
    }

    public Future<Dispatch.Dispatched> postNext(long tenantId) {
        return request(Addresses.POSTING_NEXT, new TenantRequest(tenantId).toJson(), Duration.ofMinutes(11)).map(Dispatch.Dispatched::fromJson);
    }

    /** Publishing polls the container and may wait behind Graph: up to {@link #LONG_TIMEOUT}. */
    public Future<InstagramPublish.Published> instagramPublish(InstagramPublish publish) {
        return request(Addresses.INSTAGRAM_PUBLISH, publish.toJson(), LONG_TIMEOUT).map(InstagramPublish.Published::fromJson);
    }

    public Future<InstagramStatus> instagramStatus(long tenantId) {
        return request(Addresses.INSTAGRAM_STATUS, new TenantRequest(tenantId).toJson()).map(InstagramStatus::fromJson);
    }

    /** A tenant's stories with their latest Instagram figures (D31). */
    public Future<JsonObject> instagramInsights(long tenantId) {
        return request(Addresses.INSTAGRAM_INSIGHTS, new TenantRequest(tenantId).toJson());
    }

    /** A backfill downloads every new post: it may wait up to {@link #LONG_TIMEOUT}. */
    public Future<InstagramBackfill.Summary> instagramBackfill(InstagramBackfill backfill) {
        return request(Addresses.INSTAGRAM_BACKFILL, backfill.toJson(), LONG_TIMEOUT).map(InstagramBackfill.Summary::fromJson);
    }

    /** Connects with a token stored as a draft first ({@code InstagramAccountRepository.draft}): only its id travels. */
    public Future<InstagramStatus> instagramConnect(InstagramConnect connect) {
        return request(Addresses.INSTAGRAM_CONNECT, connect.toJson(), Duration.ofMinutes(2)).map(InstagramStatus::fromJson);
    }

    public Future<InstagramDisconnected> instagramDisconnect(long tenantId) {
        return request(Addresses.INSTAGRAM_DISCONNECT, new TenantRequest(tenantId).toJson()).map(InstagramDisconnected::fromJson);
    }

    public Future<InstagramStatus> instagramRefresh(long tenantId) {
        return request(Addresses.INSTAGRAM_REFRESH, new TenantRequest(tenantId).toJson(), Duration.ofMinutes(2)).map(InstagramStatus::fromJson);
    }

    public Future<AlertsPage> alerts(int limit) {
        return request(Addresses.ADMIN_ALERTS, new Page(limit).toJson()).map(AlertsPage::fromJson);
    }

    public void raiseAlert(AlertRaised alert) {
        vertx.eventBus().publish(Addresses.ALERT_RAISE, alert.toJson());
    }

    private Future<JsonObject> request(String address, JsonObject body) {
        return vertx.eventBus().<JsonObject>request(address, body, options).map(Message::body);
    }

    private Future<JsonObject> request(String address, JsonObject body, Duration timeout) {
        return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeout.toMillis()))
                .map(Message::body);
    }
}
