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
     * @param decode the request record's {@code fromJson}; throws {@link IllegalArgumentException} for a bad message
     * @param handle the work; its result is the reply body
     */
    public static <Q> MessageConsumer<JsonObject> register(EventBus bus, String address, Function<JsonObject, Q> decode,
                                                           Function<Q, Future<JsonObject>> handle) {
        return bus.consumer(address, handler(decode, handle));
    }

    /**
     * As {@link #register}, answering this node's senders only (D32: in a cluster, "this node's
     * schedulers" is a question for this node's orchestrator, not whichever node the bus picks).
     */
    public static <Q> MessageConsumer<JsonObject> registerLocal(EventBus bus, String address, Function<JsonObject, Q> decode,
                                                                Function<Q, Future<JsonObject>> handle) {
        return bus.localConsumer(address, handler(decode, handle));
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
            reply.onSuccess(message::reply).onFailure(e -> ErrorCode.fail(message, e));
        };
    }
}
