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
import java.util.List;
import java.util.Locale;

/**
 * The story notification of product.md §2: the caption (title, link, tags, caption text, slot time
 * in the tenant's zone, status line, short id) and its buttons. Rebuilt from the item and the slot
 * whenever the status changes, so the edit never depends on what Telegram still holds.
 */
public final class StoryMessage {
    static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("EEE d MMM, HH:mm z", Locale.ENGLISH);
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm z", Locale.ENGLISH);
    /** The longest status line (a note on why a story came to the chat may be long) before the title gives way. */
    private static final int MAX_STATUS = 300;

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

    /**
     * The caption within Telegram's 1,024 visible units (D25). The title, the slot time, the status line
     * and the reference always stay; when the metadata is too long the caption text is shortened first
     * (with "…"), then the tags, then the link goes. Text is cut before it is escaped, so the HTML stays valid.
     */
    public static String caption(MediaItem item, QueueItem slot, ZoneId zone, String status) {
        String head = slot.dryRun() ? "🧪 DRY RUN" : null;
        String title = item == null ? "Story" : item.displayName();
        String when = "🕑 " + SLOT.format(slot.scheduledFor().atZone(zone));
        String state = "Status: " + Html.shorten(status, MAX_STATUS);
        String reference = "#" + slot.id() + (item == null ? "" : " · item " + item.id());
        int fixed = cost(head) + cost(when) + cost(state) + reference.length();
        title = Html.shorten(title, Html.MAX_CAPTION - fixed - 1);
        int room = Html.MAX_CAPTION - fixed - cost(title);

        String link = item == null || item.metadata().link() == null ? null : "🔗 " + item.metadata().link();
        List<String> tags = item == null ? List.of() : item.metadata().tags();
        String tagLine = tags.isEmpty() ? null : "#" + String.join(" #", tags);
        String text = item == null ? null : item.metadata().caption();
        text = within(text, room - cost(link) - cost(tagLine));
        if (text == null && cost(tagLine) > room - cost(link)) {
            tagLine = tags(tags, room - cost(link));
        }
        if (tagLine == null && cost(link) > room) {
            link = null;
        }

        StringBuilder html = new StringBuilder();
        line(html, head == null ? null : Html.escape(head));
        line(html, Html.bold(title));
        line(html, link == null ? null : Html.escape(link));
        line(html, tagLine == null ? null : Html.escape(tagLine));
        line(html, text == null ? null : Html.escape(text));
        line(html, Html.escape(when));
        line(html, Html.escape(state));
        return html.append("<code>").append(Html.escape(reference)).append("</code>").toString();
    }

    /** What a line costs of the budget: its text and its line break. */
    private static int cost(String line) {
        return line == null ? 0 : line.length() + 1;
    }

    private static void line(StringBuilder html, String line) {
        if (line != null) {
            html.append(line).append('\n');
        }
    }

    /** The line as it is when it fits in {@code room} (with its line break), shortened when a little of it fits, else null. */
    private static String within(String line, int room) {
        if (line == null || cost(line) <= room) {
            return line;
        }
        return room - 1 >= 8 ? Html.shorten(line, room - 1) : null;
    }

    /** As many whole tags as fit in {@code room}, then "…" when some were left out; null when not even one fits. */
    private static String tags(List<String> tags, int room) {
        StringBuilder line = new StringBuilder();
        for (String tag : tags) {
            String next = (line.isEmpty() ? "#" : " #") + tag;
            if (line.length() + next.length() + " …".length() + 1 > room) {
                return line.isEmpty() ? null : line.append(" …").toString();
            }
            line.append(next);
        }
        return line.isEmpty() ? null : line.toString();
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
