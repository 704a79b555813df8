package dev.storyline.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The answer of {@link Addresses#PLAN_RUNWAY}: how long each category lasts (D28), shortest first. */
public record RunwayPage(List<Category> runway) {
    /**
     * One category ({@code library} for a tenant without a mix): items still to give, slots a day it
     * takes, days left (null: it gets no slots, so it never runs out), level {@code ok}, {@code low}
     * (≤ 7 days) or {@code critical} (≤ 2), and the line the chat shows.
     */
    public record Category(String category, long eligible, double perDay, Double daysLeft, String level, String text) {
        JsonObject toJson() {
            return new JsonObject().put("category", category).put("eligible", eligible).put("perDay", perDay).put("daysLeft", daysLeft)
                    .put("level", level).put("text", text);
        }

        static Category fromJson(JsonObject j) {
            return new Category(j.getString("category"), j.getLong("eligible", 0L), j.getDouble("perDay", 0.0), j.getDouble("daysLeft"),
                    j.getString("level"), j.getString("text"));
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("runway", new JsonArray(runway.stream().map(Category::toJson).toList()));
    }

    public static RunwayPage fromJson(JsonObject json) {
        return new RunwayPage(json.getJsonArray("runway", new JsonArray()).stream().map(o -> Category.fromJson((JsonObject) o)).toList());
    }
}
