package dev.storyline.telegram;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The {@code getUpdates} offset, stored only after the updates before it were handled, and the updates set aside. */
public final class TelegramStateRepository {
    private static final String LOAD = "SELECT update_offset FROM telegram_state WHERE bot_id = $1";
    private static final String STORE = """
            INSERT INTO telegram_state (bot_id, update_offset) VALUES ($1, $2)
            ON CONFLICT (bot_id) DO UPDATE SET update_offset = GREATEST(telegram_state.update_offset, EXCLUDED.update_offset),
                                               updated_at = now()""";

    private static final String DEAD_LETTER = """
            INSERT INTO telegram_dead_letters (bot_id, update_id, chat_id, raw, error, attempts) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (bot_id, update_id) DO NOTHING""";

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

    /** An update that failed {@code attempts} times, kept raw with the reason, so the bot can go on past it. */
    public Future<Void> deadLetter(long botId, long updateId, Long chatId, JsonObject raw, String error, int attempts) {
        return pool.preparedQuery(DEAD_LETTER).execute(Tuple.of(botId, updateId, chatId, raw, error, attempts)).mapEmpty();
    }
}
