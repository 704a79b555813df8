package dev.storyline.instagram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One reading of a story's numbers (D31), as Graph's {@code /insights} gives them; null where Graph
 * left a metric out (it does for stories with few viewers). Navigation is broken down into taps
 * forward and back, exits and swipes to the next account.
 */
public record StoryMetrics(Integer reach, Integer replies, Integer shares, Integer totalInteractions, Integer follows,
                           Integer profileVisits, Integer navigation, Integer tapsForward, Integer tapsBack, Integer exits,
                           Integer swipesForward) {

    /** From the two answers: the plain metrics, and {@code navigation} with its breakdown. */
    static StoryMetrics from(JsonObject plain, JsonObject navigation) {
        JsonObject nav = named(navigation, "navigation");
        Integer forward = null;
        Integer back = null;
        Integer exits = null;
        Integer swipes = null;
        JsonObject total = nav == null ? null : nav.getJsonObject("total_value");
        JsonArray breakdowns = total == null ? null : total.getJsonArray("breakdowns");
        if (breakdowns != null) {
            for (Object b : breakdowns) {
                if (!(b instanceof JsonObject breakdown)) {
                    continue;
                }
                for (Object r : breakdown.getJsonArray("results", new JsonArray())) {
                    if (!(r instanceof JsonObject result)) {
                        continue;
                    }
                    JsonArray dims = result.getJsonArray("dimension_values", new JsonArray());
                    String action = dims.isEmpty() ? "" : String.valueOf(dims.getValue(0)).toLowerCase(Locale.ROOT);
                    Integer value = number(result.getValue("value"));
                    switch (action) {
                        case "tap_forward", "taps_forward" -> forward = value;
                        case "tap_back", "taps_back" -> back = value;
                        case "tap_exit", "exits", "exit" -> exits = value;
                        case "swipe_forward", "swipes_forward" -> swipes = value;
                        default -> {
                            // automatic_forward, swipe_back, swipe_up, swipe_down: counted in navigation only
                        }
                    }
                }
            }
        }
        return new StoryMetrics(value(plain, "reach"), value(plain, "replies"), value(plain, "shares"), value(plain, "total_interactions"),
                value(plain, "follows"), value(plain, "profile_visits"), value(navigation, "navigation"), forward, back, exits, swipes);
    }

    private static JsonObject named(JsonObject answer, String name) {
        if (answer == null) {
            return null;
        }
        for (Object each : answer.getJsonArray("data", new JsonArray())) {
            if (each instanceof JsonObject metric && name.equals(metric.getString("name"))) {
                return metric;
            }
        }
        return null;
    }

    /** A metric's value: {@code total_value.value}, else the first of {@code values}. */
    private static Integer value(JsonObject answer, String name) {
        JsonObject metric = named(answer, name);
        if (metric == null) {
            return null;
        }
        JsonObject total = metric.getJsonObject("total_value");
        if (total != null && total.getValue("value") != null) {
            return number(total.getValue("value"));
        }
        JsonArray values = metric.getJsonArray("values");
        if (values != null && !values.isEmpty() && values.getValue(0) instanceof JsonObject first) {
            return number(first.getValue("value"));
        }
        return null;
    }

    private static Integer number(Object value) {
        if (value instanceof Number n) {
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n.longValue()));
        }
        return null;
    }

    public JsonObject toJson() {
        return new JsonObject().put("reach", reach).put("replies", replies).put("shares", shares).put("totalInteractions", totalInteractions)
                .put("follows", follows).put("profileVisits", profileVisits).put("navigation", navigation).put("tapsForward", tapsForward)
                .put("tapsBack", tapsBack).put("exits", exits).put("swipesForward", swipesForward);
    }
}
