package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * A tenant's Instagram account as {@code instagram.status}, {@code .connect} and {@code .refresh}
 * answer it: never the token itself, only its state ({@code tokenStatus} valid or invalid, and
 * {@code tokenLine}, a line for people such as "token valid (52 days)", sent as JSON {@code token}).
 */
public record InstagramStatus(boolean connected, Long tenantId, String accountId, String username, String tokenStatus,
                              String tokenStatusReason, String tokenExpiresAt, Long tokenDaysLeft, String tokenRefreshedAt,
                              String connectedAt, String tokenLine) {
    public static final InstagramStatus NOT_CONNECTED = new InstagramStatus(false, null, null, null, null, null, null, null, null, null, null);

    public boolean valid() {
        return connected && "valid".equals(tokenStatus);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("connected", connected);
        if (connected) {
            json.put("tenantId", tenantId).put("accountId", accountId).put("username", username).put("tokenStatus", tokenStatus)
                    .put("tokenStatusReason", tokenStatusReason).put("tokenExpiresAt", tokenExpiresAt).put("tokenDaysLeft", tokenDaysLeft)
                    .put("tokenRefreshedAt", tokenRefreshedAt).put("connectedAt", connectedAt).put("token", tokenLine);
        }
        return json;
    }

    public static InstagramStatus fromJson(JsonObject json) {
        if (!json.getBoolean("connected", false)) {
            return NOT_CONNECTED;
        }
        return new InstagramStatus(true, json.getLong("tenantId"), json.getString("accountId"), json.getString("username"),
                json.getString("tokenStatus"), json.getString("tokenStatusReason"), json.getString("tokenExpiresAt"),
                json.getLong("tokenDaysLeft"), json.getString("tokenRefreshedAt"), json.getString("connectedAt"), json.getString("token"));
    }
}
