package dev.storyline.telegram;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The {@code getUpdates} offset, stored only after the updates before it were handled. */
public final class TelegramStateRepository {
    private static final String LOAD = "SELECT update_offset FROM telegram_state WHERE bot_id = $1";
    private static final String STORE = """
            INSERT INTO telegram_state (bot_id, update_offset) VALUES ($1, $2)
            ON CONFLICT (bot_id) DO UPDATE SET update_offset = GREATEST(telegram_state.update_offset, EXCLUDED.update_offset),
                                               updated_at = now()""";

    private final Pool pool;

    public TelegramStateRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Long> offset(long botId) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(botId))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("update_offset"));
    }

    public Future<Void> store(long botId, long offset) {
        return pool.preparedQuery(STORE).execute(Tuple.of(botId, offset)).mapEmpty();
    }
}
