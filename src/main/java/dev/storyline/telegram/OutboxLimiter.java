package dev.storyline.telegram;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Telegram's sending limits as arithmetic on millisecond timestamps: at most {@code 30} messages in
 * any second overall, one per second to a chat, {@code 20} new messages a minute to a group or
 * channel, and pauses after a 429. Telegram counts a message when it arrives, which is somewhere
 * between our start and the answer; so a message in flight occupies a place in the window, and its
 * time in the window is when its answer came. That way no jitter can squeeze one message too many
 * into a second as Telegram measures it. Owned by one actor: not thread-safe.
 */
public final class OutboxLimiter {

    public record Limits(int globalPerWindow, long globalWindowMillis, long chatIntervalMillis,
                         int groupPerWindow, long groupWindowMillis) {
        /** Telegram's published limits, each with a margin. */
        public static final Limits TELEGRAM = new Limits(30, 1_050, 1_050, 20, 61_000);
    }

    private static final class ChatState {
        long lastAt = Long.MIN_VALUE / 2;
        long blockedUntil;
        final ArrayDeque<Long> newMessages = new ArrayDeque<>();
    }

    private final Limits limits;
    private final ArrayDeque<Long> global = new ArrayDeque<>();
    private int messagesInFlight;
    private final Map<Long, ChatState> chats = new HashMap<>();
    private long globalBlockedUntil;

    public OutboxLimiter(Limits limits) {
        this.limits = limits;
    }

    /** Group chats, supergroups and channels have negative ids; private chats are users (positive). */
    public static boolean isGroup(long chatId) {
        return chatId < 0;
    }

    /**
     * The earliest time a call may start. {@code message} = it counts as a message (send, edit,
     * delete); {@code newMessage} = a send, which also counts against a group's minute.
     */
    public long readyAt(Long chatId, boolean message, boolean newMessage, long now) {
        long ready = Math.max(now, globalBlockedUntil);
        if (message) {
            ready = Math.max(ready, globalReadyAt(now));
        }
        if (chatId != null) {
            ChatState chat = chats.get(chatId);
            if (chat != null) {
                ready = Math.max(ready, chat.blockedUntil);
                if (message) {
                    ready = Math.max(ready, chat.lastAt + limits.chatIntervalMillis());
                }
                if (newMessage && isGroup(chatId)) {
                    prune(chat.newMessages, now, limits.groupWindowMillis());
                    if (chat.newMessages.size() >= limits.groupPerWindow()) {
                        ready = Math.max(ready, chat.newMessages.peekFirst() + limits.groupWindowMillis());
                    }
                }
            }
        }
        return ready;
    }

    /** When the next message may start as far as the global limit is concerned. */
    public long globalReadyAt(long now) {
        prune(global, now, limits.globalWindowMillis());
        long ready = Math.max(now, globalBlockedUntil);
        if (global.size() + messagesInFlight >= limits.globalPerWindow()) {
            // all places taken by messages in flight: the next answer frees one
            ready = global.isEmpty() ? Long.MAX_VALUE : Math.max(ready, global.peekFirst() + limits.globalWindowMillis());
        }
        return ready;
    }

    /** A call started: until it ends it holds a place in the global window. */
    public void started(boolean message) {
        if (message) {
            messagesInFlight++;
        }
    }

    /** A call ended now (answered or failed): from now on it counts in the windows. */
    public void finished(Long chatId, boolean message, boolean newMessage, long now) {
        if (message) {
            messagesInFlight--;
            global.addLast(now);
        }
        if (chatId != null && message) {
            ChatState chat = chats.computeIfAbsent(chatId, id -> new ChatState());
            chat.lastAt = now;
            if (newMessage && isGroup(chatId)) {
                chat.newMessages.addLast(now);
            }
        }
    }

    /** A 429 for one chat: nothing goes to it before {@code until}. */
    public void blockChat(long chatId, long until) {
        ChatState chat = chats.computeIfAbsent(chatId, id -> new ChatState());
        chat.blockedUntil = Math.max(chat.blockedUntil, until);
    }

    /** A 429 without a chat: nothing goes anywhere before {@code until}. */
    public void blockAll(long until) {
        globalBlockedUntil = Math.max(globalBlockedUntil, until);
    }

    /** Forgets chats that no limit remembers any more, so the map does not grow with every chat ever seen. */
    public void forgetIdle(long now) {
        for (Iterator<ChatState> it = chats.values().iterator(); it.hasNext(); ) {
            ChatState chat = it.next();
            prune(chat.newMessages, now, limits.groupWindowMillis());
            if (chat.newMessages.isEmpty() && chat.blockedUntil <= now && chat.lastAt + limits.chatIntervalMillis() <= now) {
                it.remove();
            }
        }
    }

    int trackedChats() {
        return chats.size();
    }

    private static void prune(ArrayDeque<Long> window, long now, long length) {
        while (!window.isEmpty() && window.peekFirst() + length <= now) {
            window.removeFirst();
        }
    }
}
