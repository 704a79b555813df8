package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Send one claimed slot's story ({@link Addresses#POSTING_DISPATCH}), answered with {@link Dispatched}.
 *
 * @param tenantId the slot's tenant
 * @param queueId  the claimed slot
 */
public record Dispatch(long tenantId, long queueId) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("queueId", queueId);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static Dispatch fromJson(JsonObject json) {
        return new Dispatch(Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "queueId"));
    }

    /** How a dispatch ended. */
    public enum Outcome {
        /** The story is in the chat with its buttons. */
        NOTIFIED,
        /** Instagram published it. */
        PUBLISHED,
        /** A dry run: Instagram would have taken it; nothing was uploaded. */
        SIMULATED,
        /** Not sent now; the slot is planned again a few minutes later (D15). */
        RETRY,
        /** Given up; the team was told. */
        FAILED,
        /** Nothing to do: the slot was gone, not claimed, or its claim was taken over. */
        GONE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Outcome fromWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** The answer: which slot went out ({@code /next} makes one) and how it ended. */
    public record Dispatched(long queueId, Outcome outcome) {
        public JsonObject toJson() {
            return new JsonObject().put("queueId", queueId).put("outcome", outcome.wire());
        }

        public static Dispatched fromJson(JsonObject json) {
            return new Dispatched(Json.requiredLong(json, "queueId"), Outcome.fromWire(Json.requiredString(json, "outcome")));
        }
    }
}
