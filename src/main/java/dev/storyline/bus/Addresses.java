package dev.storyline.bus;

/**
 * Every event-bus address, in one place, named {@code <domain>.<verb>}. Each says whether it is a
 * publish (an event, no reply) or a request (one reply), and which record it carries. Tests use
 * these constants too: a typo here fails to compile instead of silently dropping messages. No
 * message carries a local path or a secret: images travel as media item ids, downloads as upload ids,
 * Instagram tokens as the id of an encrypted draft. Actors answer through {@link Consumers#register}.
 */
public final class Addresses {

    /** Publish, {@link TenantChanged}: a tenant was registered, approved, paused, resumed or its settings changed. */
    public static final String TENANT_CHANGED = "tenant.changed";

    /** Local publish, no body: every actor has started ({@link AppReady}); start-up work {@code /health} does not need follows. */
    public static final String APP_READY = "app.ready";

    /**
     * Local publish, {@link HeartbeatRelay.Heartbeats}: the beats this node's schedulers made since the last batch (each
     * scheduler beats every {@code HEARTBEAT_SECONDS}; the relay sends them together every 250 ms, issue 19).
     */
    public static final String TENANT_HEARTBEATS = "tenant.heartbeats";

    /**
     * Request to this node's orchestrator (a local consumer), no body → {@link OrchestratorState}; in a cluster (D32)
     * also {@code node} and {@code cluster} (every node with its tenants, and the leaders).
     */
    public static final String ADMIN_ORCHESTRATOR = "admin.orchestrator";

    /**
     * Request to the orchestrator, {@code {"tenantId", "paused": true|false}} → the tenant as JSON:
     * pauses or resumes posting (recorded as a change by the admin API), then converges its scheduler.
     * Fails with {@link ErrorCode#TENANT_NOT_FOUND}, or {@link ErrorCode#INVALID_INPUT} for a tenant that is not approved.
     */
    public static final String ADMIN_TENANT_POSTING = "admin.tenant.posting";

    /** Request to the orchestrator, {@code {"tenantId"}} → one {@link dev.storyline.tenant.TenantOverview}. */
    public static final String ADMIN_TENANT = "admin.tenant";

    /** Request to the orchestrator, {@code {"tenantId"}} → the tenant: approves a pending tenant. {@link ErrorCode#CONFLICT} when it is approved. */
    public static final String ADMIN_TENANT_APPROVE = "admin.tenant.approve";

    /**
     * Request to the orchestrator, {@code {"tenantId", "settings": {postsPerDay?, hours?, timezone?, dryRun?, instagram?}}}
     * → the tenant; {@link ErrorCode#INVALID_INPUT} naming every bad field, and nothing changes.
     */
    public static final String ADMIN_TENANT_SETTINGS = "admin.tenant.settings";

    /** Request to the queue's read model, {@link TenantRequest} → {@link RunwayPage} (D28); {@link ErrorCode#TENANT_NOT_FOUND}. */
    public static final String PLAN_RUNWAY = "plan.runway";

    /** Request to the orchestrator, no body → {@link dev.storyline.tenant.TenantOverview} list ({@code {"tenants": [...]}}). */
    public static final String ADMIN_TENANTS = "admin.tenants";

    /**
     * Request to the Telegram outbox, {@link TelegramCall} (a photo by media item id) → {@code {"result": ...}} (Telegram's result).
     * Fails with {@link ErrorCode#TELEGRAM_REJECTED} (permanent) or {@link ErrorCode#TELEGRAM_UNAVAILABLE} (transient).
     */
    public static final String TELEGRAM_SEND = "telegram.send";

    /**
     * Local publish by the node that sent a {@link TelegramCall} with a receipt, once Telegram accepted it: {@code {"receipt": ...,
     * "result": ...}}. D32: the posting actor of the sending node records a story as notified even when the node that asked died
     * before the answer came, so the slot is not sent again.
     */
    public static final String TELEGRAM_SENT = "telegram.sent";

    /**
     * Publish, no body: rows were added to {@code outbox_messages}; the Telegram verticle sends what is
     * pending now instead of at its next sweep (see {@code telegram.Notices}).
     */
    public static final String TELEGRAM_NOTICES = "telegram.notices";

    /** Request to the Telegram verticle, no body → {@link PollerStatus}. */
    public static final String TELEGRAM_STATUS = "telegram.status";

    /**
     * Request to the Telegram verticle, {@link TelegramDownload} → {@link TelegramDownload.Downloaded}: fetches a file
     * the bot received into the tenant's incoming uploads. Fails like {@link #TELEGRAM_SEND}.
     */
    public static final String TELEGRAM_DOWNLOAD = "telegram.download";

    /**
     * Request to the media verticle, {@link MediaIndexRequest} → {@link dev.storyline.media.IndexSummary}.
     * Fails with {@link ErrorCode#TENANT_NOT_FOUND}, {@link ErrorCode#INVALID_INPUT} (no such folder) or
     * {@link ErrorCode#CONFLICT} (an index of that library is running).
     */
    public static final String MEDIA_INDEX = "media.index";

    /** Request to the media verticle, {@link MediaUpload} → {@link MediaUploadResult}. */
    public static final String MEDIA_UPLOAD = "media.upload";

    /**
     * Request to the dispatch actor, {@link Dispatch} (a claimed slot) → {@link Dispatch.Dispatched}: sends the
     * story to the chat or publishes it; the outcome is one of {@link Dispatch.Outcome}.
     */
    public static final String POSTING_DISPATCH = "posting.dispatch";

    /** Request to the presses actor, {@link StoryPress} → {@link StoryPress.Answer}. */
    public static final String POSTING_CALLBACK = "posting.callback";

