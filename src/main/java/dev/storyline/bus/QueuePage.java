package dev.storyline.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/** The answer of {@link Addresses#POSTING_QUEUE}: planned slots, soonest first. */
public record QueuePage(List<Line> queue) {
    /** One planned slot; {@code route} is where it would go now (telegram or instagram), {@code category} its image's folder (D27). */
    public record Line(long id, Instant scheduledFor, Instant dueAt, String route, int attempts, String lastError, String title,
                       String category) {
        JsonObject toJson() {
            return new JsonObject().put("id", id).put("scheduledFor", scheduledFor).put("dueAt", dueAt).put("route", route)
                    .put("attempts", attempts).put("lastError", lastError).put("title", title).put("category", category);
        }

        static Line fromJson(JsonObject j) {
            return new Line(j.getLong("id"), j.getInstant("scheduledFor"), j.getInstant("dueAt"), j.getString("route"),
                    j.getInteger("attempts", 0), j.getString("lastError"), j.getString("title"), j.getString("category"));
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("queue", new JsonArray(queue.stream().map(Line::toJson).toList()));
    }

    public static QueuePage fromJson(JsonObject json) {
        return new QueuePage(json.getJsonArray("queue", new JsonArray()).stream().map(o -> Line.fromJson((JsonObject) o)).toList());
    }
}
