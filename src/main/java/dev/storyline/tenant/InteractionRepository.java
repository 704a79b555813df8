package dev.storyline.tenant;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * {@code interactions}: one command, button press or upload in a tenant chat. The row is unique per
 * Telegram update, which makes it the guard of every state change: a replayed update finds its row and
 * changes nothing twice.
 */
public final class InteractionRepository {
    private static final String INSERT = """
            INSERT INTO interactions (tenant_id, user_id, update_id, kind, name, data)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (update_id, kind) WHERE update_id IS NOT NULL DO NOTHING
            RETURNING id""";

    private final Pool pool;

    public InteractionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the row; false when this update was already logged (and so already handled). */
    public Future<Boolean> record(Interaction interaction) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(interaction.tenantId(), interaction.userId(), interaction.updateId(), interaction.kind(),
                        interaction.name(), interaction.data() == null ? new JsonObject() : interaction.data()))
                .map(rows -> rows.rowCount() > 0);
    }
}
