package dev.storyline.http;

import dev.storyline.bus.AlertsPage;
import dev.storyline.bus.Dispatch;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.HistoryPage;
import dev.storyline.bus.InstagramBackfill;
import dev.storyline.bus.InstagramConnect;
import dev.storyline.bus.InstagramDisconnected;
import dev.storyline.bus.InstagramStatus;
import dev.storyline.config.Secret;
import dev.storyline.bus.Paging;
import dev.storyline.bus.QueuePage;
import dev.storyline.bus.TenantList;
import dev.storyline.bus.TenantPage;
import dev.storyline.bus.TenantSettings;
import dev.storyline.bus.LockRemoval;
import dev.storyline.bus.UserRequest;
import dev.storyline.media.LockRepository;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantOverview;
import dev.storyline.tenant.TenantSettingsPatch;
import dev.storyline.media.IndexSummary;
import dev.storyline.run.Trigger;
import dev.storyline.config.AppConfig.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.validation.ValidatedRequest;

import java.util.function.Supplier;

/**
 * {@code /admin/*}: every route requires {@code Authorization: Bearer $ADMIN_TOKEN} (compared in
 * constant time), is checked against {@code openapi.json} ({@link OpenApiRequests}: the document is the
 * one description of parameters and bodies) and is a thin bridge to one event-bus request. Off when
 * no token is configured.
 */
final class AdminApi {
    static final long MAX_BODY_BYTES = 64 * 1024;

    /** Keeps a token the admin API received until the Instagram verticle checks it; answers the draft's id. */
    @FunctionalInterface
    public interface TokenDrafts {
        Future<Long> store(long tenantId, String accountId, Secret token);
    }

    private final TokenDrafts drafts;
    private final Vertx vertx;
    private final HttpConfig config;
    private final EventBusClient bus;
    private final Supplier<Future<JsonObject>> health;
    private final OpenApiRequests requests;

    /** {@code health}: the full health report (details included), served at {@code /admin/health}. */
    AdminApi(Vertx vertx, HttpConfig config, Supplier<Future<JsonObject>> health, TokenDrafts drafts, OpenApiRequests requests) {
        this.drafts = drafts;
        this.vertx = vertx;
        this.config = config;
        this.bus = new EventBusClient(vertx);
        this.health = health;
        this.requests = requests;
    }

