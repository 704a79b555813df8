package dev.storyline.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Requests across a cluster that say whether they were delivered (D32). A plain event-bus request to
 * a node that just died waits for its whole timeout: Vert.x drops a message it cannot write. Here the
 * request is a send whose write is watched (a write that fails means no node got it: {@link #notDelivered}),
 * and the answer comes back to this node's own address, matched by a call id. A consumer registered
 * with {@link Consumers} answers such a request as it answers any other.
 */
public final class DeliveredRequests {
    static final String REPLY_TO = "storyline-reply-to";
    static final String CALL_ID = "storyline-call-id";

    private final Vertx vertx;
    private final String address = "bus.replies." + UUID.randomUUID();
    private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
    private long sequence;
    private MessageConsumer<JsonObject> consumer;

    public DeliveredRequests(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Listens for the answers; call on the owning verticle's context. */
    public Future<Void> start() {
        consumer = vertx.eventBus().consumer(address, message -> {
            Promise<JsonObject> promise = pending.remove(message.headers().get(CALL_ID));
            if (promise == null) {
                return; // answered after it timed out
            }
            JsonObject body = message.body();
            JsonObject failure = body.getJsonObject("failure");
            if (failure != null) {
                promise.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failure.getInteger("code", ErrorCode.INTERNAL.code()),
                        failure.getString("message")));
            } else {
                promise.tryComplete(body.getJsonObject("result"));
            }
        });
        return consumer.completion();
    }

    public Future<Void> stop() {
        pending.values().forEach(p -> p.tryFail(new ReplyException(ReplyFailure.TIMEOUT, "stopping")));
        pending.clear();
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    /**
     * Sends {@code body} to {@code to} and waits up to {@code timeout} for the answer. Fails with a
     * {@link ReplyFailure#NO_HANDLERS} {@link ReplyException} when the message reached no node (nothing
     * consumes the address, or the node it went to is gone), so the caller knows nothing was done.
     */
    public Future<JsonObject> request(String to, JsonObject body, Duration timeout) {
        String id = String.valueOf(++sequence);
        Promise<JsonObject> promise = Promise.promise();
        pending.put(id, promise);
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            if (pending.remove(id) != null) {
                promise.tryFail(new ReplyException(ReplyFailure.TIMEOUT, "no answer from " + to + " within " + timeout.toSeconds() + " s"));
            }
        });
        vertx.eventBus().<JsonObject>sender(to, new DeliveryOptions().addHeader(REPLY_TO, address).addHeader(CALL_ID, id))
                .write(body)
                .onFailure(e -> {
                    if (pending.remove(id) != null) {
                        promise.tryFail(notDelivered(to, e));
                    }
                });
        return promise.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    /** The message reached no consumer: nothing was done with it. */
    public static ReplyException notDelivered(String to, Throwable cause) {
        return cause instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS ? r
                : new ReplyException(ReplyFailure.NO_HANDLERS, "not delivered to " + to + ": " + cause.getMessage());
    }

    /** The answer to a delivered request ({@link Consumers}), sent to the asker's address. */
    static void answer(Vertx vertx, io.vertx.core.eventbus.Message<JsonObject> message, JsonObject result, Throwable failure) {
        JsonObject body = failure == null ? new JsonObject().put("result", result)
                : new JsonObject().put("failure", new JsonObject().put("code", ErrorCode.of(failure).code())
                        .put("message", String.valueOf(failure.getMessage())));
        vertx.eventBus().send(message.headers().get(REPLY_TO), body, new DeliveryOptions().addHeader(CALL_ID, message.headers().get(CALL_ID)));
    }
}
