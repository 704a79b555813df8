package dev.storyline.telegram;

import dev.storyline.bot.Bot;
import dev.storyline.bot.BotServices;
import dev.storyline.notice.Notices;
import dev.storyline.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One {@code getUpdates} batch at a time (the poller's half that handles, not fetches): chat by chat,
 * in order within a chat and chats side by side, then the offset stored. After a failed try the batch
 * goes update by update ({@link #failed}); updates handled in an earlier try are not handled again; an
 * update that fails {@link #POISON_AFTER} times is set aside in {@code telegram_dead_letters} with the
 * admin told, so no update stalls the others. Runs on the Telegram verticle's event loop.
 */
final class UpdateBatches {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateBatches.class);
    /** Failures after which an update is set aside: the rest of the batch goes on. */
    static final int POISON_AFTER = 3;

    private final Bot bot;
    private final BotServices services;
    private final TelegramStateRepository state;
    private final TelegramMetrics metrics;
    private final Clock clock;
    private final long botId;
    private final BooleanSupplier running;
    // the batch being handled until its offset is stored: since when, what of it is done, what failed how often
    private Instant batchSince;
    private boolean oneByOne;
    private final Set<Long> handledInBatch = new HashSet<>();
    private final Map<Long, Integer> failuresByUpdate = new HashMap<>();

    UpdateBatches(Bot bot, BotServices services, TelegramStateRepository state, TelegramMetrics metrics, Clock clock, long botId,
                  BooleanSupplier running) {
        this.bot = bot;
        this.services = services;
        this.state = state;
        this.metrics = metrics;
        this.clock = clock;
        this.botId = botId;
        this.running = running;
    }

    /** The batch in hand failed: its next try goes update by update. */
    void failed() {
        oneByOne = true;
    }

    /** Since when the batch in hand is being handled, or null. */
    Instant since() {
        return batchSince;
    }

    /**
     * Handles a batch and stores the offset after it; fails (offset unchanged) when the database was in
     * the way. After a failure ({@link #oneByOne}) each update looks up its own person and chat, so one
     * bad update cannot fail the lookup of all; updates handled in an earlier try are not handled again.
     */
    Future<Long> handle(JsonArray raw, long offset) {
        if (raw.isEmpty()) {
            return Future.succeededFuture(offset);
        }
        if (batchSince == null) {
            batchSince = clock.instant();
        }
        long arrived = System.nanoTime();
        long next = offset;
        Map<Long, List<Update>> byChat = new LinkedHashMap<>();
        Map<Long, JsonObject> raws = new java.util.HashMap<>();
        for (Object item : raw) {
            if (item instanceof JsonObject json && json.getValue("update_id") instanceof Number id) {
                next = Math.max(next, id.longValue() + 1);
                if (handledInBatch.contains(id.longValue())) {
                    continue;
                }
            }
            try {
                Update update = Update.parse(item instanceof JsonObject json ? json : null);
                raws.put(update.updateId(), (JsonObject) item);
                byChat.computeIfAbsent(update.chatId(), c -> new ArrayList<>()).add(update);
            } catch (RuntimeException e) {
                metrics.updateSkipped();
                LOG.warn("Skipping a malformed update ({}): {}", e.getMessage(), abbreviate(String.valueOf(item)));
            }
        }
        long nextOffset = next;
        // the people and chats of each chat's first update in one round trip; later ones look up afresh
        Future<Map<Long, UserRepository.Seen>> looked = oneByOne ? Future.succeededFuture(Map.of())
                : bot.lookUp(byChat.values().stream().map(updates -> updates.get(0)).toList());
        return looked.compose(seen -> {
            List<Future<Void>> chats = new ArrayList<>(byChat.size());
            for (List<Update> updates : byChat.values()) {
                Future<Void> chain = Future.succeededFuture();
                for (Update update : updates) {
                    chain = chain.compose(v -> attempt(update, seen.get(update.updateId()), arrived, raws.get(update.updateId())));
                }
                chats.add(chain);
            }
            return Future.join(chats);
        })
                // a batch that finished while stopping may have lost its replies and edits with the shutdown:
                // it is handled again after the restart (every handler is idempotent) rather than confirmed
                .compose(all -> running.getAsBoolean() ? state.store(botId, nextOffset) : Future.succeededFuture())
                .map(v -> {
                    batchSince = null;
                    oneByOne = false;
                    handledInBatch.clear();
                    failuresByUpdate.clear();
                    return nextOffset;
                });
    }

    /** One update of the batch; its {@link #POISON_AFTER}th failure sets it aside instead of failing the batch again. */
    private Future<Void> attempt(Update update, UserRepository.Seen seen, long arrivedNanos, JsonObject raw) {
        long id = update.updateId();
        return handleOne(update, seen, arrivedNanos)
                .onSuccess(v -> handledInBatch.add(id))
                .recover(e -> {
                    int failed = failuresByUpdate.merge(id, 1, Integer::sum);
                    if (failed < POISON_AFTER) {
                        return Future.failedFuture(e);
                    }
                    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    return state.deadLetter(botId, id, update.chatId(), raw, reason, failed).onSuccess(v -> {
                        handledInBatch.add(id);
                        metrics.updateSkipped();
                        LOG.error("Update {} in chat {} failed {} times ({}); it is set aside in telegram_dead_letters and the bot goes on",
                                id, update.chatId(), failed, reason);
                        services.toAdmin(Notices.ALERT, "⚠️ An update from chat <code>" + update.chatId() + "</code> failed " + failed
                                + " times and was set aside (telegram_dead_letters, update " + id + "): " + Html.escape(reason), null, "dead-letter:" + id);
                    });
                });
    }

    private Future<Void> handleOne(Update update, UserRepository.Seen seen, long arrivedNanos) {
        Future<Void> handled;
        try {
            handled = bot.handle(update, seen);
        } catch (RuntimeException e) {
            handled = Future.failedFuture(e);
        }
        return handled
                .onSuccess(v -> metrics.updateHandled(Duration.ofNanos(System.nanoTime() - arrivedNanos)))
                .recover(e -> {
                    if (isInfrastructure(e)) {
                        return Future.failedFuture(e);
                    }
                    if (e instanceof TelegramException telegram) {
                        // the change is done; only a reply failed (and the outbox already retried what was worth it)
                        LOG.warn("Update {} in chat {}: a reply failed: {}", update.updateId(), update.chatId(), telegram.getMessage());
                        return Future.succeededFuture();
                    }
                    metrics.updateSkipped();
                    LOG.error("Update {} in chat {} could not be handled and is skipped", update.updateId(), update.chatId(), e);
                    return Future.succeededFuture();
                });
    }

    /**
     * Trouble that a retry can fix (the database unreachable, overloaded or restarting; a busy peer on
     * the event bus), as opposed to a bad update. Anything not known to be such is the update's own
     * fault: it is skipped, never retried as if the database were down.
     */
    static boolean isInfrastructure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof PgException pg) {
                String state = pg.getSqlState() == null ? "" : pg.getSqlState();
                return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.equals("40001")
                        || state.equals("40P01");
            }
            if (cause instanceof io.vertx.sqlclient.ClosedConnectionException || cause instanceof java.net.ConnectException
                    || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof io.vertx.core.eventbus.ReplyException reply
                    && (reply.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT
                    || reply.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS)) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
