package dev.storyline.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** One named health signal. A failed future or a timeout counts as down. */
public interface HealthCheck {

    String name();

    Future<Result> check();

    record Result(boolean healthy, String detail, JsonObject data) {
        public static Result up(String detail, JsonObject data) {
            return new Result(true, detail, data);
        }

        public static Result down(String detail, JsonObject data) {
            return new Result(false, detail, data);
        }

        public JsonObject toJson() {
            return new JsonObject().put("status", healthy ? "UP" : "DOWN").put("detail", detail).put("data", data);
        }
    }
}
