package dev.storyline.run;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What started a job, as {@code service_runs.trigger} records it. */
public enum Trigger {
    STARTUP, SCHEDULE, TELEGRAM, ADMIN_API, CLI, SYSTEM, APP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Trigger> fromWire(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst();
    }
}
