package dev.storyline.http;

import dev.storyline.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.json.schema.OutputUnit;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The admin API's requests checked against {@code openapi.json}, the one description of them (Vert.x
 * OpenAPI): path and query parameters, and bodies, by their schemas. A request that does not fit is
 * answered {@code 400 invalid_input} with the validator's reason and never reaches a handler; a
 * handler reads the checked, typed values with {@link #of(RoutingContext)}. Rules the schema cannot
 * state (an IANA time zone, "9-21") stay with the code that applies them.
 */
public final class OpenApiRequests {
    static final String DOCUMENT = "openapi.json";
    private static final String VALIDATED = "storyline.validated";

    private final Vertx vertx;
    private final JsonObject document;
    private final Set<String> operationIds;
    /** The resolved contract and its validator, made at the first checked request; null until then. */
    private Future<Resolved> resolved;

    private record Resolved(OpenAPIContract contract, RequestValidator validator) {
    }

    private OpenApiRequests(Vertx vertx, JsonObject document) {
        this.vertx = vertx;
        this.document = document;
        Set<String> ids = new HashSet<>();
        JsonObject paths = document.getJsonObject("paths", new JsonObject());
        for (String path : paths.fieldNames()) {
            JsonObject operations = paths.getJsonObject(path);
            for (String method : operations.fieldNames()) {
                if (operations.getValue(method) instanceof JsonObject operation && operation.getString("operationId") != null) {
                    ids.add(operation.getString("operationId"));
                }
            }
        }
        this.operationIds = Set.copyOf(ids);
    }

    /**
     * Reads the document from the jar. Resolving it (its schemas, the validator: ~150 classes and a few hundred
     * milliseconds) waits for the first request it checks (issue 19: {@code /health} does not need it, so the start does
     * not wait for it).
     */
    public static Future<OpenApiRequests> load(Vertx vertx) {
        return vertx.fileSystem().readFile(DOCUMENT).map(doc -> new OpenApiRequests(vertx, new JsonObject(doc)));
    }

    /** The contract, resolved once; Vert.x OpenAPI does the heavy part on a worker. */
    private synchronized Future<Resolved> resolved() {
        if (resolved == null) {
            resolved = OpenAPIContract.from(vertx, document).map(contract -> new Resolved(contract, RequestValidator.create(vertx, contract)));
        }
        return resolved;
    }

    /** Whether a request has made the contract be resolved yet (tests). */
    synchronized boolean resolvedYet() {
        return resolved != null;
    }

    /** A handler that lets only requests that fit operation {@code operationId} through. */
    Handler<RoutingContext> check(String operationId) {
        return check(operationId, ctx -> null);
    }

    /**
     * As {@link #check(String)}; a refused request is explained by {@code explain} when it has more to
     * say than the validator (null: it has not), e.g. every bad setting at once in the chat's words.
     */
    Handler<RoutingContext> check(String operationId, Function<RoutingContext, String> explain) {
        if (!operationIds.contains(operationId)) {
            throw new IllegalArgumentException("openapi.json has no operation " + operationId);
        }
        return ctx -> resolved().onComplete(contract -> {
            if (contract.failed()) {
                JsonErrors.sendFailure(ctx, contract.cause()); // openapi.json is the jar's own: a bug, logged as one
                return;
            }
            Resolved with = contract.result();
            RequestUtils.extract(ctx.request(), with.contract().operation(operationId),
                            () -> Future.succeededFuture(ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer()))
                    .compose(request -> with.validator().validate(request, operationId))
                    .onSuccess(validated -> {
                        ctx.put(VALIDATED, validated);
                        ctx.next();
                    })
                    .onFailure(e -> {
                        String explained = explain.apply(ctx);
                        JsonErrors.send(ctx, ErrorCode.INVALID_INPUT, explained != null ? explained : reason(e));
                    });
        });
    }

    /** The request as the contract read it. */
    static ValidatedRequest of(RoutingContext ctx) {
        return ctx.get(VALIDATED);
    }

    /**
     * The validator's reason; for a body, every error the schema found (a missing field, a wrong type,
     * a field too many), each with where it is, so one answer names every bad field.
     */
    static String reason(Throwable e) {
        if (e instanceof SchemaValidationException schema && String.valueOf(e.getMessage()).startsWith("The value of the request body")
                && schema.getOutputUnit() != null
                && schema.getOutputUnit().getErrors() != null && schema.getOutputUnit().getErrors().size() > 1) {
            Set<String> errors = new LinkedHashSet<>();
            for (OutputUnit unit : schema.getOutputUnit().getErrors()) {
                String where = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation().replaceFirst("^#?/?", "");
                String at = where.isEmpty() ? "" : where + ": ";
                if (unit.getError() != null) {
                    errors.add(at + unit.getError());
                }
            }
            return "The value of the request body is invalid: " + String.join("; ", errors);
        }
        String message = e instanceof ValidatorException ? e.getMessage() : "the request could not be read: " + e.getMessage();
        return message == null ? "the request does not match openapi.json" : message;
    }
}
