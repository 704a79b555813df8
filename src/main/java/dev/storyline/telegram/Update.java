package dev.storyline.telegram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The parts of a Telegram {@code Update} Storyline uses, validated on the way in: {@link #parse}
 * throws {@link IllegalArgumentException} for anything malformed, which is logged and skipped.
 */
public record Update(long updateId, Kind kind, Message message, CallbackQuery callback, MemberChange memberChange) {

    public enum Kind { MESSAGE, CHANNEL_POST, CALLBACK_QUERY, MY_CHAT_MEMBER, CHAT_MEMBER, OTHER }

    public record User(long id, boolean isBot, String firstName, String lastName, String username) {
        static User parse(JsonObject json) {
            require(json != null, "user missing");
            return new User(requireLong(json, "id"), json.getBoolean("is_bot", false), cut(json.getString("first_name", ""), 256),
                    cut(json.getString("last_name"), 256), cut(json.getString("username"), 64));
        }

        /** How people see this user in captions and replies: {@code @username}, else the first name. */
        public String display() {
            return username != null && !username.isBlank() ? "@" + username : firstName;
        }
    }

    public record Chat(long id, String type, String title, String username) {
        static Chat parse(JsonObject json) {
            require(json != null, "chat missing");
            String type = json.getString("type");
            require(type != null, "chat type missing");
            return new Chat(requireLong(json, "id"), type, cut(json.getString("title", ""), 256), cut(json.getString("username"), 64));
        }

        public boolean isPrivate() {
            return "private".equals(type);
        }

        /** Groups, supergroups and channels can be tenants (D3). */
        public boolean canBeTenant() {
            return "group".equals(type) || "supergroup".equals(type) || "channel".equals(type);
        }

        public String name() {
            return title != null && !title.isBlank() ? title : username != null ? "@" + username : String.valueOf(id);
        }
    }

    /**
     * A file attached to a message: the largest size of a photo, or a document. {@code fileName} and
     * {@code mimeType} are only known for documents; {@code fileSize} may be 0 when Telegram omits it.
     */
    public record Attachment(boolean photo, String fileId, String fileUniqueId, String fileName, String mimeType, long fileSize) {
        static Attachment parse(JsonObject json, boolean photo) {
            require(json != null, "file malformed");
            String id = json.getString("file_id");
            String unique = json.getString("file_unique_id");
            require(id != null && !id.isEmpty() && id.length() <= 256, "file without file_id");
            require(unique != null && !unique.isEmpty() && unique.length() <= 128, "file without file_unique_id");
            Object size = json.getValue("file_size");
            return new Attachment(photo, id, unique, cut(json.getString("file_name"), 256), cut(json.getString("mime_type"), 128),
                    size instanceof Number n ? Math.max(0, n.longValue()) : 0);
        }
    }

    /**
     * A message or channel post. {@code from} is null in channels; {@code attachment} is a photo, a
     * video or a document, if any; {@code migrateToChatId} marks a group that became a supergroup.
     */
    public record Message(long messageId, Chat chat, User from, String text, String caption, Attachment attachment,
                          Long migrateToChatId, Long replyToMessageId) {
        static Message parse(JsonObject json) {
            require(json != null, "message missing");
            Attachment attachment = null;
            JsonArray sizes = json.getJsonArray("photo");
            if (sizes != null && !sizes.isEmpty()) {
                Object largest = sizes.getValue(sizes.size() - 1);
                require(largest instanceof JsonObject, "photo size malformed");
                attachment = Attachment.parse((JsonObject) largest, true);
            } else if (json.getValue("video") instanceof JsonObject video) {
                // a video sent as a video (D29); Telegram may leave out its MIME type, which is then MP4
                attachment = Attachment.parse(video.getString("mime_type") == null ? video.copy().put("mime_type", "video/mp4") : video, false);
            } else if (json.getValue("document") instanceof JsonObject document) {
                attachment = Attachment.parse(document, false);
            }
            JsonObject replyTo = json.getJsonObject("reply_to_message");
            return new Message(requireLong(json, "message_id"), Chat.parse(json.getJsonObject("chat")),
                    json.getJsonObject("from") == null ? null : User.parse(json.getJsonObject("from")),
                    cut(json.getString("text"), 4096), cut(json.getString("caption"), 1024), attachment,
                    json.getLong("migrate_to_chat_id"), replyTo == null ? null : replyTo.getLong("message_id"));
        }

        /** The text if it starts with a slash. */
        public boolean isCommand() {
            return text != null && text.startsWith("/");
        }
    }

    public record CallbackQuery(String id, User from, Message message, String data) {
        static CallbackQuery parse(JsonObject json) {
            require(json != null, "callback missing");
            String id = json.getString("id");
            require(id != null && !id.isEmpty(), "callback without id");
            JsonObject message = json.getJsonObject("message");
            return new CallbackQuery(id, User.parse(json.getJsonObject("from")),
                    message == null ? null : Message.parse(message), json.getString("data"));
        }
    }

    /** {@code my_chat_member} (the bot's own status) or {@code chat_member} (someone else's). */
    public record MemberChange(Chat chat, User from, User member, String oldStatus, String newStatus) {
        static MemberChange parse(JsonObject json) {
            require(json != null, "member update missing");
            JsonObject oldMember = json.getJsonObject("old_chat_member");
            JsonObject newMember = json.getJsonObject("new_chat_member");
            require(oldMember != null && newMember != null, "member update without statuses");
            return new MemberChange(Chat.parse(json.getJsonObject("chat")), User.parse(json.getJsonObject("from")),
                    User.parse(newMember.getJsonObject("user")), oldMember.getString("status", ""), newMember.getString("status", ""));
        }

        public boolean joined() {
            return isIn(newStatus) && !isIn(oldStatus);
        }

        public boolean left() {
            return !isIn(newStatus) && isIn(oldStatus);
        }

        private static boolean isIn(String status) {
            return "member".equals(status) || "administrator".equals(status) || "creator".equals(status) || "restricted".equals(status);
        }
    }

    public static Update parse(JsonObject json) {
        require(json != null, "update is not an object");
        long id = requireLong(json, "update_id");
        if (json.containsKey("message")) {
            return new Update(id, Kind.MESSAGE, Message.parse(json.getJsonObject("message")), null, null);
        }
        if (json.containsKey("channel_post")) {
            return new Update(id, Kind.CHANNEL_POST, Message.parse(json.getJsonObject("channel_post")), null, null);
        }
        if (json.containsKey("callback_query")) {
            return new Update(id, Kind.CALLBACK_QUERY, null, CallbackQuery.parse(json.getJsonObject("callback_query")), null);
        }
        if (json.containsKey("my_chat_member")) {
            return new Update(id, Kind.MY_CHAT_MEMBER, null, null, MemberChange.parse(json.getJsonObject("my_chat_member")));
        }
        if (json.containsKey("chat_member")) {
            return new Update(id, Kind.CHAT_MEMBER, null, null, MemberChange.parse(json.getJsonObject("chat_member")));
        }
        return new Update(id, Kind.OTHER, null, null, null);
    }

    /** The chat this update belongs to, for ordering and isolation; 0 when there is none. */
    public long chatId() {
        if (message != null) {
            return message.chat().id();
        }
        if (callback != null && callback.message() != null) {
            return callback.message().chat().id();
        }
        if (memberChange != null) {
            return memberChange.chat().id();
        }
        return 0;
    }

    private static long requireLong(JsonObject json, String field) {
        Object value = json.getValue(field);
        require(value instanceof Number, field + " missing or not a number");
        return ((Number) value).longValue();
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Hostile input is cut to Telegram's own limits, so nothing downstream sees more. */
    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
