package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * A Mini App API call (D30) for the Mini App's actor: who asks (a person the HTTP server has
 * authenticated by Telegram's initData or a session cookie), what ({@link Op}), about which tenant
 * (none for {@link Op#ME}) and with which parameters (a path's ids, a query, a body). The reply is
 * the JSON the page reads; a refusal is {@link ErrorCode#FORBIDDEN}, a bad value
 * {@link ErrorCode#INVALID_INPUT}, a slot that moved on {@link ErrorCode#CONFLICT}.
 */
public record AppRequest(long userId, Op op, Long tenantId, JsonObject params) {
    public enum Op {
        ME, ACCESS, PLAN, PLAN_NOW, MOVE_SLOT, SWAP_SLOT, SKIP_SLOT, CANDIDATES, LIBRARY, UNLOCK, UPLOAD, HISTORY, STATS, SETTINGS, CHANGE_SETTINGS;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Op fromWire(String wire) {
            for (Op op : values()) {
                if (op.wire().equals(wire)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown app operation " + wire);
        }
    }

    public AppRequest {
        params = params == null ? new JsonObject() : params;
        if (op != Op.ME && tenantId == null) {
            throw new IllegalArgumentException("tenantId is required for " + op.wire());
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("userId", userId).put("op", op.wire()).put("tenantId", tenantId).put("params", params);
    }

    /** @throws IllegalArgumentException when a field is missing or the operation unknown */
    public static AppRequest fromJson(JsonObject json) {
        return new AppRequest(Json.requiredLong(json, "userId"), Op.fromWire(Json.requiredString(json, "op")), json.getLong("tenantId"),
                json.getJsonObject("params"));
    }

    /**
     * A browser's one-time {@code /login} link being used, named by the SHA-256 of its token (hex: the
     * token itself never travels): answers {@code {"userId"}}, or fails {@link ErrorCode#UNAUTHORIZED}.
     */
    public record Login(String sha256) {
        public JsonObject toJson() {
            return new JsonObject().put("sha256", sha256);
        }

        public static Login fromJson(JsonObject json) {
            return new Login(Json.requiredString(json, "sha256"));
        }
    }

    /** Makes the thumbnail {@code name} of a library item ready on disk (D30): answers {@code {}}, or {@link ErrorCode#NOT_FOUND}. */
    public record Thumbnail(long tenantId, long mediaItemId, String name) {
        public JsonObject toJson() {
            return new JsonObject().put("tenantId", tenantId).put("mediaItemId", mediaItemId).put("name", name);
        }

        public static Thumbnail fromJson(JsonObject json) {
            return new Thumbnail(Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "mediaItemId"), Json.requiredString(json, "name"));
        }
    }
}
