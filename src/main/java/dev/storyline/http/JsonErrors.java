package dev.storyline.http;

import dev.storyline.bus.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place an error becomes HTTP: {@code {"error": <stable code>, "message": ...}}. */
public final class JsonErrors {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);

    private JsonErrors() {
    }

    public static void send(RoutingContext ctx, ErrorCode code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(code.httpStatus())
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", code.key()).put("message", message).encode());
    }

    /** A failed event-bus request: its stable code decides the status. */
    public static void sendFailure(RoutingContext ctx, Throwable failure) {
        ErrorCode code = ErrorCode.of(failure);
        if (code == ErrorCode.INTERNAL) {
            LOG.error("Admin request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
        }
        send(ctx, code, failure.getMessage() == null ? code.key() : failure.getMessage());
    }

    static void handleFailure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than allowed");
        } else if (status == 405) {
            send(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.request().path());
        } else if (status == 404) {
            send(ctx, ErrorCode.NOT_FOUND, "no route for " + ctx.request().path());
        } else if (ctx.failure() != null) {
            sendFailure(ctx, ctx.failure());
        } else {
            send(ctx, status >= 500 || status < 400 ? ErrorCode.INTERNAL : ErrorCode.INVALID_INPUT, "request failed");
        }
    }
}