    /**
     * Request to the dispatch actor, {@link TenantRequest} → {@link Dispatch.Dispatched}: sends the next eligible
     * image now ({@code /next}). Fails with {@link ErrorCode#NOT_FOUND} when there is none, {@link ErrorCode#CONFLICT} when paused.
     */
    public static final String POSTING_NEXT = "posting.next";

    /** Request to the queue reads actor, {@link TenantPage} → {@link QueuePage} (planned slots, soonest first). */
    public static final String POSTING_QUEUE = "posting.queue";

    /** Request to the queue reads actor, {@link TenantPage} → {@link HistoryPage} (newest first). */
    public static final String POSTING_HISTORY = "posting.history";

    /**
     * Request to the Instagram verticle, {@link InstagramPublish} → {@link InstagramPublish.Published}.
     * Fails with {@link ErrorCode#INSTAGRAM_NOT_CONNECTED}, {@link ErrorCode#INSTAGRAM_TOKEN_INVALID} or
     * {@link ErrorCode#INSTAGRAM_REJECTED} (post it by hand), {@link ErrorCode#INSTAGRAM_RATE_LIMITED} or
     * {@link ErrorCode#INSTAGRAM_UNAVAILABLE} (try later).
     */
    public static final String INSTAGRAM_PUBLISH = "instagram.publish";

    /** Request to the Instagram verticle, {@link TenantRequest} → {@link InstagramStatus} (never the token). */
    public static final String INSTAGRAM_STATUS = "instagram.status";

    /**
     * Request to the Instagram verticle, {@link InstagramConnect} (the id of a token draft, never the token) →
     * {@link InstagramStatus}: takes the draft, verifies the token with Graph, then stores the account.
     */
    public static final String INSTAGRAM_CONNECT = "instagram.connect";

    /** Request to the Instagram verticle, {@link TenantRequest} → {@link InstagramDisconnected}. */
    public static final String INSTAGRAM_DISCONNECT = "instagram.disconnect";

    /** Request to the Instagram verticle, {@link TenantRequest} → {@link InstagramStatus}: refreshes its long-lived token now. */
    public static final String INSTAGRAM_REFRESH = "instagram.refresh";

    /**
     * Request to the insights actor, {@link TenantRequest} → {@code {"tenantId", "stories": [...]}}: the tenant's
     * stories of the last 30 days with an Instagram media id, newest first, each with its latest reading (D31).
     */
    public static final String INSTAGRAM_INSIGHTS = "instagram.insights";

    /**
     * Request to the backfill actor, {@link InstagramBackfill} → {@link InstagramBackfill.Summary}: imports what the
     * tenant's account already posted (D31). Fails with {@link ErrorCode#TENANT_NOT_FOUND},
     * {@link ErrorCode#INSTAGRAM_NOT_CONNECTED}, {@link ErrorCode#CONFLICT} (an index or import of that library runs)
     * or Graph's coded error when the account's listing cannot be read.
     */
    public static final String INSTAGRAM_BACKFILL = "instagram.backfill";

    /**
     * Local publish, the node id (a string): Hazelcast saw that node of the cluster leave (D32). The
     * orchestrator ends its leases at once and takes its share; the Telegram verticle asks for the lead.
     */
    public static final String CLUSTER_NODE_LEFT = "cluster.node.left";

    /** Request to the watch (the alerts actor), {@link Page} → {@link AlertsPage}. */
    public static final String ADMIN_ALERTS = "admin.alerts";

    /** Request to the media verticle, {@code {"tenantId", "limit"}} → {@code {"locks": [...]}}: the image locks in force. */
    public static final String ADMIN_LOCKS = "admin.locks";

    /**
     * Request to the media verticle, {@code {"tenantId", "mediaItemId"}} → {@code {"removed": [reasons]}}: lifts an
     * image's locks (recorded in service_runs). Fails with {@link ErrorCode#NOT_FOUND} when it has none.
     */
    public static final String ADMIN_LOCK_REMOVE = "admin.lock.remove";

    /**
     * Request to the Telegram verticle, {@code {"user": "id or @name"}} → the person: active again (recorded in
     * service_runs). Fails with {@link ErrorCode#NOT_FOUND} for a person the bot never saw.
     */
    public static final String ADMIN_USER_REACTIVATE = "admin.user.reactivate";

    /** Request to the Mini App's actor, {@link AppRequest} → the page's JSON (D30); {@link ErrorCode#FORBIDDEN} for another team's data. */
    public static final String APP_REQUEST = "app.request";

    /** Request to the Mini App's actor, {@link AppRequest.Login} → {@code {"userId"}}: uses up a one-time browser login link. */
    public static final String APP_LOGIN = "app.login";

    /** Request to the Mini App's actor, {@link AppRequest.Thumbnail} → {@code {}}: the thumbnail file is ready to serve. */
    public static final String APP_THUMBNAIL = "app.thumbnail";

    /** Publish to the watch (the alerts actor), {@link AlertRaised}: a message for the admin chat, sent at most once an hour per key. */
    public static final String ALERT_RAISE = "alert.raise";

    private static final String TENANT_COMMAND_PREFIX = "tenant.";
    private static final String TENANT_COMMAND_SUFFIX = ".command";

    private Addresses() {
    }

    /** Request to one tenant's scheduler, {@link SchedulerCommand} → {@link SchedulerStatus} (for {@code status}). */
    public static String tenantCommand(long tenantId) {
        return TENANT_COMMAND_PREFIX + tenantId + TENANT_COMMAND_SUFFIX;
    }
}
