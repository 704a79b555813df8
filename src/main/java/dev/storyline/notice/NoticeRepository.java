package dev.storyline.notice;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** {@code outbox_messages}: notices written by anyone, read and marked by the server's sender (see {@link Notices}). */
public final class NoticeRepository {
    private static final String ENQUEUE = """
            INSERT INTO outbox_messages (chat_id, kind, params, dedupe_key) VALUES ($1, $2, $3, $4)
            ON CONFLICT (dedupe_key) DO NOTHING""";
    /** Fewest tries first: a chat that keeps failing (Telegram down for it) never holds back the notices behind it. */
    private static final String PENDING = """
            SELECT id, chat_id, params FROM outbox_messages WHERE state = 'pending' AND NOT (id = ANY($1)) ORDER BY attempts, id LIMIT $2""";
    private static final String SENT = "UPDATE outbox_messages SET state = 'sent', sent_at = now(), attempts = attempts + 1 WHERE id = $1";
    private static final String RETRY = "UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2 WHERE id = $1";
    private static final String FAILED = """
            UPDATE outbox_messages SET state = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1""";

    /** A message waiting to be sent. */
    public record Pending(long id, long chatId, JsonObject params) {
    }

    private final Pool pool;

    public NoticeRepository(Pool pool) {
        this.pool = pool;
    }

    /** Writes the message through {@code client} (a pool or a transaction's connection); false when the key was queued before. */
    static Future<Boolean> enqueue(SqlClient client, long chatId, String kind, String html, JsonObject markup, String key) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("text", html).put("parse_mode", "HTML")
                .put("link_preview_options", new JsonObject().put("is_disabled", true));
        if (markup != null) {
            params.put("reply_markup", markup);
        }
        return client.preparedQuery(ENQUEUE).execute(Tuple.of(chatId, kind, params, key)).map(rows -> rows.rowCount() == 1);
    }

    public Future<List<Pending>> pending(Long[] inFlight, int limit) {
        return pool.preparedQuery(PENDING).execute(Tuple.of(inFlight, limit)).map(rows -> {
            List<Pending> list = new ArrayList<>();
            for (Row row : rows) {
                list.add(new Pending(row.getLong("id"), row.getLong("chat_id"), (JsonObject) row.getValue("params")));
            }
            return list;
        });
    }

    public Future<Void> sent(long id) {
        return pool.preparedQuery(SENT).execute(Tuple.of(id)).mapEmpty();
    }

    public Future<Void> retryLater(long id, String error) {
        return pool.preparedQuery(RETRY).execute(Tuple.of(id, error)).mapEmpty();
    }

    public Future<Void> failed(long id, String error) {
        return pool.preparedQuery(FAILED).execute(Tuple.of(id, error)).mapEmpty();
    }
}
