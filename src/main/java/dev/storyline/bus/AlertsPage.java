package dev.storyline.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The answer of {@link Addresses#ADMIN_ALERTS}: the latest alerts, newest first. */
public record AlertsPage(List<Alert> alerts) {
    /** One alert: {@code suppressed} how often it was raised again within the hour, {@code delivered} Telegram took it. */
    public record Alert(String key, Long tenantId, String severity, String message, String sentAt, int suppressed, boolean delivered) {
        JsonObject toJson() {
            return new JsonObject().put("key", key).put("tenantId", tenantId).put("severity", severity).put("message", message)
                    .put("sentAt", sentAt).put("suppressed", suppressed).put("delivered", delivered);
        }

        static Alert fromJson(JsonObject j) {
            return new Alert(j.getString("key"), j.getLong("tenantId"), j.getString("severity"), j.getString("message"),
                    j.getString("sentAt"), j.getInteger("suppressed", 0), j.getBoolean("delivered", false));
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("alerts", new JsonArray(alerts.stream().map(Alert::toJson).toList()));
    }

    public static AlertsPage fromJson(JsonObject json) {
        return new AlertsPage(json.getJsonArray("alerts", new JsonArray()).stream().map(o -> Alert.fromJson((JsonObject) o)).toList());
    }
}
