package dev.storyline.http;

import dev.storyline.bus.Dispatch;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.HistoryPage;
import dev.storyline.bus.InstagramConnect;
import dev.storyline.bus.InstagramDisconnected;
import dev.storyline.bus.InstagramStatus;
import dev.storyline.config.Secret;
import dev.storyline.bus.Paging;
import dev.storyline.bus.QueuePage;
import dev.storyline.bus.TenantPage;
import dev.storyline.media.IndexSummary;
import dev.storyline.run.Trigger;
import dev.storyline.config.AppConfig.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.function.Supplier;

/**
 * {@code /admin/*}: every route requires {@code Authorization: Bearer $ADMIN_TOKEN} (compared in
 * constant time) and is a thin bridge to one event-bus request. Off when no token is configured.
 */
final class AdminApi {
    static final long MAX_BODY_BYTES = 64 * 1024;

    private final TokenDrafts drafts;
    private final Vertx vertx;
    private final HttpConfig config;
    private final EventBusClient bus;
    private final Supplier<Future<JsonObject>> health;

    /** {@code health}: the full health report (details included), served at {@code /admin/health}. */
    /** Keeps a token the admin API received until the Instagram verticle checks it; answers the draft's id. */
    @FunctionalInterface
    public interface TokenDrafts {
        Future<Long> store(long tenantId, String accountId, Secret token);
    }

    AdminApi(Vertx vertx, HttpConfig config, Supplier<Future<JsonObject>> health, TokenDrafts drafts) {
        this.drafts = drafts;
        this.vertx = vertx;
        this.config = config;
        this.bus = new EventBusClient(vertx);
        this.health = health;
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
        router.get("/tenants").handler(ctx -> bridge(ctx, bus::tenantsOverview));
        router.get("/tenants/:chatId").handler(ctx -> withChat(ctx, bus::tenant));
        router.post("/tenants/:chatId/approve").handler(ctx -> withChat(ctx, bus::approve));
        router.patch("/tenants/:chatId/settings").handler(this::settings);
        router.get("/alerts").handler(ctx -> limit(ctx, Paging.DEFAULT_LIMIT).ifPresent(n -> bridge(ctx, () -> bus.alerts(n))));
        router.get("/orchestrator").handler(ctx -> bridge(ctx, () -> bus.orchestratorState().map(s -> s.toJson())));
        router.post("/tenants/:chatId/media/index").handler(this::indexMedia);
        router.post("/tenants/:chatId/next").handler(ctx -> withChat(ctx, id -> bus.postNext(id).map(Dispatch.Dispatched::toJson)));
        router.post("/tenants/:chatId/pause").handler(ctx -> withChat(ctx, id -> bus.setPaused(id, true)));
        router.post("/tenants/:chatId/resume").handler(ctx -> withChat(ctx, id -> bus.setPaused(id, false)));
        router.post("/tenants/:chatId/plan").handler(this::plan);
        router.get("/tenants/:chatId/queue").handler(ctx -> limit(ctx, Paging.DEFAULT_LIMIT).ifPresent(n -> withChat(ctx, id -> bus.queue(new TenantPage(id, n)).map(QueuePage::toJson))));
        router.get("/tenants/:chatId/instagram").handler(ctx -> withChat(ctx, id -> bus.instagramStatus(id).map(InstagramStatus::toJson)));
        router.post("/tenants/:chatId/instagram").handler(this::connectInstagram);
        router.delete("/tenants/:chatId/instagram").handler(ctx -> withChat(ctx, id -> bus.instagramDisconnect(id).map(InstagramDisconnected::toJson)));
        router.post("/tenants/:chatId/instagram/refresh").handler(ctx -> withChat(ctx, id -> bus.instagramRefresh(id).map(InstagramStatus::toJson)));
        router.get("/tenants/:chatId/locks").handler(ctx -> limit(ctx, Paging.DEFAULT_LIMIT).ifPresent(n -> withChat(ctx, id -> bus.locks(id, n))));
        router.delete("/tenants/:chatId/locks/:itemId").handler(this::removeLock);
        router.post("/users/:user/reactivate").handler(ctx -> bridge(ctx, () -> bus.reactivateUser(ctx.pathParam("user"))));
        router.get("/tenants/:chatId/history").handler(ctx -> limit(ctx, Paging.DEFAULT_LIMIT).ifPresent(n -> withChat(ctx, id -> bus.history(new TenantPage(id, n)).map(HistoryPage::toJson))));
        return router;
    }

