package dev.storyline.telegram;

/** Telegram's HTML parse mode: everything people typed is escaped, so no title breaks a message. */
public final class Html {
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
}
