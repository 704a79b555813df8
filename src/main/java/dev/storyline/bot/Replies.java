package dev.storyline.bot;

import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** How the bot talks: HTML messages, edits, answers and keyboards, all through the outbox. */
public final class Replies {
    private final Outbox outbox;

    public Replies(Outbox outbox) {
        this.outbox = outbox;
    }

    public Future<Object> send(long chatId, String html) {
        return send(chatId, html, null);
    }

    public Future<Object> send(long chatId, String html, JsonObject markup) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("text", html).put("parse_mode", "HTML")
                .put("link_preview_options", new JsonObject().put("is_disabled", true));
        if (markup != null) {
            params.put("reply_markup", markup);
        }
        return outbox.submit(Outbox.Request.json("sendMessage", params));
    }

    /** Asks a person for a value; Telegram's force_reply makes their answer reach the bot even in privacy mode. */
    public Future<Object> ask(long chatId, String html, Long replyToMessageId) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("text", html).put("parse_mode", "HTML")
                .put("reply_markup", new JsonObject().put("force_reply", true).put("selective", true));
        if (replyToMessageId != null) {
            params.put("reply_parameters", new JsonObject().put("message_id", replyToMessageId).put("allow_sending_without_reply", true));
        }
        return outbox.submit(Outbox.Request.json("sendMessage", params));
    }

    /** Edits a text message in place; an edit that would change nothing counts as done. */
    public Future<Object> edit(long chatId, long messageId, String html, JsonObject markup) {
        JsonObject params = new JsonObject().put("chat_id", chatId).put("message_id", messageId).put("text", html)
                .put("parse_mode", "HTML").put("link_preview_options", new JsonObject().put("is_disabled", true));
        if (markup != null) {
            params.put("reply_markup", markup);
        }
        return outbox.submit(Outbox.Request.json("editMessageText", params));
    }

    /** Answers a button press: exactly once per press, by the caller's discipline. */
    public Future<Object> answer(String callbackId, String text, boolean alert) {
        JsonObject params = new JsonObject().put("callback_query_id", callbackId).put("show_alert", alert);
        if (text != null) {
            params.put("text", text.length() > 200 ? text.substring(0, 200) : text);
        }
        return outbox.submit(Outbox.Request.json("answerCallbackQuery", params));
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

    /** A message id out of a sendMessage result. */
    public static Long messageId(Object result) {
        return result instanceof JsonObject message ? message.getLong("message_id") : null;
    }
}
