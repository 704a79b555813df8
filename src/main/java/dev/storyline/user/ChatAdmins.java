package dev.storyline.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Who administers a chat, from Telegram's {@code getChatAdministrators}, cached for at most five
 * minutes and forgotten when membership changes (D17). One actor owns it: not thread-safe.
 */
public final class ChatAdmins {
    public static final Duration TTL = Duration.ofMinutes(5);

    private record Entry(Set<Long> admins, Instant fetchedAt) {
    }

    private final LongFunction<Future<JsonArray>> fetch;
    private final Clock clock;
    private final Map<Long, Entry> cache = new HashMap<>();
    private final Map<Long, Future<Set<Long>>> loading = new HashMap<>();

    public ChatAdmins(LongFunction<Future<JsonArray>> fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
    }

    public Future<Boolean> isAdmin(long chatId, long userId) {
        return admins(chatId).map(set -> set.contains(userId));
    }

    public void forget(long chatId) {
        cache.remove(chatId);
    }

    private Future<Set<Long>> admins(long chatId) {
        Entry entry = cache.get(chatId);
        if (entry != null && Duration.between(entry.fetchedAt(), clock.instant()).compareTo(TTL) < 0) {
            return Future.succeededFuture(entry.admins());
        }
        Future<Set<Long>> inFlight = loading.get(chatId);
        if (inFlight != null) {
            return inFlight;
        }
        Future<Set<Long>> load = fetch.apply(chatId).map(list -> {
            Set<Long> ids = new HashSet<>();
            for (Object member : list) {
                JsonObject user = ((JsonObject) member).getJsonObject("user");
                if (user != null && user.getLong("id") != null) {
                    ids.add(user.getLong("id"));
                }
            }
            cache.put(chatId, new Entry(ids, clock.instant()));
            return ids;
        });
        loading.put(chatId, load);
        return load.andThen(done -> loading.remove(chatId));
    }
}