    Router router() {
        Router router = Router.router(vertx);
        router.route().handler(this::authenticate);
        // JSON only: a multipart upload is never written to disk (a stranger with a token cannot fill it)
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.get("/openapi.json").handler(this::openApi);
        router.get("/health").handler(ctx -> health.get().onSuccess(report -> ctx.response()
                .setStatusCode("UP".equals(report.getString("status")) ? 200 : 503)
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(report.encodePrettily())));
        route(router.get("/tenants"), "listTenants", (ctx, r) -> bus.tenantsOverview(new TenantList(limit(r), after(r)))
                .map(TenantOverview.Page::toJson));
        route(router.get("/tenants/:chatId"), "getTenant", (ctx, r) -> bus.tenant(chatId(r)).compose(tenant -> bus.runway(chatId(r))
                .map(runway -> tenant.toJson().put("runway", runway.toJson().getJsonArray("runway")))
                .otherwise(e -> tenant.toJson().putNull("runway"))));
        route(router.post("/tenants/:chatId/approve"), "approveTenant", (ctx, r) -> bus.approve(chatId(r)).map(Tenant::toJson));
        router.patch("/tenants/:chatId/settings").handler(requests.check("changeSettings", AdminApi::settingsProblems))
                .handler(ctx -> bridge(ctx, () -> bus.changeSettings(new TenantSettings(chatId(OpenApiRequests.of(ctx)),
                        body(OpenApiRequests.of(ctx)))).map(Tenant::toJson)));
        route(router.get("/alerts"), "listAlerts", (ctx, r) -> bus.alerts(limit(r)).map(AlertsPage::toJson));
        route(router.get("/orchestrator"), "getOrchestrator", (ctx, r) -> bus.orchestratorView(new TenantList(limit(r), after(r))));
        router.post("/tenants/:chatId/media/index").handler(requests.check("indexMedia", AdminApi::indexProblems))
                .handler(ctx -> bridge(ctx, () -> bus.indexMedia(new MediaIndexRequest(chatId(OpenApiRequests.of(ctx)),
                        body(OpenApiRequests.of(ctx)).getString("dir"), Trigger.ADMIN_API, null)).map(IndexSummary::toJson)));
        route(router.post("/tenants/:chatId/next"), "postNext", (ctx, r) -> bus.postNext(chatId(r)).map(Dispatch.Dispatched::toJson));
        route(router.post("/tenants/:chatId/pause"), "pauseTenant", (ctx, r) -> bus.setPaused(chatId(r), true).map(Tenant::toJson));
        route(router.post("/tenants/:chatId/resume"), "resumeTenant", (ctx, r) -> bus.setPaused(chatId(r), false).map(Tenant::toJson));
        route(router.post("/tenants/:chatId/plan"), "topOffPlan", this::plan);
        route(router.get("/tenants/:chatId/queue"), "getQueue", (ctx, r) -> bus.queue(new TenantPage(chatId(r), limit(r))).map(QueuePage::toJson));
        route(router.get("/tenants/:chatId/instagram"), "getInstagram", (ctx, r) -> bus.instagramStatus(chatId(r)).map(InstagramStatus::toJson));
        route(router.post("/tenants/:chatId/instagram"), "connectInstagram", this::connectInstagram);
        route(router.get("/tenants/:chatId/instagram/insights"), "getInsights", (ctx, r) -> bus.instagramInsights(chatId(r)));
        route(router.post("/tenants/:chatId/instagram/backfill"), "backfillInstagram", this::backfill);
        route(router.delete("/tenants/:chatId/instagram"), "disconnectInstagram",
                (ctx, r) -> bus.instagramDisconnect(chatId(r)).map(InstagramDisconnected::toJson));
        route(router.post("/tenants/:chatId/instagram/refresh"), "refreshInstagram",
                (ctx, r) -> bus.instagramRefresh(chatId(r)).map(InstagramStatus::toJson));
        route(router.get("/tenants/:chatId/locks"), "listLocks",
                (ctx, r) -> bus.locks(new TenantPage(chatId(r), limit(r))).map(LockRepository.Locks::toJson));
        route(router.delete("/tenants/:chatId/locks/:itemId"), "removeLock", (ctx, r) -> bus.removeLock(
                new LockRemoval(chatId(r), r.getPathParameters().get("itemId").getLong())).map(LockRemoval.Removed::toJson));
        route(router.post("/users/:user/reactivate"), "reactivateUser",
                (ctx, r) -> bus.reactivateUser(r.getPathParameters().get("user").getString()).map(UserRequest.Person::toJson));
        route(router.get("/tenants/:chatId/history"), "getHistory",
                (ctx, r) -> bus.history(new TenantPage(chatId(r), limit(r))).map(HistoryPage::toJson));
        return router;
    }

    /** What a route does with a request the contract has checked: one bus request, its answer as JSON. */
    @FunctionalInterface
    private interface Bridge {
        Future<JsonObject> apply(RoutingContext ctx, ValidatedRequest request);
    }

    private void route(io.vertx.ext.web.Route route, String operationId, Bridge bridge) {
        route.handler(requests.check(operationId)).handler(ctx -> bridge(ctx, () -> bridge.apply(ctx, OpenApiRequests.of(ctx))));
    }

    /**
     * {@code POST /tenants/{chatId}/instagram} with {@code {"accountId": "1784…", "token": "EAAG…"}}: the token is
     * stored (encrypted) as a draft and only the draft's id travels to the Instagram verticle, which checks it with
     * Graph before it keeps it; the answer never contains it.
     */
    private Future<JsonObject> connectInstagram(RoutingContext ctx, ValidatedRequest r) {
        long chatId = chatId(r);
        JsonObject body = body(r);
        return drafts.store(chatId, String.valueOf(body.getValue("accountId")), Secret.of(body.getString("token")))
                .compose(draftId -> bus.instagramConnect(new InstagramConnect(chatId, draftId, null)))
                .map(InstagramStatus::toJson);
    }

