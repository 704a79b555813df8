package dev.storyline.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Start-up work that {@code /health} does not need (the first posting sweep, the media index, the Instagram token check)
 * waits until every actor has started (issue 19: on two cores it would compete with the start for the CPU).
 * The application publishes {@link Addresses#APP_READY} once, locally, after its last actor started.
 */
public final class AppReady {
    private AppReady() {
    }

    /** Runs {@code work} on the caller's context once the application is ready; the future completes when the wait is set. */
    public static Future<Void> then(Vertx vertx, Runnable work) {
        MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(Addresses.APP_READY);
        consumer.handler(ready -> {
            consumer.unregister();
            work.run();
        });
        return consumer.completion();
    }

    /** Says so, once (the application, after its last wave). */
    public static void publish(Vertx vertx) {
        vertx.eventBus().publish(Addresses.APP_READY, null, new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
    }
}
