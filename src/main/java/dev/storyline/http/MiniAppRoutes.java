package dev.storyline.http;

import dev.storyline.bus.AppRequest;
import dev.storyline.bus.AppRequest.Op;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.config.AppConfig.MiniAppConfig;
import dev.storyline.miniapp.InitData;
import dev.storyline.miniapp.Sessions;
import dev.storyline.miniapp.Thumbnails;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Clock;
import java.util.Optional;

/**
 * The Mini App (D30) under {@code /app/}: the page (static files from the jar, under a strict
 * Content-Security-Policy and no inline script), its JSON API under {@code /app/api/}, signed
 * thumbnails, and the browser's one-time login. Every API call is authenticated here, by Telegram's
 * signed initData ({@code Authorization: tma <initData>}) or by the session cookie a login link set;
 * what the person may see and change is the Mini App actor's decision, one bus request per call.
 */
public final class MiniAppRoutes {
    static final String CSP = "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org";
    private static final long MAX_BODY_BYTES = 16 * 1024;
    /** An upload: a video may have 100 MB (D29), and the form a caption. */
    static final long MAX_UPLOAD_BYTES = 100L * 1024 * 1024 + 64 * 1024;
    private static final String USER = "storyline.user";

    private final Vertx vertx;
    private final MiniAppConfig config;
    private final Thumbnails thumbnails;
    private final dev.storyline.media.MediaRoots roots;
    private final Sessions sessions;
    private final EventBusClient bus;
    private final Clock clock;

    /** What the planner's routes need besides the configuration: its thumbnails, and where uploads land. */
    public record Files(Thumbnails thumbnails, dev.storyline.media.MediaRoots roots) {
    }

    MiniAppRoutes(Vertx vertx, MiniAppConfig config, Files files, Clock clock) {
        this.vertx = vertx;
        this.roots = files.roots();
        this.config = config;
        this.thumbnails = files.thumbnails();
        this.clock = clock;
        this.sessions = new Sessions(config.botToken().reveal());
        this.bus = new EventBusClient(vertx);
    }

    void mount(Router router) {
        router.getWithRegex("^/app$").handler(ctx -> ctx.redirect("/app/"));
        router.route("/app/api/*").subRouter(api());
        router.get("/app/login").handler(this::login);
        router.get(Thumbnails.ROUTE + ":tenant/:name").handler(this::thumbnail);
        router.route("/app/*").handler(ctx -> {
            secure(ctx);
            ctx.response().putHeader("Cache-Control", "no-cache");
            ctx.next();
        }).handler(StaticHandler.create("webroot/app").setIndexPage("index.html").setCachingEnabled(false)
                .setDefaultContentEncoding("UTF-8"));
    }

