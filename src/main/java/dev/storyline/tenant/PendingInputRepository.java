package dev.storyline.tenant;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.Optional;

/**
 * A settings value the bot asked a person for: their next message in that chat is the value. Kept in
 * the database so it survives a restart; it expires, and {@code /cancel} drops it.
 */
public final class PendingInputRepository {
    private static final String ASK = """
            INSERT INTO pending_inputs (tenant_id, user_id, setting, settings_message_id, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, user_id) DO UPDATE
               SET setting = EXCLUDED.setting, settings_message_id = EXCLUDED.settings_message_id,
                   created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at""";
    private static final String FIND = """
            SELECT setting, settings_message_id, expires_at FROM pending_inputs WHERE tenant_id = $1 AND user_id = $2""";
    private static final String DELETE = "DELETE FROM pending_inputs WHERE tenant_id = $1 AND user_id = $2";

    /** What was asked; {@code settingsMessageId} is the settings message to refresh afterwards (may be null). */
    public record PendingInput(Setting setting, Long settingsMessageId, Instant expiresAt) {
    }

    private final Pool pool;

    public PendingInputRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> ask(long tenantId, long userId, Setting setting, Long settingsMessageId, Instant now, Instant expiresAt) {
        return pool.preparedQuery(ASK).execute(Tuple.of(tenantId, userId, setting.wire(), settingsMessageId, Sql.utc(now), Sql.utc(expiresAt)))
                .mapEmpty();
    }

    /** The pending input, if any; an expired one is dropped and reported as {@code expired}. */
    public Future<Lookup> find(long tenantId, long userId, Instant now) {
        return pool.preparedQuery(FIND).execute(Tuple.of(tenantId, userId)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.succeededFuture(new Lookup(Optional.empty(), false));
            }
            Row row = rows.iterator().next();
            Instant expires = Sql.instant(row, "expires_at");
            Optional<Setting> setting = Setting.fromWire(row.getString("setting"));
            if (!expires.isAfter(now) || setting.isEmpty()) {
                return cancel(tenantId, userId).map(v -> new Lookup(Optional.empty(), true));
            }
            return Future.succeededFuture(new Lookup(Optional.of(new PendingInput(setting.get(), row.getLong("settings_message_id"), expires)), false));
        });
    }

    public record Lookup(Optional<PendingInput> input, boolean expired) {
    }

    /** Drops a pending input; true when there was one. */
    public Future<Boolean> cancel(long tenantId, long userId) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(tenantId, userId)).map(rows -> rows.rowCount() > 0);
    }
}
