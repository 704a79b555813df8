package dev.storyline.telegram;

import dev.storyline.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Every call to Telegram goes through here, so no limit is ever exceeded (lessons.md): calls wait
 * in a queue per chat; answers and edits go before new messages; each chat has one call in flight
 * at a time (so a send and its later edit stay in order); the {@link OutboxLimiter} decides when the
 * next may start. A 429 holds back its chat (or everything) for {@code retry_after}; 5xx and
 * network errors back off and retry; a migration moves the chat's queue to the new id; a 403 tells
 * the {@link Listener} the bot was removed. Runs on the Telegram verticle's event loop.
 *
 * <p>Bounded (D26): a chat's queue, the whole queue and the replies to chats that are no team
 * ({@link Request#stranger}) each have a limit; a call past one is refused at once (a stranger's reply
 * is dropped), with one log line per episode ({@link OutboxGate}), so no flood can fill the heap or starve the teams.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final Set<String> NEW_MESSAGES = Set.of("sendMessage", "sendPhoto", "sendVideo", "sendDocument");
    private static final Set<String> MESSAGES = Set.of("sendMessage", "sendPhoto", "sendVideo", "sendDocument", "editMessageText",
            "editMessageCaption", "editMessageReplyMarkup", "deleteMessage");
    private static final int MAX_IN_FLIGHT = 32;
    private static final int MAX_TRANSIENT_ATTEMPTS = 5;
    private static final int MAX_RATE_LIMITED = 20;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final long WAKE_SLACK_MILLIS = 50;

    /** What the bot must do about what Telegram said. */
    public interface Listener {
        /** The group became a supergroup: move the tenant. Queued calls follow once this completes. */
        Future<Void> chatMigrated(long fromChatId, long toChatId);

        /** 403: the bot was kicked from the chat or blocked by the user. */
        void botRemoved(long chatId, String description);

        void rateLimited(long chatId, int retryAfterSeconds);
    }

    /**
     * One call: a JSON method, or an upload when {@code file} is set. {@code once}: after a 5xx or a
     * network error the call may have arrived anyway, so it is not sent again; the caller decides.
     */
    public record Request(String method, Long chatId, JsonObject params, Path file, String fileField, String mimeType, boolean once,
                          boolean stranger) {
        public static Request json(String method, JsonObject params) {
            Object chat = params.getValue("chat_id");
            return new Request(method, chat instanceof Number n ? n.longValue() : null, params, null, null, null, false, false);
        }

        public static Request upload(String method, JsonObject params, String fileField, Path file, String mimeType) {
            Object chat = params.getValue("chat_id");
            return new Request(method, chat instanceof Number n ? n.longValue() : null, params, file, fileField, mimeType, false, false);
        }

        public Request once(boolean value) {
            return new Request(method, chatId, params, file, fileField, mimeType, value, stranger);
        }

        /** A reply to a chat that is no team: it waits only within the strangers' small budget, else it is dropped. */
        public Request stranger(boolean value) {
            return new Request(method, chatId, params, file, fileField, mimeType, once, value);
        }

        boolean message() {
            return MESSAGES.contains(method);
        }

        boolean newMessage() {
            return NEW_MESSAGES.contains(method);
        }

        /** Answers and edits go first: a person is waiting for them. */
        boolean urgent() {
            return !newMessage();
        }

        /**
         * The chat whose queue this call waits in: messages only. Reads and answers have no order
         * to keep with a chat's messages, so they never wait behind its one-a-second spacing.
         */
        Long queueChat() {
            return message() ? chatId : null;
        }
    }

    private static final class Job {
        Request request;
        final Promise<Object> promise = Promise.promise();
        final long enqueuedAt;
        boolean countedAsStranger;
        int transientFailures;
        int rateLimited;
        long notBefore;

        Job(Request request, long now) {
            this.request = request;
            this.enqueuedAt = now;
        }
    }

    private static final class ChatQueue {
        final Deque<Job> urgent = new ArrayDeque<>();
        final Deque<Job> normal = new ArrayDeque<>();
        boolean inFlight;

        boolean isEmpty() {
            return urgent.isEmpty() && normal.isEmpty();
        }

        int size() {
            return urgent.size() + normal.size();
        }
    }


    private final Vertx vertx;
    private final TelegramClient client;
    private final OutboxLimiter limiter;
    private final LongSupplier nowMillis;
    private final Listener listener;
    private final TelegramMetrics metrics;
    private final OutboxGate gate;
    private final Deque<Job> chatless = new ArrayDeque<>();
    private final Map<Long, ChatQueue> chats = new LinkedHashMap<>();
    private int inFlight;
    private int queued;
    private long wakeTimer = -1;
    private long wakeAt = Long.MAX_VALUE;
    private boolean pumping;

    public Outbox(Vertx vertx, TelegramClient client, OutboxLimiter limiter, LongSupplier nowMillis, Listener listener,
                  TelegramMetrics metrics, AppConfig.OutboxBounds bounds) {
        this.vertx = vertx;
        this.gate = new OutboxGate(bounds, metrics, nowMillis);
        this.client = client;
        this.limiter = limiter;
        this.nowMillis = nowMillis;
        this.listener = listener;
        this.metrics = metrics;
        vertx.setPeriodic(60_000, id -> limiter.forgetIdle(nowMillis.getAsLong()));
    }

    /** Queues a call; completes with Telegram's {@code result} (for an unchanged edit: {@code true}). */
    public Future<Object> submit(Request request) {
        ChatQueue chat = request.queueChat() == null ? null : chats.get(request.queueChat());
        TelegramException refused = gate.refusal(request, queued, chat == null ? 0 : chat.size());
        if (refused != null) {
            return Future.failedFuture(refused);
        }
        fitToLimits(request.params());
        Job job = new Job(request, nowMillis.getAsLong());
        job.countedAsStranger = request.stranger();
        enqueue(job, false);
        pump();
        return job.promise.future();
    }

    /**
     * The last guard of D25: an HTML text or caption longer than Telegram shows is cut at a whole line
     * (the story caption is built to fit already; this catches a long list or an unexpected reason).
     */
    private static void fitToLimits(JsonObject params) {
        if (!"HTML".equals(params.getString("parse_mode"))) {
            return;
        }
        if (params.getValue("text") instanceof String text) {
            params.put("text", Html.fit(text, Html.MAX_TEXT));
        }
        if (params.getValue("caption") instanceof String caption) {
            params.put("caption", Html.fit(caption, Html.MAX_CAPTION));
        }
    }

    /** Calls waiting (not in flight). */
    public int queued() {
        return queued;
    }

    private void enqueue(Job job, boolean front) {
        queued++;
        metrics.outboxQueued(queued);
        if (job.request.queueChat() == null) {
            if (front) {
                chatless.addFirst(job);
            } else {
                chatless.addLast(job);
            }
            return;
        }
        ChatQueue queue = chats.computeIfAbsent(job.request.queueChat(), id -> new ChatQueue());
        Deque<Job> deque = job.request.urgent() ? queue.urgent : queue.normal;
        if (front) {
            deque.addFirst(job);
        } else {
            deque.addLast(job);
        }
    }

    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            long now = nowMillis.getAsLong();
            while (inFlight < MAX_IN_FLIGHT) {
                Job job = next(now);
                if (job == null) {
                    break;
                }
                dispatch(job, now);
            }
            scheduleWake(now);
        } finally {
            pumping = false;
        }
    }

    /** The next call that may start now: chatless first, then urgent work of any chat, then new messages. */
    private Job next(long now) {
        for (Iterator<Job> it = chatless.iterator(); it.hasNext(); ) {
            Job job = it.next();
            if (ready(job, now) <= now) {
                it.remove();
                queued--;
                return job;
            }
        }
        if (limiter.globalReadyAt(now) > now) {
            return null; // chat queues hold only messages, and none may start before the window frees
        }
        for (int pass = 0; pass < 2; pass++) {
            for (Iterator<Map.Entry<Long, ChatQueue>> it = chats.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, ChatQueue> entry = it.next();
                ChatQueue queue = entry.getValue();
                if (queue.inFlight) {
                    continue;
                }
                if (queue.isEmpty()) {
                    it.remove();
                    continue;
                }
                Deque<Job> deque = pass == 0 ? queue.urgent : queue.normal;
                Job job = deque.peekFirst();
                if (job == null || ready(job, now) > now) {
                    continue;
                }
                deque.pollFirst();
                queued--;
                // round robin: this chat goes to the back of the line
                it.remove();
                chats.put(entry.getKey(), queue);
                return job;
            }
        }
        return null;
    }

    private long ready(Job job, long now) {
        Request r = job.request;
        return Math.max(job.notBefore, limiter.readyAt(r.queueChat(), r.message(), r.newMessage(), now));
    }

    private void scheduleWake(long now) {
        if (wakeTimer != -1 && wakeAt - now <= WAKE_SLACK_MILLIS) {
            return; // a wake-up is due any moment; scanning every chat again would only cost time
        }
        long earliest = Long.MAX_VALUE;
        for (Job job : chatless) {
            earliest = Math.min(earliest, ready(job, now));
        }
        long globalReady = limiter.globalReadyAt(now);
        if (globalReady > now && !chats.isEmpty()) {
            // no message may start before the window frees: wake then (or on the next answer) and look again
            earliest = Math.min(earliest, globalReady);
        } else {
            for (ChatQueue queue : chats.values()) {
                if (!queue.inFlight) {
                    earliest = Math.min(earliest, Math.min(head(queue.urgent, now), head(queue.normal, now)));
                }
            }
        }
        if (earliest == Long.MAX_VALUE || inFlight >= MAX_IN_FLIGHT) {
            return; // waiting for an answer: its completion pumps again
        }
        if (wakeTimer != -1 && wakeAt <= earliest) {
            return;
        }
        if (wakeTimer != -1) {
            vertx.cancelTimer(wakeTimer);
        }
        wakeAt = earliest;
        wakeTimer = vertx.setTimer(Math.max(1, earliest - now), id -> {
            wakeTimer = -1;
            wakeAt = Long.MAX_VALUE;
            pump();
        });
    }

    private long head(Deque<Job> deque, long now) {
        Job job = deque.peekFirst();
        return job == null ? Long.MAX_VALUE : ready(job, now);
    }

    private void dispatch(Job job, long now) {
        Request r = job.request;
        if (job.countedAsStranger) {
            job.countedAsStranger = false;
            gate.strangerLeft();
        }
        limiter.started(r.message());
        inFlight++;
        ChatQueue queue = r.queueChat() == null ? null : chats.computeIfAbsent(r.queueChat(), id -> new ChatQueue());
        if (queue != null) {
            queue.inFlight = true;
        }
        Future<Object> call = r.file() == null
                ? client.call(r.method(), r.params())
                : client.upload(r.method(), r.params(), r.fileField(), r.file(), r.mimeType());
        call.onComplete(result -> {
            limiter.finished(r.chatId(), r.message(), r.newMessage(), nowMillis.getAsLong());
            inFlight--;
            if (queue != null) {
                queue.inFlight = false;
            }
            if (result.succeeded()) {
                metrics.sent(r.method());
                job.promise.complete(result.result());
            } else {
                failed(job, result.cause());
            }
            pump();
        });
    }

    private void failed(Job job, Throwable cause) {
        Request r = job.request;
        long now = nowMillis.getAsLong();
        TelegramException e = cause instanceof TelegramException t ? t : TelegramException.network(r.method(), String.valueOf(cause.getMessage()));
        if (e.isNotModified()) {
            job.promise.complete(Boolean.TRUE);
            return;
        }
        if (e.migrateToChatId() != null && r.chatId() != null) {
            migrate(job, r.chatId(), e.migrateToChatId());
            return;
        }
        switch (e.kind()) {
            case RATE_LIMITED -> {
                int seconds = e.retryAfterSeconds() == null ? 1 : Math.max(1, e.retryAfterSeconds());
                metrics.rateLimited();
                listener.rateLimited(r.chatId() == null ? 0 : r.chatId(), seconds);
                if (r.chatId() != null) {
                    limiter.blockChat(r.chatId(), now + seconds * 1000L);
                } else {
                    limiter.blockAll(now + seconds * 1000L);
                }
                if (++job.rateLimited > MAX_RATE_LIMITED) {
                    job.promise.fail(e);
                } else {
                    LOG.info("Telegram asked to wait {} s before {} to chat {}", seconds, r.method(), r.chatId());
                    enqueue(job, true);
                }
            }
            case SERVER, NETWORK -> {
                if (r.once() || ++job.transientFailures >= MAX_TRANSIENT_ATTEMPTS) {
                    job.promise.fail(e);
                } else {
                    long backoff = Math.min(MAX_BACKOFF_MILLIS, 1000L << (job.transientFailures - 1));
                    LOG.warn("{}; retrying in {} ms", e.getMessage(), backoff);
                    job.notBefore = now + backoff;
                    enqueue(job, true);
                }
            }
            case FORBIDDEN -> {
                if (r.chatId() != null) {
                    listener.botRemoved(r.chatId(), e.description());
                }
                job.promise.fail(e);
            }
            default -> job.promise.fail(e);
        }
    }

    /** Moves this call and everything queued for the old chat to the new chat id, once the tenant moved. */
    private void migrate(Job job, long from, long to) {
        List<Job> moving = new ArrayList<>();
        moving.add(job);
        ChatQueue old = chats.remove(from);
        if (old != null) {
            moving.addAll(old.urgent);
            moving.addAll(old.normal);
            queued -= old.urgent.size() + old.normal.size();
        }
        listener.chatMigrated(from, to).onComplete(done -> {
            if (done.failed()) {
                LOG.error("Moving chat {} to {} failed: {}", from, to, done.cause().getMessage());
            }
            for (Job moved : moving) {
                Request r = moved.request;
                JsonObject params = r.params().copy().put("chat_id", to);
                moved.request = new Request(r.method(), to, params, r.file(), r.fileField(), r.mimeType(), r.once(), r.stranger());
                enqueue(moved, false);
            }
            pump();
        });
    }
}
