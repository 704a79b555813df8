package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** Reading the fields of a message: a missing or mistyped field is an {@link IllegalArgumentException} naming it. */
final class Json {
    private Json() {
    }

    static long requiredLong(JsonObject json, String field) {
        if (json == null || !(json.getValue(field) instanceof Number n)) {
            throw new IllegalArgumentException("the message needs a number '" + field + "'");
        }
        return n.longValue();
    }

    static String requiredString(JsonObject json, String field) {
        if (json == null || !(json.getValue(field) instanceof String s)) {
            throw new IllegalArgumentException("the message needs a text '" + field + "'");
        }
        return s;
    }
}
