package dev.storyline.tenant;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * One command, button press or message in a tenant chat, logged in {@code interactions}. The row is
 * unique per Telegram update, which makes it the guard of every state change: a replayed update
 * finds its row and changes nothing twice.
 */
public record Interaction(long tenantId, Long userId, Long updateId, String kind, String name, JsonObject data) {

    private static final String INSERT = """
            INSERT INTO interactions (tenant_id, user_id, update_id, kind, name, data)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (update_id, kind) WHERE update_id IS NOT NULL DO NOTHING
            RETURNING id""";

    /** Inserts the row; false when this update was already logged (and so already handled). */
    public Future<Boolean> record(SqlClient client) {
        return client.preparedQuery(INSERT)
                .execute(Tuple.of(tenantId, userId, updateId, kind, name, data == null ? new JsonObject() : data))
                .map(rows -> rows.rowCount() > 0);
    }
}