    /**
     * {@code POST /tenants/{chatId}/instagram/backfill} with an optional {@code {"since": "2026-11-01T00:00:00Z", "limit": 500}}
     * or {@code {"all": true}}: imports the account's earlier posts (D31) and answers with the counts when done.
     */
    private Future<JsonObject> backfill(RoutingContext ctx, ValidatedRequest r) {
        JsonObject body = body(r);
        java.time.Instant since;
        try {
            since = body.getBoolean("all", false) ? null : body.getString("since") == null
                    ? java.time.Instant.now().minus(java.time.Duration.ofDays(30)) : java.time.OffsetDateTime.parse(body.getString("since")).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("since must be a time such as 2026-11-01T00:00:00Z"));
        }
        return bus.instagramBackfill(new InstagramBackfill(chatId(r), since, body.getInteger("limit", InstagramBackfill.DEFAULT_LIMIT),
                Trigger.ADMIN_API, null, null, null)).map(InstagramBackfill.Summary::toJson);
    }

    /** {@code POST /tenants/{chatId}/plan?days=N}: tops off the plan through the tenant's scheduler. */
    private Future<JsonObject> plan(RoutingContext ctx, ValidatedRequest r) {
        long id = chatId(r);
        var days = r.getQuery().get("days");
        Integer wanted = days == null || days.isNull() ? null : days.getInteger();
        return bus.plan(id, wanted, Trigger.ADMIN_API).map(t -> t.toJson()).recover(e -> ErrorCode.of(e) == ErrorCode.UNAVAILABLE
                ? Future.failedFuture(ErrorCode.UNAVAILABLE.failure("tenant " + id + " has no scheduler: it is paused, unapproved or unknown"))
                : Future.failedFuture(e));
    }

    /** A refused index request in plain words (the body is optional: {@code {"dir": "/srv/photos"}}). */
    private static String indexProblems(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            return body != null && body.containsKey("dir") ? "dir must be a folder path on the server" : null;
        } catch (RuntimeException e) {
            return "the body must be a JSON object, e.g. {\"dir\": \"/srv/photos\"}";
        }
    }

    /** A refused settings body in the chat's words, every bad field at once ({@link TenantSettingsPatch}). */
    private static String settingsProblems(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null) {
            return "the body must be a JSON object such as {\"postsPerDay\": 4, \"hours\": \"9-21\", \"timezone\": \"Europe/Berlin\"}";
        }
        try {
            TenantSettingsPatch.parse(body);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The OpenAPI 3 description of these routes (a test keeps it in step with the router). */
    private void openApi(RoutingContext ctx) {
        vertx.fileSystem().readFile(OpenApiRequests.DOCUMENT)
                .onSuccess(doc -> ctx.response().putHeader("Content-Type", "application/json").end(doc))
                .onFailure(e -> JsonErrors.send(ctx, ErrorCode.INTERNAL, "the OpenAPI document is missing from the jar"));
    }

    private static long chatId(ValidatedRequest r) {
        return r.getPathParameters().get("chatId").getLong();
    }

    /** The checked {@code after} (a chat id: the page starts past it), or null for the first page. */
    private static Long after(ValidatedRequest r) {
        var after = r.getQuery().get("after");
        return after == null || after.isNull() ? null : after.getLong();
    }

    /** The checked {@code limit} (1 to 500 by the contract), or the default. */
    private static int limit(ValidatedRequest r) {
        var limit = r.getQuery().get("limit");
        return limit == null || limit.isNull() ? Paging.DEFAULT_LIMIT : limit.getInteger();
    }

    /** The checked JSON body; an empty object when an optional body was left out. */
    private static JsonObject body(ValidatedRequest r) {
        var body = r.getBody();
        return body == null || body.isNull() || !(body.get() instanceof JsonObject json) ? new JsonObject() : json;
    }

    private void authenticate(RoutingContext ctx) {
        if (!config.adminEnabled()) {
            JsonErrors.send(ctx, ErrorCode.ADMIN_DISABLED, "the admin API is off; set ADMIN_TOKEN to enable it");
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (!config.adminToken().matches(token)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"storyline-admin\"");
            JsonErrors.send(ctx, ErrorCode.UNAUTHORIZED, "a valid 'Authorization: Bearer <ADMIN_TOKEN>' header is required");
            return;
        }
        ctx.next();
    }

    private static void bridge(RoutingContext ctx, Supplier<Future<JsonObject>> request) {
        request.get()
                .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.encodePrettily()))
                .onFailure(e -> JsonErrors.sendFailure(ctx, e));
    }
}
