package dev.storyline.telegram;

import dev.storyline.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The outbox's bounds (D26): a chat's queue, the whole queue and the replies to chats that are no team
 * each have a limit ({@code OUTBOX_MAX_*}); a call past one is refused at once, counted in
 * {@code storyline_telegram_outbox_refused_total}, with one log line per episode and bound a minute at
 * most, so a flood is neither a full heap nor a full log. Runs on the Telegram verticle's event loop.
 */
final class OutboxGate {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final long REFUSAL_LOG_INTERVAL_MILLIS = 60_000;

    /** Which bound refused calls, for one log line per episode. */
    private enum Bound { CHAT, TOTAL, STRANGERS }

    private final AppConfig.OutboxBounds bounds;
    private final TelegramMetrics metrics;
    private final LongSupplier nowMillis;
    private final EnumSet<Bound> refusing = EnumSet.noneOf(Bound.class);
    private final Set<Long> refusingChats = new HashSet<>();
    private final EnumMap<Bound, Long> lastRefusalLog = new EnumMap<>(Bound.class);
    private int strangers;

    OutboxGate(AppConfig.OutboxBounds bounds, TelegramMetrics metrics, LongSupplier nowMillis) {
        this.bounds = bounds;
        this.metrics = metrics;
        this.nowMillis = nowMillis;
    }

    /**
     * Null when the call may wait ({@code queued} calls wait in all, {@code chatQueued} for its chat), and
     * a stranger's reply is then counted until {@link #strangerLeft}; else why it is refused.
     */
    TelegramException refusal(Outbox.Request request, int queued, int chatQueued) {
        Bound full = null;
        if (queued >= bounds.total()) {
            full = Bound.TOTAL;
        } else if (request.stranger() && strangers >= bounds.strangers()) {
            full = Bound.STRANGERS;
        } else if (request.queueChat() != null && chatQueued >= bounds.perChat()) {
            full = Bound.CHAT;
        }
        if (full != null) {
            return refuse(request, full, queued);
        }
        // a bound with room again ends its episode
        if (!refusing.isEmpty()) {
            refusing.removeIf(bound -> bound == Bound.TOTAL ? queued < bounds.total() / 2
                    : strangers < Math.max(1, bounds.strangers() / 2));
        }
        if (request.queueChat() != null && !refusingChats.isEmpty()) {
            refusingChats.remove(request.queueChat());
        }
        if (request.stranger()) {
            strangers++;
        }
        return null;
    }

    /** A stranger's reply left the queue (it is being sent). */
    void strangerLeft() {
        strangers--;
    }

    private TelegramException refuse(Outbox.Request request, Bound bound, int queued) {
        metrics.outboxRefused(bound.name().toLowerCase(Locale.ROOT));
        boolean first = bound == Bound.CHAT ? refusingChats.add(request.queueChat()) : refusing.add(bound);
        if (refusingChats.size() > 10_000) {
            refusingChats.clear(); // only for the log: at worst a chat's episode is logged twice
        }
        long now = nowMillis.getAsLong();
        if (first && now - lastRefusalLog.getOrDefault(bound, Long.MIN_VALUE / 2) < REFUSAL_LOG_INTERVAL_MILLIS) {
            first = false; // a flood that comes and goes is one line a minute, not one per wave
        }
        if (first) {
            lastRefusalLog.put(bound, now);
            switch (bound) {
                case TOTAL -> LOG.warn("The outbox holds {} calls (OUTBOX_MAX_TOTAL): new ones are refused until it drains", queued);
                case STRANGERS -> LOG.warn("{} replies to chats that are no team are waiting (OUTBOX_MAX_STRANGERS): further ones are "
                        + "dropped until they drain", strangers);
                case CHAT -> LOG.warn("Chat {} has {} messages waiting (OUTBOX_MAX_PER_CHAT): new ones for it are refused",
                        request.queueChat(), bounds.perChat());
            }
        }
        String what = switch (bound) {
            case TOTAL -> "the outbox is full";
            case STRANGERS -> "too many replies to chats that are no team are waiting";
            case CHAT -> "too many messages are waiting for this chat";
        };
        return TelegramException.refused(request.method(), what, 60);
    }
}
