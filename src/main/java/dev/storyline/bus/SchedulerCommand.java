package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/** A request to one tenant's scheduler at {@link Addresses#tenantCommand(long)}. */
public record SchedulerCommand(Kind kind, Integer days, String trigger) {

    /**
     * {@code status} → {@link SchedulerStatus}; {@code plan} (top off {@code days} ahead, default the
     * horizon) → {@link dev.storyline.plan.Planner.TopOff} as JSON; {@code wake} (look at the queue
     * again, e.g. after {@code /next}) → {@code {}}.
     */
    public enum Kind {
        STATUS("status"),
        PLAN("plan"),
        WAKE("wake");

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
        return new SchedulerCommand(Kind.STATUS, null, null);
    }

    /** {@code trigger} is who asked ({@code telegram}, {@code admin_api}), for {@code service_runs}. */
    public static SchedulerCommand plan(Integer days, String trigger) {
        return new SchedulerCommand(Kind.PLAN, days, trigger);
    }

    public static SchedulerCommand wake() {
        return new SchedulerCommand(Kind.WAKE, null, null);
    }

    public JsonObject toJson() {
        return new JsonObject().put("command", kind.wire()).put("days", days).put("trigger", trigger);
    }

    /** @throws IllegalArgumentException for a missing or unknown command */
    public static SchedulerCommand fromJson(JsonObject json) {
        Object days = json == null ? null : json.getValue("days");
        if (days != null && !(days instanceof Integer d && d >= 1 && d <= 90)) {
            throw new IllegalArgumentException("days must be 1–90");
        }
        return new SchedulerCommand(Kind.parse(json == null ? null : json.getString("command")), (Integer) days,
                json == null ? null : json.getString("trigger"));
    }
}
