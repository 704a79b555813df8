package dev.storyline.testing;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Telegram Bot API server for tests, speaking the real HTTP API: true long polling on
 * {@code getUpdates}, JSON, form and multipart requests, {@code Message} objects as Telegram builds
 * them, Telegram's validation errors, and injectable faults (429 with {@code retry_after}, 5xx,
 * delays, 403 for a chat the bot was removed from, supergroup migration, 409). The test side injects
 * what users do and reads the log of every call.
 *
 * <p>All state lives on the fake's own event loop; the test-facing methods hop onto it and wait.
 */
public final class FakeTelegram implements AutoCloseable {
    public static final long BOT_ID = 123456L;
    public static final String BOT_USERNAME = "StorylineTestBot";
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z-]+)([^>]*)>");
    private static final Set<String> HTML_TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code",
            "pre", "tg-spoiler", "blockquote", "span");
    private static final Set<String> MESSAGE_METHODS = Set.of("sendMessage", "sendPhoto", "sendVideo", "sendDocument", "editMessageText",
            "editMessageCaption", "editMessageReplyMarkup", "deleteMessage");

    /** One call as the fake received it. */
    public record Call(long atNanos, String method, JsonObject params, Long chatId) {
        public boolean isMessage() {
            return MESSAGE_METHODS.contains(method);
        }
    }

    /** A person in tests. */
    public record Person(long id, String firstName, String username) {
        public JsonObject json() {
            JsonObject json = new JsonObject().put("id", id).put("is_bot", false).put("first_name", firstName);
            return username == null ? json : json.put("username", username);
        }
    }

    private record Fault(int status, String description, Integer retryAfter, Long migrateTo) {
    }

    private record Poll(long offset, HttpServerResponse response, long timer) {
    }

    /** A queued update: its place in line, and the JSON delivered exactly as given (even without an update_id). */
    private record Queued(long id, JsonObject json) {
    }

    private final String token;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final Context context;
    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    // --- state, touched only on the fake's context ---
    private final List<Queued> updates = new ArrayList<>();
    private final List<Poll> polls = new ArrayList<>();
    private long nextUpdateId = 1000;
    private final Map<Long, Map<Long, JsonObject>> messages = new HashMap<>();
    private final Map<Long, Long> nextMessageId = new HashMap<>();
    private final Map<Long, JsonObject> chats = new HashMap<>();
    private final Map<Long, Set<Long>> admins = new HashMap<>();
    private final Set<String> left = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, JsonObject> callbacks = new HashMap<>();
    private final Map<String, JsonObject> answers = new HashMap<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    private final Set<Long> kicked = new HashSet<>();
    private final Map<Long, Long> migrated = new HashMap<>();
    private final Map<String, Path> files = new HashMap<>();
    private boolean conflict;
    /** Updates are queued but not handed out, see {@link #holdUpdates}. */
    private boolean held;
    private long delayMillis;
    private final Map<String, Long> holdBefore = new HashMap<>();
    private final Map<String, Long> holdReply = new HashMap<>();
    /** Calls parked until {@link #release}: key method@chat → the parked calls (null list = park the next ones). */
    private final Map<String, List<Runnable>> parked = new HashMap<>();
    private long nextCallbackId = 1;
    private long nextFileId = 1;

    public FakeTelegram(String token) {
        this.token = token;
        this.context = vertx.getOrCreateContext();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setUploadsDirectory(System.getProperty("java.io.tmpdir") + "/fake-telegram-uploads"));
        router.route("/bot:token/:method").handler(this::api);
        router.get("/file/bot:token/*").handler(this::download);
        this.server = onContext(() -> vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).await();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    // =====================================================================================
    // The test side: what people do, faults, and what the bot did
    // =====================================================================================

    public static JsonObject group(long id, String title) {
        return new JsonObject().put("id", id).put("type", id < -1_000_000_000_000L ? "supergroup" : "group").put("title", title);
    }

    public static JsonObject channel(long id, String title) {
        return new JsonObject().put("id", id).put("type", "channel").put("title", title);
    }

    public static JsonObject privateChat(Person person) {
        return new JsonObject().put("id", person.id()).put("type", "private").put("first_name", person.firstName());
    }

    /** Someone writes in a chat; a leading slash makes it a command, as Telegram marks it. */
    public long userSends(JsonObject chat, Person from, String text) {
        return run(() -> {
            registerChat(chat);
            JsonObject message = newMessage(chat, from.json()).put("text", text);
            if (text.startsWith("/")) {
                int end = text.indexOf(' ');
                message.put("entities", new JsonArray().add(new JsonObject().put("type", "bot_command").put("offset", 0)
                        .put("length", end < 0 ? text.length() : end)));
            }
            return enqueue(new JsonObject().put(chat.getString("type").equals("channel") ? "channel_post" : "message", message));
        });
    }

    /**
     * Someone sends a photo (Telegram keeps several sizes; the largest is the file) with a caption.
     * Each send is a new upload with its own file ids, as when a person picks the picture again.
     */
    public long userSendsPhoto(JsonObject chat, Person from, Path file, String caption) {
        return run(() -> {
            registerChat(chat);
            String id = "photo-" + nextFileId++;
            files.put(id, file);
            long size = size(file);
            JsonObject message = newMessage(chat, from.json()).put("photo", new JsonArray()
                    .add(new JsonObject().put("file_id", id + "-thumb").put("file_unique_id", "t" + id).put("width", 90)
                            .put("height", 160).put("file_size", 1000))
                    .add(new JsonObject().put("file_id", id).put("file_unique_id", "u" + id).put("width", 1080)
                            .put("height", 1920).put("file_size", size)));
            if (caption != null) {
                message.put("caption", caption);
            }
            return enqueue(new JsonObject().put("message", message));
        });
    }

    /** Someone sends a video (as a video, not a document): Telegram reports its duration and size, maybe no MIME type. */
    public long userSendsVideo(JsonObject chat, Person from, Path file, String caption, int seconds) {
        return run(() -> {
            registerChat(chat);
            String id = "vid-" + nextFileId++;
            files.put(id, file);
            JsonObject message = newMessage(chat, from.json()).put("video", new JsonObject().put("file_id", id)
                    .put("file_unique_id", "u" + id).put("width", 1080).put("height", 1920).put("duration", seconds)
                    .put("file_size", size(file)));
            if (caption != null) {
                message.put("caption", caption);
            }
            return enqueue(new JsonObject().put("message", message));
        });
    }

    /** Someone sends a file as a document (no compression), with the name and type their client reports. */
    public long userSendsDocument(JsonObject chat, Person from, Path file, String fileName, String mimeType, long reportedSize) {
        return run(() -> {
            registerChat(chat);
            String id = "doc-" + nextFileId++;
            files.put(id, file);
            JsonObject message = newMessage(chat, from.json()).put("document", new JsonObject().put("file_id", id)
                    .put("file_unique_id", "u" + id).put("file_name", fileName).put("mime_type", mimeType)
                    .put("file_size", reportedSize));
            return enqueue(new JsonObject().put("message", message));
        });
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A post in a channel (no sender user). */
    public long channelPost(JsonObject chat, String text) {
        return run(() -> {
            registerChat(chat);
            JsonObject message = newMessage(chat, null).put("text", text).put("sender_chat", chat);
            return enqueue(new JsonObject().put("channel_post", message));
        });
    }

    /** Someone presses an inline button of a message the bot sent; returns the callback query id. */
    public String userPresses(long chatId, Person from, long messageId, String data) {
        return run(() -> {
            JsonObject message = messages.getOrDefault(chatId, Map.of()).get(messageId);
            String id = "cb" + nextCallbackId++;
            JsonObject query = new JsonObject().put("id", id).put("from", from.json()).put("chat_instance", "ci" + chatId)
                    .put("data", data);
            if (message != null) {
                query.put("message", message.copy());
            }
            callbacks.put(id, query);
            enqueue(new JsonObject().put("callback_query", query));
            return id;
        });
    }

    /** The bot's own status in a chat changed ({@code member}, {@code administrator}, {@code left}, {@code kicked}). */
    public long botStatusChanged(JsonObject chat, Person by, String oldStatus, String newStatus) {
        return run(() -> {
            registerChat(chat);
            JsonObject bot = new JsonObject().put("id", BOT_ID).put("is_bot", true).put("first_name", "Storyline")
                    .put("username", BOT_USERNAME);
            if ("left".equals(newStatus) || "kicked".equals(newStatus)) {
                kicked.add(chat.getLong("id"));
            } else {
                kicked.remove(chat.getLong("id"));
            }
            return enqueue(new JsonObject().put("my_chat_member", new JsonObject()
                    .put("chat", chat).put("from", by.json()).put("date", now())
                    .put("old_chat_member", new JsonObject().put("user", bot).put("status", oldStatus))
                    .put("new_chat_member", new JsonObject().put("user", bot).put("status", newStatus))));
        });
    }

    /** Any JSON as an update, e.g. hostile or malformed ones. With {@code assignId} the fake numbers it. */
    public long rawUpdate(JsonObject update, boolean assignId) {
        return run(() -> {
            if (assignId) {
                return enqueue(update);
            }
            rememberCallback(update);
            long id = update.getValue("update_id") instanceof Number n ? n.longValue() : nextUpdateId++;
            updates.add(new Queued(id, update));
            flushPolls();
            return id;
        });
    }

    /** Updates from now on wait (polls stay parked) until {@link #releaseUpdates}, which answers them in one batch. */
    public void holdUpdates() {
        run(() -> held = true);
    }

    public void releaseUpdates() {
        run(() -> {
            held = false;
            flushPolls();
            return null;
        });
    }

    /** Many updates at once (benchmarks); the fake numbers them. */
    public void rawUpdates(List<JsonObject> batch) {
        run(() -> {
            for (JsonObject update : batch) {
                rememberCallback(update);
                long id = nextUpdateId++;
                updates.add(new Queued(id, update.put("update_id", id)));
            }
            flushPolls();
            return null;
        });
    }

    /** Telegram answers getChatMember for this person in this chat with "left". */
    public void setLeft(long chatId, long userId) {
        left.add(chatId + ":" + userId);
    }

    public void setAdmins(long chatId, long... userIds) {
        run(() -> {
            Set<Long> set = new HashSet<>();
            for (long id : userIds) {
                set.add(id);
            }
            admins.put(chatId, set);
            return null;
        });
    }

    /** The next {@code count} calls of {@code method} fail with this status and description. */
    public void failNext(String method, int count, int status, String description, Integer retryAfter) {
        run(() -> {
            Deque<Fault> queue = faults.computeIfAbsent(method, m -> new ArrayDeque<>());
            for (int i = 0; i < count; i++) {
                queue.add(new Fault(status, description, retryAfter, null));
            }
            return null;
        });
    }

    /** Every injected failure not used yet is forgotten (Telegram is well again). */
    public void clearFaults() {
        run(() -> {
            faults.clear();
            return null;
        });
    }

    /** Like {@link #failNext}, but only for calls to one chat (other chats' calls pass). */
    public void failNextIn(long chatId, String method, int count, int status, String description) {
        failNext(method + "@" + chatId, count, status, description, null);
    }

    /** Sends to this chat answer 403 from now on, as when the bot was kicked. */
    public void kick(long chatId) {
        run(() -> kicked.add(chatId));
    }

    /** The group became a supergroup: sends to the old id answer 400 with {@code migrate_to_chat_id}. */
    public void migrate(long oldChatId, long newChatId) {
        run(() -> migrated.put(oldChatId, newChatId));
    }

    /** {@code getUpdates} answers 409, as when another poller or a webhook is active. */
    public void conflict(boolean on) {
        run(() -> {
            conflict = on;
            return null;
        });
    }

    /** Every answer waits this long (network latency). */
    public void delay(long millis) {
        run(() -> {
            delayMillis = millis;
            return null;
        });
    }

    /** The next call of {@code method} to this chat is applied only after {@code millis}, and not at all if the caller is gone by then. */
    public void holdBefore(long chatId, String method, long millis) {
        run(() -> holdBefore.put(method + "@" + chatId, millis));
    }

    /** Calls of {@code method} to this chat are neither applied nor answered until {@link #release} (a slow Telegram). */
    public void park(long chatId, String method) {
        run(() -> parked.put(method + "@" + chatId, new ArrayList<>()));
    }

    /** Applies and answers the parked calls, and parks no more. */
    public void release(long chatId, String method) {
        run(() -> {
            List<Runnable> calls = parked.remove(method + "@" + chatId);
            if (calls != null) {
                calls.forEach(Runnable::run);
            }
            return null;
        });
    }

    /** How many calls are parked now. */
    public int parkedCalls(long chatId, String method) {
        return run(() -> parked.getOrDefault(method + "@" + chatId, List.of()).size());
    }

    /** The next call of {@code method} to this chat is applied at once, but answered only after {@code millis} (maybe never). */
    public void holdReply(long chatId, String method, long millis) {
        run(() -> holdReply.put(method + "@" + chatId, millis));
    }

    /** A file the bot can fetch with {@code getFile} and download. */
    public void file(String fileId, Path path) {
        run(() -> files.put(fileId, path));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Messages the bot sent to a chat, oldest first, as they look now (after edits). */
    public List<JsonObject> messagesIn(long chatId) {
        return run(() -> messages.getOrDefault(chatId, Map.of()).values().stream()
                .filter(m -> m.getJsonObject("from", new JsonObject()).getLong("id", 0L) == BOT_ID)
                .sorted((a, b) -> Long.compare(a.getLong("message_id"), b.getLong("message_id")))
                .map(JsonObject::copy).toList());
    }

    /** The text or caption of the bot's messages in a chat. */
    public List<String> textsIn(long chatId) {
        return messagesIn(chatId).stream().map(m -> m.getString("text", m.getString("caption", ""))).toList();
    }

    public JsonObject message(long chatId, long messageId) {
        return run(() -> {
            JsonObject message = messages.getOrDefault(chatId, Map.of()).get(messageId);
            return message == null ? null : message.copy();
        });
    }

    /** How a callback query was answered, or null. */
    public JsonObject answer(String callbackId) {
        return run(() -> answers.get(callbackId));
    }

    public long answersTo(String callbackId) {
        return calls("answerCallbackQuery").stream().filter(c -> callbackId.equals(c.params().getString("callback_query_id"))).count();
    }

    /** Updates not yet confirmed by a {@code getUpdates} with a higher offset. */
    public int unconfirmedUpdates() {
        return run(updates::size);
    }

    // =====================================================================================
    // The Bot API side
    // =====================================================================================

    private void api(RoutingContext ctx) {
        String method = ctx.pathParam("method");
        JsonObject params = params(ctx);
        Long chatId = chatIdOf(params);
        calls.add(new Call(System.nanoTime(), method, params, chatId));
        if (!token.equals(ctx.pathParam("token"))) {
            error(ctx, 401, "Unauthorized", null, null);
            return;
        }
        Runnable handle = () -> handle(ctx, method, params, chatId);
        Long before = chatId == null ? null : holdBefore.remove(method + "@" + chatId);
        List<Runnable> parking = chatId == null ? null : parked.get(method + "@" + chatId);
        if (parking != null) {
            parking.add(() -> {
                if (!ctx.response().closed()) {
                    handle.run();
                }
            });
        } else if (before != null) {
            // as if Telegram never got it: a caller that is gone by then (a crash) leaves nothing behind
            vertx.setTimer(before, t -> {
                if (!ctx.response().closed()) {
                    handle.run();
                }
            });
        } else if (delayMillis > 0) {
            vertx.setTimer(delayMillis, t -> handle.run());
        } else {
            handle.run();
        }
    }

    private void handle(RoutingContext ctx, String method, JsonObject params, Long chatId) {
        Deque<Fault> pending = chatId != null && faults.containsKey(method + "@" + chatId) && !faults.get(method + "@" + chatId).isEmpty()
                ? faults.get(method + "@" + chatId) : faults.get(method);
        if (pending != null && !pending.isEmpty()) {
            Fault fault = pending.poll();
            error(ctx, fault.status(), fault.description(), fault.retryAfter(), fault.migrateTo());
            return;
        }
        if (chatId != null && migrated.containsKey(chatId) && MESSAGE_METHODS.contains(method)) {
            error(ctx, 400, "Bad Request: group chat was upgraded to a supergroup chat", null, migrated.get(chatId));
            return;
        }
        if (chatId != null && kicked.contains(chatId) && MESSAGE_METHODS.contains(method)) {
            error(ctx, 403, "Forbidden: bot was kicked from the group chat", null, null);
            return;
        }
        try {
            switch (method) {
                case "getMe" -> ok(ctx, new JsonObject().put("id", BOT_ID).put("is_bot", true).put("first_name", "Storyline")
                        .put("username", BOT_USERNAME).put("can_join_groups", true).put("can_read_all_group_messages", false));
                case "deleteWebhook", "setMyCommands", "leaveChat", "setChatMenuButton" -> ok(ctx, true);
                case "getUpdates" -> getUpdates(ctx, params);
                case "sendMessage" -> ok(ctx, sendMessage(params));
                case "sendPhoto" -> ok(ctx, sendMedia(ctx, params, "photo"));
                case "sendVideo" -> ok(ctx, sendMedia(ctx, params, "video"));
                case "editMessageText" -> ok(ctx, edit(params, "text"));
                case "editMessageCaption" -> ok(ctx, edit(params, "caption"));
                case "editMessageReplyMarkup" -> ok(ctx, edit(params, null));
                case "deleteMessage" -> ok(ctx, deleteMessage(params));
                case "answerCallbackQuery" -> ok(ctx, answerCallback(params));
                case "getChat" -> ok(ctx, chat(params));
                case "getChatMemberCount" -> ok(ctx, 7);
                case "getChatAdministrators" -> ok(ctx, administrators(params));
                case "getChatMember" -> ok(ctx, member(params));
                case "getFile" -> ok(ctx, getFile(params));
                default -> error(ctx, 404, "Not Found: method not found", null, null);
            }
        } catch (BadRequest e) {
            error(ctx, 400, "Bad Request: " + e.getMessage(), null, null);
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private void getUpdates(RoutingContext ctx, JsonObject params) {
        if (conflict) {
            error(ctx, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", null, null);
            return;
        }
        long offset = params.getLong("offset", 0L);
        updates.removeIf(u -> u.id() < offset); // a higher offset confirms earlier updates
        List<JsonObject> ready = pendingFrom(offset);
        int timeout = params.getInteger("timeout", 0);
        if (!ready.isEmpty() || timeout <= 0) {
            ok(ctx, new JsonArray(new ArrayList<>(ready)));
            return;
        }
        HttpServerResponse response = ctx.response();
        long timer = vertx.setTimer(timeout * 1000L, t -> {
            polls.removeIf(p -> p.response() == response);
            if (!response.ended()) {
                okResponse(response, new JsonArray());
            }
        });
        polls.add(new Poll(offset, response, timer));
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            polls.removeIf(p -> p.response() == response);
        });
    }

    private List<JsonObject> pendingFrom(long offset) {
        if (held) {
            return List.of();
        }
        return updates.stream().filter(u -> u.id() >= offset).limit(100).map(Queued::json).toList();
    }

    private void flushPolls() {
        for (Iterator<Poll> it = polls.iterator(); it.hasNext(); ) {
            Poll poll = it.next();
            List<JsonObject> ready = pendingFrom(poll.offset());
            if (!ready.isEmpty()) {
                it.remove();
                vertx.cancelTimer(poll.timer());
                if (!poll.response().ended()) {
                    okResponse(poll.response(), new JsonArray(new ArrayList<>(ready)));
                }
            }
        }
    }

    private JsonObject sendMessage(JsonObject params) {
        long chatId = requireChat(params);
        String text = params.getString("text");
        if (text == null || text.isBlank()) {
            throw new BadRequest("message text is empty");
        }
        checkEntities(text, params.getString("parse_mode"));
        if (plain(text, params.getString("parse_mode")).length() > 4096) { // Telegram counts UTF-16 units after parsing
            throw new BadRequest("message is too long");
        }
        JsonObject markup = markup(params);
        JsonObject message = newMessage(chats.getOrDefault(chatId, new JsonObject().put("id", chatId).put("type", chatId > 0 ? "private" : "group")),
                botUser()).put("text", plain(text, params.getString("parse_mode")));
        if (markup != null) {
            message.put("reply_markup", markup);
        }
        return message.copy();
    }

    /** {@code sendPhoto} or {@code sendVideo} ({@code field} photo or video): multipart upload or a file id. */
    private JsonObject sendMedia(RoutingContext ctx, JsonObject params, String field) {
        long chatId = requireChat(params);
        List<FileUpload> uploads = ctx.fileUploads();
        String photoParam = params.getString(field);
        if (uploads.isEmpty() && (photoParam == null || photoParam.isBlank())) {
            throw new BadRequest("there is no " + field + " in the request");
        }
        if (!uploads.isEmpty() && !uploads.get(0).name().equals(field)) {
            throw new BadRequest("there is no " + field + " in the request");
        }
        if ("video".equals(field) && !uploads.isEmpty() && !uploads.get(0).contentType().startsWith("video/")) {
            throw new BadRequest("wrong type of the web page content");
        }
        String caption = params.getString("caption");
        if (caption != null) {
            checkEntities(caption, params.getString("parse_mode"));
        }
        if (caption != null && plain(caption, params.getString("parse_mode")).length() > 1024) {
            throw new BadRequest("message caption is too long");
        }
        long size = uploads.isEmpty() ? 0 : uploads.get(0).size();
        JsonObject markup = markup(params);
        JsonObject message = newMessage(chats.getOrDefault(chatId, new JsonObject().put("id", chatId).put("type", "group")), botUser());
        if ("video".equals(field)) {
            message.put("video", new JsonObject().put("file_id", "video-" + System.nanoTime()).put("file_unique_id", "v" + System.nanoTime())
                    .put("width", Integer.parseInt(String.valueOf(params.getValue("width", 1080))))
                    .put("height", Integer.parseInt(String.valueOf(params.getValue("height", 1920))))
                    .put("duration", Integer.parseInt(String.valueOf(params.getValue("duration", 10)))).put("mime_type", "video/mp4").put("file_size", size));
        } else {
            message.put("photo", new JsonArray().add(new JsonObject().put("file_id", "photo-" + System.nanoTime())
                    .put("file_unique_id", "u" + System.nanoTime()).put("width", 1080).put("height", 1920).put("file_size", size)));
        }
        if (caption != null) {
            message.put("caption", plain(caption, params.getString("parse_mode")));
        }
        if (markup != null) {
            message.put("reply_markup", markup);
        }
        return message.copy();
    }

    private Object edit(JsonObject params, String field) {
        long chatId = requireChat(params);
        JsonObject message = messages.getOrDefault(chatId, Map.of()).get(params.getLong("message_id", -1L));
        if (message == null) {
            throw new BadRequest("message to edit not found");
        }
        JsonObject markup = markup(params);
        if ("text".equals(field) && !message.containsKey("text")) {
            throw new BadRequest("there is no text in the message to edit");
        }
        if ("caption".equals(field) && !message.containsKey("photo") && !message.containsKey("video")) {
            throw new BadRequest("there is no caption in the message to edit");
        }
        String newValue = field == null ? null : params.getString(field);
        if (field != null) {
            if (newValue == null || newValue.isBlank()) {
                throw new BadRequest("message " + field + " is empty");
            }
            checkEntities(newValue, params.getString("parse_mode"));
            newValue = plain(newValue, params.getString("parse_mode"));
            if (newValue.length() > ("caption".equals(field) ? 1024 : 4096)) {
                throw new BadRequest("caption".equals(field) ? "message caption is too long" : "message is too long");
            }
        }
        boolean sameContent = field == null || Objects.equals(message.getString(field), newValue);
        if (sameContent && Objects.equals(message.getJsonObject("reply_markup"), markup)) {
            throw new BadRequest("message is not modified: specified new message content and reply markup are exactly the same "
                    + "as a current content and reply markup of the message");
        }
        if (field != null) {
            message.put(field, newValue);
        }
        if (markup == null) {
            message.remove("reply_markup");
        } else {
            message.put("reply_markup", markup);
        }
        message.put("edit_date", now());
        return message.copy();
    }

    private boolean deleteMessage(JsonObject params) {
        long chatId = requireChat(params);
        if (messages.getOrDefault(chatId, new HashMap<>()).remove(params.getLong("message_id", -1L)) == null) {
            throw new BadRequest("message to delete not found");
        }
        return true;
    }

    private boolean answerCallback(JsonObject params) {
        String id = params.getString("callback_query_id");
        if (id == null || !callbacks.containsKey(id) || answers.containsKey(id)) {
            throw new BadRequest("query is too old and response timeout expired or query ID is invalid");
        }
        answers.put(id, params.copy());
        return true;
    }

    private JsonObject chat(JsonObject params) {
        long chatId = requireChat(params);
        JsonObject chat = chats.get(chatId);
        if (chat == null) {
            throw new BadRequest("chat not found");
        }
        return chat.copy();
    }

    private JsonArray administrators(JsonObject params) {
        long chatId = requireChat(params);
        JsonArray list = new JsonArray();
        for (long id : admins.getOrDefault(chatId, Set.of())) {
            list.add(new JsonObject().put("status", "administrator")
                    .put("user", new JsonObject().put("id", id).put("is_bot", false).put("first_name", "Admin" + id)));
        }
        return list;
    }

    private JsonObject member(JsonObject params) {
        long chatId = requireChat(params);
        long userId = params.getLong("user_id", 0L);
        String status = admins.getOrDefault(chatId, Set.of()).contains(userId) ? "administrator"
                : left.contains(chatId + ":" + userId) ? "left" : "member";
        return new JsonObject().put("status", status).put("user", new JsonObject().put("id", userId).put("is_bot", false)
                .put("first_name", "User" + userId));
    }

    private JsonObject getFile(JsonObject params) {
        String id = params.getString("file_id");
        Path path = files.get(id);
        if (path == null) {
            throw new BadRequest("invalid file_id");
        }
        try {
            if (Files.size(path) > 20L * 1024 * 1024) {
                throw new BadRequest("file is too big");
            }
            return new JsonObject().put("file_id", id).put("file_unique_id", "u-" + id).put("file_size", Files.size(path))
                    .put("file_path", "photos/" + id + ".jpg");
        } catch (java.io.IOException e) {
            throw new BadRequest("file is unavailable");
        }
    }

    private void download(RoutingContext ctx) {
        calls.add(new Call(System.nanoTime(), "download", new JsonObject().put("path", ctx.pathParam("*")), null));
        if (!token.equals(ctx.pathParam("token"))) {
            ctx.response().setStatusCode(401).end();
            return;
        }
        String name = ctx.pathParam("*");
        String id = name.replaceFirst("^photos/", "").replaceFirst("\\.jpg$", "");
        Path path = files.get(id);
        if (path == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        ctx.response().sendFile(path.toString());
    }

    // --- helpers on the fake's context ---

    private long enqueue(JsonObject update) {
        rememberCallback(update);
        long id = nextUpdateId++;
        updates.add(new Queued(id, update.put("update_id", id)));
        flushPolls();
        return id;
    }

    /** A callback query in any update can be answered once, as at Telegram. */
    private void rememberCallback(JsonObject update) {
        if (update.getValue("callback_query") instanceof JsonObject query && query.getString("id") != null) {
            callbacks.putIfAbsent(query.getString("id"), query);
        }
    }

    private void registerChat(JsonObject chat) {
        chats.putIfAbsent(chat.getLong("id"), chat.copy());
    }

    private JsonObject newMessage(JsonObject chat, JsonObject from) {
        long chatId = chat.getLong("id");
        long id = nextMessageId.merge(chatId, 1L, Long::sum);
        JsonObject message = new JsonObject().put("message_id", id).put("date", now()).put("chat", chat.copy());
        if (from != null) {
            message.put("from", from);
        }
        messages.computeIfAbsent(chatId, c -> new HashMap<>()).put(id, message);
        return message;
    }

    private static JsonObject botUser() {
        return new JsonObject().put("id", BOT_ID).put("is_bot", true).put("first_name", "Storyline").put("username", BOT_USERNAME);
    }

    private static long requireChat(JsonObject params) {
        Long chatId = chatIdOf(params);
        if (chatId == null) {
            throw new BadRequest("chat_id is empty");
        }
        return chatId;
    }

    private static Long chatIdOf(JsonObject params) {
        Object value = params.getValue("chat_id");
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text && text.matches("-?\\d+")) {
            return Long.parseLong(text);
        }
        return null;
    }

    private static JsonObject markup(JsonObject params) {
        Object raw = params.getValue("reply_markup");
        if (raw == null) {
            return null;
        }
        JsonObject markup = raw instanceof JsonObject json ? json : new JsonObject(String.valueOf(raw));
        JsonArray keyboard = markup.getJsonArray("inline_keyboard");
        if (keyboard != null) {
            for (Object row : keyboard) {
                for (Object button : (JsonArray) row) {
                    String data = ((JsonObject) button).getString("callback_data");
                    if (data != null && (data.isEmpty() || data.getBytes(StandardCharsets.UTF_8).length > 64)) {
                        throw new BadRequest("BUTTON_DATA_INVALID");
                    }
                }
            }
            if (keyboard.isEmpty()) {
                return null;
            }
        }
        return markup;
    }

    /** Telegram's HTML parse mode: only its tags, balanced, and '&' only in entities. */
    private static void checkEntities(String text, String parseMode) {
        if (!"HTML".equals(parseMode)) {
            return;
        }
        Deque<String> open = new ArrayDeque<>();
        Matcher matcher = TAG.matcher(text);
        int last = 0;
        while (matcher.find()) {
            if (text.substring(last, matcher.start()).contains("<") || text.substring(last, matcher.start()).contains(">")) {
                throw new BadRequest("can't parse entities: unsupported start tag at byte offset " + last);
            }
            String name = matcher.group(2).toLowerCase();
            if (!HTML_TAGS.contains(name)) {
                throw new BadRequest("can't parse entities: unsupported start tag \"" + name + "\" at byte offset " + matcher.start());
            }
            if (matcher.group(1).isEmpty()) {
                open.push(name);
            } else if (open.isEmpty() || !open.pop().equals(name)) {
                throw new BadRequest("can't parse entities: unmatched end tag at byte offset " + matcher.start());
            }
            last = matcher.end();
        }
        if (text.substring(last).contains("<") || !open.isEmpty()) {
            throw new BadRequest("can't parse entities: unclosed start tag");
        }
        if (Pattern.compile("&(?!(amp|lt|gt|quot|#\\d+);)").matcher(text).find()) {
            throw new BadRequest("can't parse entities: unsupported entity");
        }
    }

    /** What the user sees: the text without HTML tags and with entities resolved. */
    private static String plain(String text, String parseMode) {
        if (!"HTML".equals(parseMode)) {
            return text;
        }
        return TAG.matcher(text).replaceAll("").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static JsonObject params(RoutingContext ctx) {
        JsonObject params = new JsonObject();
        ctx.queryParams().forEach(params::put);
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && contentType.startsWith("application/json") && ctx.body().length() > 0) {
            params.mergeIn(ctx.body().asJsonObject());
        } else {
            ctx.request().formAttributes().forEach(params::put);
        }
        return params;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private void ok(RoutingContext ctx, Object result) {
        Long chatId = holdReply.isEmpty() ? null : chatIdOf(params(ctx));
        Long late = chatId == null ? null : holdReply.remove(ctx.pathParam("method") + "@" + chatId);
        if (late != null) {
            vertx.setTimer(late, t -> {
                if (!ctx.response().closed()) {
                    okResponse(ctx.response(), result);
                }
            });
            return;
        }
        okResponse(ctx.response(), result);
    }

    private static void okResponse(HttpServerResponse response, Object result) {
        response.putHeader("Content-Type", "application/json").end(new JsonObject().put("ok", true).put("result", result).encode());
    }

    private static void error(RoutingContext ctx, int status, String description, Integer retryAfter, Long migrateTo) {
        JsonObject body = new JsonObject().put("ok", false).put("error_code", status).put("description", description);
        JsonObject parameters = new JsonObject();
        if (retryAfter != null) {
            parameters.put("retry_after", retryAfter);
        }
        if (migrateTo != null) {
            parameters.put("migrate_to_chat_id", migrateTo);
        }
        if (!parameters.isEmpty()) {
            body.put("parameters", parameters);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private <T> T run(Supplier<T> action) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            try {
                promise.complete(action.get());
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        });
        return promise.future().await();
    }

    private <T> io.vertx.core.Future<T> onContext(Supplier<io.vertx.core.Future<T>> action) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }
}