    /** Optional JSON body {@code {"dir": "/srv/photos/summer"}}: index that folder instead of the tenant's own. */
    private void indexMedia(RoutingContext ctx) {
        Long chatId = chatId(ctx);
        if (chatId == null) {
            return;
        }
        String dir = null;
        if (ctx.body().length() > 0) {
            JsonObject body;
            try {
                body = ctx.body().asJsonObject();
            } catch (RuntimeException e) {
                JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "the body must be a JSON object, e.g. {\"dir\": \"/srv/photos\"}");
                return;
            }
            Object value = body == null ? null : body.getValue("dir");
            if (value != null && !(value instanceof String text && !text.isBlank())) {
                JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "dir must be a folder path on the server");
                return;
            }
            dir = (String) value;
        }
        String folder = dir;
        bridge(ctx, () -> bus.indexMedia(new MediaIndexRequest(chatId, folder, Trigger.ADMIN_API, null)).map(IndexSummary::toJson));
    }

    /**
     * {@code POST /tenants/{chatId}/instagram} with {@code {"accountId": "1784…", "token": "EAAG…"}}: the token is
     * checked with Graph before it is stored (encrypted); the answer never contains it.
     */
    private void connectInstagram(RoutingContext ctx) {
        Long chatId = chatId(ctx);
        if (chatId == null) {
            return;
        }
        JsonObject body = jsonObject(ctx);
        Object accountId = body == null ? null : body.getValue("accountId");
        Object token = body == null ? null : body.getValue("token");
        if (!(accountId instanceof String || accountId instanceof Number) || !(token instanceof String)) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT,
                    "the body must be a JSON object {\"accountId\": \"<Instagram account id>\", \"token\": \"<access token>\"}");
            return;
        }
        // the token is stored (encrypted) here and only the draft's id travels to the Instagram verticle
        bridge(ctx, () -> drafts.store(chatId, String.valueOf(accountId), Secret.of((String) token))
                .compose(draftId -> bus.instagramConnect(new InstagramConnect(chatId, draftId, null)))
                .map(InstagramStatus::toJson));
    }

    /** {@code PATCH /tenants/{chatId}/settings} with a JSON object of the settings to change. */
    private void settings(RoutingContext ctx) {
        Long chatId = chatId(ctx);
        if (chatId == null) {
            return;
        }
        JsonObject body = jsonObject(ctx);
        if (body == null) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT,
                    "the body must be a JSON object such as {\"postsPerDay\": 4, \"hours\": \"9-21\", \"timezone\": \"Europe/Berlin\"}");
            return;
        }
        JsonObject settings = body;
        bridge(ctx, () -> bus.changeSettings(chatId, settings));
    }

    /** {@code DELETE /tenants/{chatId}/locks/{itemId}}: lifts an image's locks (a rejected image may come back). */
    private void removeLock(RoutingContext ctx) {
        long itemId;
        try {
            itemId = Long.parseLong(ctx.pathParam("itemId"));
        } catch (NumberFormatException e) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "itemId must be an image id (a whole number), not '" + ctx.pathParam("itemId") + "'");
            return;
        }
        withChat(ctx, id -> bus.removeLock(id, itemId));
    }

    /** The OpenAPI 3 description of these routes (a test keeps it in step with the router). */
    private void openApi(RoutingContext ctx) {
        vertx.fileSystem().readFile("openapi.json")
                .onSuccess(doc -> ctx.response().putHeader("Content-Type", "application/json").end(doc))
                .onFailure(e -> JsonErrors.send(ctx, ErrorCode.INTERNAL, "the OpenAPI document is missing from the jar"));
    }

    /** {@code POST /tenants/{chatId}/plan?days=N}: tops off the plan through the tenant's scheduler. */
    private void plan(RoutingContext ctx) {
        String raw = ctx.request().getParam("days");
        Integer days = null;
        if (raw != null) {
            try {
                days = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                days = -1;
            }
            if (days < 1 || days > 90) {
                JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "days must be a whole number from 1 to 90, not '" + raw + "'");
                return;
            }
        }
        Integer wanted = days;
        withChat(ctx, id -> bus.plan(id, wanted, Trigger.ADMIN_API).map(t -> t.toJson()).recover(e -> ErrorCode.of(e) == ErrorCode.UNAVAILABLE
                ? Future.failedFuture(ErrorCode.UNAVAILABLE.failure("tenant " + id + " has no scheduler: it is paused, unapproved or unknown"))
                : Future.failedFuture(e)));
    }

    /** The body as a JSON object, or null when it is empty, not JSON or not an object. */
    private static JsonObject jsonObject(RoutingContext ctx) {
        try {
            return ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static java.util.Optional<Integer> limit(RoutingContext ctx, int fallback) {
        String raw = ctx.request().getParam("limit");
        if (raw == null) {
            return java.util.Optional.of(fallback);
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= Paging.MAX_LIMIT) {
                return java.util.Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "limit must be a whole number from 1 to " + Paging.MAX_LIMIT + ", not '" + raw + "'");
        return java.util.Optional.empty();
    }

    private static void withChat(RoutingContext ctx, java.util.function.LongFunction<Future<JsonObject>> request) {
        Long chatId = chatId(ctx);
        if (chatId != null) {
            bridge(ctx, () -> request.apply(chatId));
        }
    }

    /** The {@code chatId} path parameter, or null after answering 400. */
    private static Long chatId(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("chatId"));
        } catch (NumberFormatException e) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "chatId must be a Telegram chat id (a whole number), not '"
                    + ctx.pathParam("chatId") + "'");
            return null;
        }
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
