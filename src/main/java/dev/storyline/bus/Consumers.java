package dev.storyline.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * The one way an actor answers requests: the body is read into the address's request record (a
 * message that does not fit is answered {@link ErrorCode#INVALID_INPUT}, naming the field), the
 * handler's record is written back, and a failure is answered with its {@link ErrorCode}. No actor
 * parses bodies by hand.
 */
public final class Consumers {
    private Consumers() {
    }

    /**
     * Registers an actor's address on this node (in a cluster, D32, a local consumer: every node runs
     * every actor, and a request is best answered on the node it was made on; what only one node
     * answers uses {@link #registerClustered}).
     *
     * @param decode the request record's {@code fromJson}; throws {@link IllegalArgumentException} for a bad message
     * @param handle the work; its result is the reply body
     */
    public static <Q> MessageConsumer<JsonObject> register(EventBus bus, String address, Function<JsonObject, Q> decode,
                                                           Function<Q, Future<JsonObject>> handle) {
        return bus.localConsumer(address, handler(decode, handle));
    }

    /**
     * As {@link #register}, reachable from every node of a cluster (D32): for what one node answers, a
     * tenant's scheduler (on the node that holds its lease) or the Telegram leader's outbox.
     */
    public static <Q> MessageConsumer<JsonObject> registerClustered(EventBus bus, String address, Function<JsonObject, Q> decode,
                                                                    Function<Q, Future<JsonObject>> handle) {
        return bus.consumer(address, handler(decode, handle));
    }

    private static <Q> io.vertx.core.Handler<io.vertx.core.eventbus.Message<JsonObject>> handler(Function<JsonObject, Q> decode,
                                                                                            Function<Q, Future<JsonObject>> handle) {
        return message -> {
            Q request;
            try {
                request = decode.apply(message.body() == null ? new JsonObject() : message.body());
            } catch (IllegalArgumentException | ClassCastException e) {
                message.fail(ErrorCode.INVALID_INPUT.code(), e.getMessage());
                return;
            }
            Future<JsonObject> reply;
            try {
                reply = handle.apply(request);
            } catch (RuntimeException e) {
                reply = Future.failedFuture(e);
            }
            if (message.replyAddress() == null && message.headers().contains(DeliveredRequests.REPLY_TO)) {
                // a delivered request (D32): the answer goes to the asker's own address
                io.vertx.core.Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
                reply.onComplete(done -> DeliveredRequests.answer(vertx, message, done.result(), done.cause()));
                return;
            }
            reply.onSuccess(message::reply).onFailure(e -> ErrorCode.fail(message, e));
        };
    }
}
