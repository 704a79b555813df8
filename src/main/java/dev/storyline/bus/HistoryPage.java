package dev.storyline.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/** The answer of {@link Addresses#POSTING_HISTORY}: ended stories, newest first. */
public record HistoryPage(List<Line> history) {
    /**
     * One ended story: {@code by} who acted ("Storyline" for a publish nobody pressed), {@code route}
     * telegram or instagram (null when it never went out), and for Instagram its media id and permalink.
     */
    public record Line(String outcome, Instant completedAt, Instant scheduledFor, boolean dryRun, String error, String title,
                       String by, String route, String instagramMediaId, String permalink) {
        JsonObject toJson() {
            return new JsonObject().put("outcome", outcome).put("completedAt", completedAt).put("scheduledFor", scheduledFor)
                    .put("dryRun", dryRun).put("error", error).put("title", title).put("by", by).put("route", route)
                    .put("instagramMediaId", instagramMediaId).put("permalink", permalink);
        }

        static Line fromJson(JsonObject j) {
            return new Line(j.getString("outcome"), j.getInstant("completedAt"), j.getInstant("scheduledFor"), j.getBoolean("dryRun", false),
                    j.getString("error"), j.getString("title"), j.getString("by"), j.getString("route"), j.getString("instagramMediaId"),
                    j.getString("permalink"));
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("history", new JsonArray(history.stream().map(Line::toJson).toList()));
    }

    public static HistoryPage fromJson(JsonObject json) {
        return new HistoryPage(json.getJsonArray("history", new JsonArray()).stream().map(o -> Line.fromJson((JsonObject) o)).toList());
    }
}
