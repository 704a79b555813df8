package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/** A request to one tenant's scheduler at {@link Addresses#tenantCommand(long)}. */
public record SchedulerCommand(Kind kind) {

    /** {@code status} now; planning ({@code plan}) and sending now ({@code next}) join with the posting pipeline. */
    public enum Kind {
        STATUS("status");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Kind parse(String wire) {
            return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scheduler command '" + wire + "'"));
        }
    }

    public static SchedulerCommand status() {
        return new SchedulerCommand(Kind.STATUS);
    }

    public JsonObject toJson() {
        return new JsonObject().put("command", kind.wire());
    }

    /** @throws IllegalArgumentException for a missing or unknown command */
    public static SchedulerCommand fromJson(JsonObject json) {
        return new SchedulerCommand(Kind.parse(json == null ? null : json.getString("command")));
    }
}