    private Router api() {
        Router api = Router.router(vertx);
        api.route().handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            secure(ctx);
            ctx.next();
        });
        api.route().handler(this::authenticate);
        // uploads before the small-body handler: a file goes to disk next to the tenants' incoming uploads, never into the heap
        // the membership is checked on its own route first (a body handler must lead its route), so a stranger's file is never received
        api.post("/tenants/:chatId/library").handler(this::mayUpload);
        api.post("/tenants/:chatId/library").handler(BodyHandler.create(roots.dataDir().resolve("media").resolve(".app-uploads").toString())
                .setBodyLimit(MAX_UPLOAD_BYTES).setDeleteUploadedFilesOnEnd(true)).handler(this::upload);
        api.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        api.get("/me").handler(ctx -> call(ctx, Op.ME, null, new JsonObject()));
        api.get("/tenants/:chatId/plan").handler(ctx -> call(ctx, Op.PLAN, query(ctx, "days", "from")));
        api.post("/tenants/:chatId/plan").handler(ctx -> call(ctx, Op.PLAN_NOW, new JsonObject()));
        api.get("/tenants/:chatId/candidates").handler(ctx -> call(ctx, Op.CANDIDATES, new JsonObject()));
        api.patch("/tenants/:chatId/slots/:slotId").handler(this::changeSlot);
        api.delete("/tenants/:chatId/slots/:slotId").handler(ctx -> call(ctx, Op.SKIP_SLOT, new JsonObject().put("slotId", ctx.pathParam("slotId"))));
        api.get("/tenants/:chatId/library").handler(ctx -> call(ctx, Op.LIBRARY, query(ctx, "category", "filter", "offset", "limit")));
        api.post("/tenants/:chatId/library/:itemId/unlock").handler(ctx -> call(ctx, Op.UNLOCK,
                new JsonObject().put("mediaItemId", ctx.pathParam("itemId"))));
        api.get("/tenants/:chatId/history").handler(ctx -> call(ctx, Op.HISTORY, query(ctx, "outcome", "person", "limit")));
        api.get("/tenants/:chatId/stats").handler(ctx -> call(ctx, Op.STATS, new JsonObject()));
        api.get("/tenants/:chatId/settings").handler(ctx -> call(ctx, Op.SETTINGS, new JsonObject()));
        api.patch("/tenants/:chatId/settings").handler(ctx -> body(ctx).ifPresent(body -> call(ctx, Op.CHANGE_SETTINGS, body)));
        api.route().last().handler(ctx -> JsonErrors.send(ctx, ErrorCode.NOT_FOUND, "no route for " + ctx.request().path()));
        api.route().failureHandler(JsonErrors::handleFailure);
        return api;
    }

    /** {@code PATCH .../slots/{id}}: {@code {"at": "2026-12-05T14:30"}} moves it, {@code {"mediaItemId": 42}} swaps its image. */
    private void changeSlot(RoutingContext ctx) {
        body(ctx).ifPresent(body -> {
            boolean at = body.containsKey("at");
            boolean item = body.containsKey("mediaItemId");
            if (at == item || body.size() != 1) {
                JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "send either {\"at\": \"2026-12-05T14:30\"} or {\"mediaItemId\": 42}");
                return;
            }
            call(ctx, at ? Op.MOVE_SLOT : Op.SWAP_SLOT, body.copy().put("slotId", ctx.pathParam("slotId")));
        });
    }

    /** The path's chat id; null (and a 400 sent) when it is not a number. */
    private static Long chatId(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("chatId"));
        } catch (NumberFormatException e) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "chatId must be a chat id such as -1001234567890");
            return null;
        }
    }

    /** Before an upload's body is read: the person must be in the team's chat (the request waits, paused, meanwhile). */
    private void mayUpload(RoutingContext ctx) {
        Long chatId = chatId(ctx);
        if (chatId == null) {
            return;
        }
        ctx.request().pause();
        bus.app(new AppRequest(ctx.get(USER), Op.ACCESS, chatId, new JsonObject()))
                .onSuccess(role -> ctx.next())
                .onFailure(e -> {
                    ctx.response().putHeader("Connection", "close");
                    JsonErrors.sendFailure(ctx, e);
                });
    }

    /**
     * {@code POST .../library} (multipart: {@code file}, optional {@code caption} as in the chat: {@code Title | link | #tags}):
     * the file is moved to the tenant's incoming uploads under a random id and checked like a file sent in the chat.
     */
    private void upload(RoutingContext ctx) {
        var files = ctx.fileUploads();
        if (files.size() != 1 || !"file".equals(files.get(0).name())) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "send one file as the multipart field 'file' (and optionally 'caption')");
            return;
        }
        Long chatId = chatId(ctx);
        if (chatId == null) {
            return;
        }
        var file = files.get(0);
        String uploadId = "app-" + java.util.UUID.randomUUID();
        String target = roots.incoming(chatId, uploadId).toString();
        JsonObject params = new JsonObject().put("uploadId", uploadId).put("fileName", file.fileName()).put("mimeType", file.contentType())
                .put("fileSize", file.size()).put("caption", ctx.request().getFormAttribute("caption"));
        vertx.fileSystem().mkdirs(roots.incoming(chatId, uploadId).getParent().toString())
                .compose(v -> vertx.fileSystem().move(file.uploadedFileName(), target))
                .compose(v -> bus.app(new AppRequest(ctx.get(USER), Op.UPLOAD, chatId, params)))
                .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.encode()))
                .onFailure(e -> vertx.fileSystem().delete(target).onComplete(x -> JsonErrors.sendFailure(ctx, e)));
    }

    /** Telegram's initData first (inside Telegram), else the browser's session cookie; 401 with the reason otherwise. */
    private void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "tma ", 0, 4)) {
            try {
                InitData.Person person = InitData.verify(header.substring(4).trim(), config.botToken().reveal(), clock.instant(),
                        config.authMaxAge());
                ctx.put(USER, person.id());
                ctx.next();
            } catch (InitData.Refused e) {
                JsonErrors.send(ctx, ErrorCode.UNAUTHORIZED, e.getMessage());
            }
            return;
        }
        Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
        Optional<Long> user = cookie == null ? Optional.empty() : sessions.verify(cookie.getValue(), clock.instant());
        if (user.isPresent()) {
            ctx.put(USER, user.get());
            ctx.next();
            return;
        }
        JsonErrors.send(ctx, ErrorCode.UNAUTHORIZED, cookie == null
                ? "sign in: open the planner from the chat, or send /login to the bot for a browser link"
                : "your browser session has expired: send /login to the bot for a new link");
    }

    private void call(RoutingContext ctx, Op op, JsonObject params) {
        String raw = ctx.pathParam("chatId");
        long chatId;
        try {
            chatId = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "chatId must be a chat id such as -1001234567890");
            return;
        }
        call(ctx, op, chatId, params);
    }

    private void call(RoutingContext ctx, Op op, Long chatId, JsonObject params) {
        bus.app(new AppRequest(ctx.get(USER), op, chatId, params))
                .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.encode()))
                .onFailure(e -> JsonErrors.sendFailure(ctx, e));
    }

    private static JsonObject query(RoutingContext ctx, String... names) {
        JsonObject params = new JsonObject();
        for (String name : names) {
            String value = ctx.request().getParam(name);
            if (value != null && !value.isBlank()) {
                params.put(name, value);
            }
        }
        return params;
    }

    private static Optional<JsonObject> body(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body != null) {
                return Optional.of(body);
            }
        } catch (RuntimeException e) {
            // answered below
        }
        JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, "the body must be a JSON object");
        return Optional.empty();
    }

    /** {@code /app/login?token=…} from the bot's {@code /login}: sets the session cookie once, then opens the app. */
    private void login(RoutingContext ctx) {
        secure(ctx);
        String token = ctx.request().getParam("token");
        if (token == null || !token.matches("[A-Za-z0-9_-]{20,100}")) {
            page(ctx, 401, "This login link is not valid. Send /login to the bot for a new one.");
            return;
        }
        bus.appLogin(new AppRequest.Login(java.util.HexFormat.of().formatHex(dev.storyline.miniapp.MiniAppVerticle.sha256(token)))).onSuccess(userId -> {
            Cookie cookie = Cookie.cookie(Sessions.COOKIE, sessions.issue(userId, clock.instant())).setPath("/app")
                    .setMaxAge(Sessions.TTL.toSeconds()).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                    .setSecure(config.publicBaseUrl().map(u -> "https".equalsIgnoreCase(u.getScheme())).orElse(false));
            ctx.response().addCookie(cookie);
            // a page of our own opens the app, so the first request is same-site and carries the Strict cookie
            ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                    .end("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=/app/\">"
                            + "<title>Storyline</title></head><body><p>Signed in. <a href=\"/app/\">Open the planner</a>.</p></body></html>");
        }).onFailure(e -> page(ctx, ErrorCode.of(e) == ErrorCode.UNAUTHORIZED ? 401 : 503, e.getMessage()));
    }

    private void thumbnail(RoutingContext ctx) {
        var wanted = thumbnails.check(ctx.pathParam("tenant"), ctx.pathParam("name"), ctx.request().getParam("exp"),
                ctx.request().getParam("sig"), clock.instant());
        if (wanted.isEmpty()) {
            ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain").end("not a valid thumbnail link");
            return;
        }
        String file = thumbnails.file(wanted.get().tenantId(), wanted.get().name()).toString();
        vertx.fileSystem().exists(file)
                .compose(there -> there ? Future.succeededFuture() : bus.appThumbnail(new AppRequest.Thumbnail(wanted.get().tenantId(),
                        wanted.get().mediaItemId(), wanted.get().name())))
                .onSuccess(v -> ctx.response().putHeader("Content-Type", "image/jpeg")
                        .putHeader("Cache-Control", "private, max-age=604800, immutable").sendFile(file))
                .onFailure(e -> ctx.response().setStatusCode(ErrorCode.of(e) == ErrorCode.NOT_FOUND ? 404 : 503)
                        .putHeader("Content-Type", "text/plain").end("no thumbnail"));
    }

    private static void secure(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
    }

    private static void page(RoutingContext ctx, int status, String message) {
        String text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end("<!doctype html><html><head><meta charset=\"utf-8\"><title>Storyline</title></head><body><p>" + text + "</p></body></html>");
    }
}
