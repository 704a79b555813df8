package dev.storyline.http;

import dev.storyline.app.Version;
import dev.storyline.bus.ErrorCode;
import dev.storyline.config.AppConfig.HttpConfig;
import dev.storyline.instagram.SelfMediaHost;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP face: {@code /health}, {@code /metrics} and the admin API. It holds no state and runs
 * no SQL: health comes from {@link HealthCheck}s, admin answers from event-bus requests.
 */
public final class HttpVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final HttpConfig config;
    private final PrometheusMeterRegistry registry;
    private final List<HealthCheck> checks;
    private final SelfMediaHost media;
    private final AdminApi.TokenDrafts drafts;
    private final MiniAppRoutes.Files app;
    private final java.time.Clock clock;
    private HttpServer server;

    /**
     * {@code drafts} keeps an Instagram token posted to the admin API until the Instagram verticle checks it.
     * {@code media} serves the signed image links Instagram fetches ({@code MEDIA_HOSTING=self}); null for none. */
    public HttpVerticle(HttpConfig config, PrometheusMeterRegistry registry, SelfMediaHost media, List<HealthCheck> checks,
                        AdminApi.TokenDrafts drafts) {
        this(config, registry, media, checks, drafts, null, java.time.Clock.systemUTC());
    }

    /** With the Mini App (D30) under {@code /app/}: its thumbnails and uploads, and the clock its sign-ins are checked against. */
    public HttpVerticle(HttpConfig config, PrometheusMeterRegistry registry, SelfMediaHost media, List<HealthCheck> checks,
                        AdminApi.TokenDrafts drafts, MiniAppRoutes.Files app, java.time.Clock clock) {
        this.app = app;
        this.clock = clock;
        this.drafts = drafts;
        this.config = config;
        this.registry = registry;
        this.media = media;
        this.checks = List.copyOf(checks);
    }

    @Override
    public Future<?> start() {
        return OpenApiRequests.load(vertx).compose(this::listen);
    }

    private Future<?> listen(OpenApiRequests requests) {
        Router router = Router.router(vertx);
        router.get("/health").handler(this::health);
        router.get("/metrics").handler(this::metrics);
        router.route("/admin/*").subRouter(new AdminApi(vertx, config, this::report, drafts, requests).router());
        if (app != null) {
            new MiniAppRoutes(vertx, config.miniApp(), app, clock).mount(router);
        }
        if (media != null) {
            router.get(SelfMediaHost.ROUTE + ":name").handler(this::hostedImage);
        }
        router.route().last().handler(ctx -> JsonErrors.send(ctx, ErrorCode.NOT_FOUND, "no route for " + ctx.request().path()));
        router.route().failureHandler(JsonErrors::handleFailure);
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(config.port(), config.host())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("HTTP server listening on http://{}:{} (admin API {})", config.host(), s.actualPort(),
                            config.adminEnabled() ? "on" : "off: set ADMIN_TOKEN to enable it");
                });
    }

    /**
     * Sends a hosted file, honouring one HTTP range ({@code bytes=a-b}, {@code a-}, {@code -n}): Instagram
     * fetches videos in pieces (D29). Several ranges are answered whole; an unsatisfiable one is 416.
     */
    private void serve(RoutingContext ctx, SelfMediaHost.Found found) {
        vertx.fileSystem().props(found.file().toString()).onComplete(props -> {
            if (props.failed()) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("no longer hosted");
                return;
            }
            long size = props.result().size();
            var response = ctx.response().putHeader("Content-Type", found.contentType()).putHeader("Cache-Control", "no-store")
                    .putHeader("Accept-Ranges", "bytes");
            long[] range = ByteRange.parse(ctx.request().getHeader("Range"), size);
            if (range == null) {
                response.sendFile(found.file().toString());
            } else if (range.length == 0) {
                response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
            } else {
                response.setStatusCode(206).putHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size)
                        .sendFile(found.file().toString(), range[0], range[1] - range[0] + 1);
            }
        });
    }

    /** A story image or video for Instagram: only with a valid, unexpired signature; no JSON, no listing. */
    private void hostedImage(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        String expires = ctx.request().getParam("expires");
        String sig = ctx.request().getParam("sig");
        vertx.executeBlocking(() -> media.lookup(name, expires, sig), false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.response().setStatusCode(500).end();
            } else if (ar.result() instanceof SelfMediaHost.Found found) {
                serve(ctx, found);
            } else {
                SelfMediaHost.Refused refused = (SelfMediaHost.Refused) ar.result();
                ctx.response().setStatusCode(refused.status()).putHeader("Content-Type", "text/plain").end(refused.reason());
            }
        });
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int port() {
        return server.actualPort();
    }

    /**
     * Public: UP or DOWN, overall and per check, nothing more. Details (the database's address, the
     * last Telegram error, counts) tell a stranger too much about the host (D23); the admin API's
     * {@code /admin/health} and {@code storyline health} show them.
     */
    private void health(RoutingContext ctx) {
        report().onComplete(done -> {
            JsonObject full = done.result();
            JsonObject checks = new JsonObject();
            full.getJsonObject("checks").forEach(check -> checks.put(check.getKey(),
                    new JsonObject().put("status", ((JsonObject) check.getValue()).getString("status"))));
            JsonObject response = full.copy().put("checks", checks);
            ctx.response()
                    .setStatusCode("UP".equals(full.getString("status")) ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(response.encodePrettily());
        });
    }

    /** Every check's result with its detail and data; never fails (a failed or hung check is DOWN). */
    private Future<JsonObject> report() {
        List<Future<HealthCheck.Result>> results = new ArrayList<>();
        for (HealthCheck check : checks) {
            results.add(check.check()
                    .timeout(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .otherwise(e -> HealthCheck.Result.down(describe(e), new JsonObject())));
        }
        return Future.join(results).transform(done -> {
            JsonObject body = new JsonObject();
            boolean healthy = true;
            for (int i = 0; i < checks.size(); i++) {
                HealthCheck.Result result = results.get(i).result();
                healthy &= result.healthy();
                body.put(checks.get(i).name(), result.toJson());
            }
            return Future.succeededFuture(new JsonObject()
                    .put("status", healthy ? "UP" : "DOWN")
                    .put("version", Version.current())
                    .put("checks", body));
        });
    }

    private void metrics(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape());
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.util.concurrent.TimeoutException || (message != null && message.startsWith("Timeout"))) {
            return "no answer within " + CHECK_TIMEOUT.toSeconds() + " s";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
