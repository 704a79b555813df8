package dev.storyline.bot;

import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.telegram.Outbox;
import dev.storyline.telegram.TelegramException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the bot talks: HTML messages, edits, answers and keyboards, all through the outbox. Sending is
 * a hand-off: the returned future completes once the call is queued, so an update's handling never
 * waits for Telegram's rate limits; a failed delivery is logged. Reads that need Telegram's answer
 * ({@link #administrators}, {@link #memberCount}, {@link #chat}) do wait for it.
 */
public final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
    private static final int STRANGERS_REMEMBERED = 10_000;
    private final Outbox outbox;
    /** Chats last seen as no team, most recent last; bounded, so a flood of private chats cannot grow it. */
    private final Map<Long, Boolean> strangers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > STRANGERS_REMEMBERED;
        }
    };

    public Replies(Outbox outbox) {
        this.outbox = outbox;
    }

    /** What the bot learned of a chat while handling its update: is it no team (so its replies are best effort)? */
    public void stranger(long chatId, boolean stranger) {
        if (stranger) {
            strangers.put(chatId, Boolean.TRUE);
        } else {
            strangers.remove(chatId);
        }
    }

    private Outbox.Request message(JsonObject params) {
        Object chat = params.getValue("chat_id");
        return Outbox.Request.json("sendMessage", params).stranger(chat instanceof Number n && strangers.containsKey(n.longValue()));
    }

    public Future<Void> send(long chatId, String html) {
        return send(chatId, html, null);
    }

    public Future<Void> send(long chatId, String html, JsonObject markup) {
        return handOff(deliver(chatId, html, markup), "sendMessage", chatId);
    }

    /** Answers a message as a reply to it (the answer quotes it; fine if it was deleted meanwhile). */
    public Future<Void> reply(long chatId, long messageId, String html) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("text", html).put("parse_mode", "HTML")
                .put("link_preview_options", new JsonObject().put("is_disabled", true))
                .put("reply_parameters", new JsonObject().put("message_id", messageId).put("allow_sending_without_reply", true));
        return handOff(outbox.submit(message(params)), "sendMessage", chatId);
    }

    /** Sends and completes when Telegram has the message (for the shutdown notice, which must go out before we close). */
    public Future<Object> deliver(long chatId, String html, JsonObject markup) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("text", html).put("parse_mode", "HTML")
                .put("link_preview_options", new JsonObject().put("is_disabled", true));
        if (markup != null) {
            params.put("reply_markup", markup);
        }
        return outbox.submit(message(params));
    }

    /** Asks a person for a value; Telegram's force_reply makes their answer reach the bot even in privacy mode. */
    public Future<Void> ask(long chatId, String html, Long replyToMessageId) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("text", html).put("parse_mode", "HTML")
                .put("reply_markup", new JsonObject().put("force_reply", true).put("selective", true));
        if (replyToMessageId != null) {
            params.put("reply_parameters", new JsonObject().put("message_id", replyToMessageId).put("allow_sending_without_reply", true));
        }
        return handOff(outbox.submit(message(params)), "sendMessage", chatId);
    }

    /** Edits a text message in place; an edit that would change nothing counts as done. */
    public Future<Void> edit(long chatId, long messageId, String html, JsonObject markup) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("message_id", messageId).put("text", html)
                .put("parse_mode", "HTML").put("link_preview_options", new JsonObject().put("is_disabled", true));
        if (markup != null) {
            params.put("reply_markup", markup);
        }
        return handOff(outbox.submit(Outbox.Request.json("editMessageText", params)), "editMessageText", chatId);
    }

    /** Answers a button press: exactly once per press, by the caller's discipline. */
    public Future<Void> answer(String callbackId, String text, boolean alert) {
        JsonObject params = new JsonObject().put("callback_query_id", callbackId).put("show_alert", alert);
        if (text != null) {
            params.put("text", Html.shorten(text, 200));
        }
        return handOff(outbox.submit(Outbox.Request.json("answerCallbackQuery", params)), "answerCallbackQuery", null);
    }

    private static Future<Void> handOff(Future<Object> call, String method, Long chatId) {
        // a call the outbox refused for its bounds was logged there once; a flood must not become a flood of log lines
        call.onFailure(e -> {
            if (!(e instanceof TelegramException t && t.refusedHere())) {
                LOG.warn("{} to chat {} failed: {}", method, chatId, e.getMessage());
            }
        });
        return Future.succeededFuture();
    }

    public Future<JsonArray> administrators(long chatId) {
        return outbox.submit(Outbox.Request.json("getChatAdministrators", new JsonObject().put("chat_id", chatId)))
                .map(JsonArray.class::cast);
    }

    public Future<Integer> memberCount(long chatId) {
        return outbox.submit(Outbox.Request.json("getChatMemberCount", new JsonObject().put("chat_id", chatId)))
                .map(r -> ((Number) r).intValue());
    }

    public Future<JsonObject> chat(long chatId) {
        return outbox.submit(Outbox.Request.json("getChat", new JsonObject().put("chat_id", chatId))).map(JsonObject.class::cast);
    }

    public static JsonObject keyboard(List<List<JsonObject>> rows) {
        JsonArray keyboard = new JsonArray();
        rows.forEach(row -> keyboard.add(new JsonArray(row)));
        return new JsonObject().put("inline_keyboard", keyboard);
    }

    public static JsonObject button(String text, CallbackData data) {
        return new JsonObject().put("text", text).put("callback_data", data.encode());
    }
}
