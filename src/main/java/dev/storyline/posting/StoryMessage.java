package dev.storyline.posting;

import dev.storyline.media.MediaItem;
import dev.storyline.plan.QueueItem;
import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The story notification of product.md §2: the caption (title, link, tags, caption text, slot time
 * in the tenant's zone, status line, short id) and its buttons. Rebuilt from the item and the slot
 * whenever the status changes, so the edit never depends on what Telegram still holds.
 */
public final class StoryMessage {
    static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("EEE d MMM, HH:mm z", Locale.ENGLISH);
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm z", Locale.ENGLISH);
    private static final int MAX_CAPTION = 1024;

    private StoryMessage() {
    }

    /** The caption of a new notification; {@code note} (may be null) says why it came here rather than to Instagram. */
    public static String pending(MediaItem item, QueueItem slot, ZoneId zone, String note) {
        return caption(item, slot, zone, note == null ? "⏳ PENDING" : "⏳ PENDING\n" + note);
    }

    /** {@code ✅ POSTED by @name at 14:32 CET (took 4 min)} and its kin. */
    public static String status(String outcome, String who, Instant at, Instant notifiedAt, ZoneId zone) {
        String word = switch (outcome) {
            case "posted" -> "✅ POSTED";
            case "skipped" -> "⏭️ SKIPPED";
            case "rejected" -> "🚫 REJECTED";
            case "expired" -> "⌛ EXPIRED";
            default -> "❌ FAILED";
        };
        if ("expired".equals(outcome)) {
            return word + ": nobody answered";
        }
        String took = "";
        if ("posted".equals(outcome) && notifiedAt != null) {
            took = " (took " + humanize(Duration.between(notifiedAt, at)) + ")";
        }
        return word + " by " + who + " at " + CLOCK.format(at.atZone(zone)) + took;
    }

    public static String caption(MediaItem item, QueueItem slot, ZoneId zone, String status) {
        StringBuilder text = new StringBuilder();
        if (slot.dryRun()) {
            text.append("🧪 DRY RUN\n");
        }
        text.append("<b>").append(Html.escape(item == null ? "Story" : item.displayName())).append("</b>\n");
        if (item != null && item.metadata().link() != null) {
            text.append("🔗 ").append(Html.escape(item.metadata().link())).append('\n');
        }
        if (item != null && !item.metadata().tags().isEmpty()) {
            text.append(Html.escape("#" + String.join(" #", item.metadata().tags()))).append('\n');
        }
        if (item != null && item.metadata().caption() != null) {
            text.append(Html.escape(item.metadata().caption())).append('\n');
        }
        text.append("🕑 ").append(SLOT.format(slot.scheduledFor().atZone(zone))).append('\n');
        text.append("Status: ").append(Html.escape(status)).append('\n');
        text.append("<code>#").append(slot.id()).append(item == null ? "" : " · item " + item.id()).append("</code>");
        return text.length() > MAX_CAPTION ? text.substring(0, MAX_CAPTION) : text.toString();
    }

    /** ✅ Posted, ⏭️ Skip, 🚫 Reject, 🔗 Link when the item has one, and 🤖 Auto post when Instagram is on. */
    public static JsonObject buttons(MediaItem item, long queueId, boolean autoPost) {
        String id = String.valueOf(queueId);
        JsonArray row = new JsonArray()
                .add(button("✅ Posted", CallbackData.of(CallbackData.Action.POSTED, id)))
                .add(button("⏭️ Skip", CallbackData.of(CallbackData.Action.SKIP, id)))
                .add(button("🚫 Reject", CallbackData.of(CallbackData.Action.REJECT, id)));
        JsonArray keyboard = new JsonArray().add(row);
        if (item != null && item.metadata().link() != null) {
            keyboard.add(new JsonArray().add(button("🔗 Link", CallbackData.of(CallbackData.Action.LINK, id))));
        }
        if (autoPost) {
            keyboard.add(new JsonArray().add(button("🤖 Auto post", CallbackData.of(CallbackData.Action.AUTO_POST, id))));
        }
        return new JsonObject().put("inline_keyboard", keyboard);
    }

    public static JsonObject confirmReject(long queueId) {
        String id = String.valueOf(queueId);
        return new JsonObject().put("inline_keyboard", new JsonArray().add(new JsonArray()
                .add(button("🚫 Confirm reject", CallbackData.of(CallbackData.Action.REJECT_CONFIRMED, id)))
                .add(button("↩️ Cancel", CallbackData.of(CallbackData.Action.CANCEL, id)))));
    }

    public static JsonObject noButtons() {
        return new JsonObject().put("inline_keyboard", new JsonArray());
    }

    private static JsonObject button(String text, CallbackData data) {
        return new JsonObject().put("text", text).put("callback_data", data.encode());
    }

    /** "4 min", "2 h 5 min". */
    public static String humanize(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes < 60) {
            return minutes + " min";
        }
        return minutes / 60 + " h " + minutes % 60 + " min";
    }
}
