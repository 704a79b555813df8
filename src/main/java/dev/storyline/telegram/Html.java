package dev.storyline.telegram;

/**
 * Telegram's HTML parse mode: everything people typed is escaped, so no title breaks a message. Telegram
 * limits what it shows (D25: 1,024 for a caption, 4,096 for a text), counted in UTF-16 units after
 * entity parsing: {@link #visibleLength} measures that, {@link #shorten} cuts plain text with "…",
 * and {@link #fit} brings a whole message within a limit without ever cutting inside a tag or entity.
 */
public final class Html {
    /** Telegram's limit for a photo's caption. */
    public static final int MAX_CAPTION = 1024;
    /** Telegram's limit for a message's text. */
    public static final int MAX_TEXT = 4096;
    private static final String ELLIPSIS = "…";

    private Html() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    public static String bold(String text) {
        return "<b>" + escape(text) + "</b>";
    }

    /** What Telegram counts of this HTML: tags left out, each entity one unit, in UTF-16 units. */
    public static int visibleLength(String html) {
        int length = 0;
        for (int i = 0; i < html.length(); i++) {
            char c = html.charAt(i);
            if (c == '<') {
                int end = html.indexOf('>', i);
                if (end > 0) {
                    i = end;
                    continue;
                }
            } else if (c == '&') {
                int end = html.indexOf(';', i);
                if (end > 0 && end - i <= 8) {
                    i = end;
                }
            }
            length++;
        }
        return length;
    }

    /** Plain text cut to at most {@code max} UTF-16 units, ending in "…" when cut; a surrogate pair is never split. */
    public static String shorten(String plain, int max) {
        if (plain == null || plain.length() <= max) {
            return plain;
        }
        if (max <= ELLIPSIS.length()) {
            return ELLIPSIS.substring(0, Math.max(0, max));
        }
        int end = max - ELLIPSIS.length();
        if (Character.isHighSurrogate(plain.charAt(end - 1))) {
            end--;
        }
        return plain.substring(0, end).stripTrailing() + ELLIPSIS;
    }

    /**
     * The message within {@code limit} visible units: whole lines are dropped from the end (each line
     * of Storyline's messages is balanced HTML) and "…" says so. A first line too long on its own
     * loses its formatting and is shortened as plain text.
     */
    public static String fit(String html, int limit) {
        if (visibleLength(html) <= limit) {
            return html;
        }
        String[] lines = html.split("\n", -1);
        StringBuilder kept = new StringBuilder();
        int used = 0;
        int room = limit - 1 - ELLIPSIS.length(); // the last line is "…"
        for (String line : lines) {
            int cost = visibleLength(line) + (kept.isEmpty() ? 0 : 1);
            if (used + cost > room) {
                break;
            }
            kept.append(kept.isEmpty() ? "" : "\n").append(line);
            used += cost;
        }
        if (kept.isEmpty()) {
            return escape(shorten(plain(lines[0]), limit));
        }
        return kept.append('\n').append(ELLIPSIS).toString();
    }

    /** The text of one line of HTML: tags left out, the entities {@link #escape} writes decoded. */
    static String plain(String html) {
        return html.replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }
}
