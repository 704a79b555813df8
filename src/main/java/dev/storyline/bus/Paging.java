package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

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

    /**
     * The {@code count} items whose keys come first after {@code after} (null: from the first), in key order: a page of
     * what is held in memory, keyset-style. A heap of {@code count} picks them, so a page of 100,000 sorts none of the rest.
     */
    public static <T> List<T> firstAfter(Iterable<T> items, ToLongFunction<T> key, Long after, int count) {
        PriorityQueue<T> largestOnTop = new PriorityQueue<>(Comparator.comparingLong(key).reversed());
        for (T item : items) {
            if (after == null || key.applyAsLong(item) > after) {
                largestOnTop.add(item);
                if (largestOnTop.size() > count) {
                    largestOnTop.poll();
                }
            }
        }
        List<T> first = new ArrayList<>(largestOnTop);
        first.sort(Comparator.comparingLong(key));
        return first;
    }
}
