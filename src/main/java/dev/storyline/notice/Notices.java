package dev.storyline.notice;

import dev.storyline.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

/**
 * Messages that must arrive (D26), through the {@code outbox_messages} table: written first (inside
 * the caller's transaction when it has one), then sent by the server's Telegram verticle, which marks
 * a row sent only once Telegram accepted it and sends what a crash interrupted after the restart. A
 * {@code key} makes the same notice queue once, however often its cause is replayed. Any process may
 * write (the CLI does, with no event bus); the server sends within {@link #SWEEP_SECONDS}.
 */
public final class Notices {
    public static final int SWEEP_SECONDS = 5;
    public static final String ALERT = "alert";
    public static final String REGISTRATION = "registration";
    public static final String STORY_FAILURE = "story-failure";
    public static final String TENANT = "tenant";

    private final Pool pool;
    private final EventBus bus;

    /** {@code bus} null: another process (the CLI) that only writes; the server's sweep sends. */
    public Notices(Pool pool, EventBus bus) {
        this.pool = pool;
        this.bus = bus;
    }

    /** Queues an HTML message for the chat and asks the server to send it now. */
    public Future<Void> send(long chatId, String kind, String html, JsonObject markup, String key) {
        return enqueue(pool, chatId, kind, html, markup, key).onSuccess(v -> nudge()).mapEmpty();
    }

    /** After {@link #enqueue} inside a transaction committed: send now. */
    public void nudge() {
        if (bus != null) {
            bus.publish(Addresses.TELEGRAM_NOTICES, null);
        }
    }

    /** Writes the message through {@code client} (a pool or a transaction's connection); false when the key was queued before. */
    public static Future<Boolean> enqueue(SqlClient client, long chatId, String kind, String html, JsonObject markup, String key) {
        return NoticeRepository.enqueue(client, chatId, kind, html, markup, key);
    }
}
