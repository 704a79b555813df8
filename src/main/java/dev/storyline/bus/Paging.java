package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** How many lines a list request may ask for ({@code "limit"}), the same for every list on the bus and in the admin API. */
public final class Paging {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private Paging() {
    }

    /** The request's {@code limit}, held within 1 and {@link #MAX_LIMIT} (the admin API refuses others before asking). */
    public static int limit(JsonObject request) {
        return Math.max(1, Math.min(MAX_LIMIT, request.getInteger("limit", DEFAULT_LIMIT)));
    }
}
