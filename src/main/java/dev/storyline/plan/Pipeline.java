package dev.storyline.plan;

import dev.storyline.config.AppConfig;

import java.time.Duration;

/**
 * What every tenant scheduler shares for planning and dispatch: one instance for all of them, so a
 * scheduler stays a few fields and two timers.
 *
 * @param sweepInterval the due wheel's period, the safety net of dispatch timing (D10: at most 60 s); also the longest a
 *                      catch-up wait sleeps before looking again
 * @param catchUpSpacing the gap between two slots sent after downtime (D11: one a minute)
 * @param runways checked after every top-off, so the chat hears when a category runs low (D28)
 * @param starts lets a few schedulers at a time do their start-up work (issue 19: the pool is not flooded when
 *               very many start together)
 * @param staleClaim the age from which a claim's story can no longer be on its way (D24): a tenant taken over
 *                   from another node gets the claims made there back from that age on, not before (D32)
 */
public record Pipeline(Planner planner, QueueRepository queue, AppConfig.SchedulingConfig scheduling, Duration sweepInterval,
                       Duration catchUpSpacing, Runways runways, StartGate starts, Duration staleClaim) {
    public static final Duration CATCH_UP_SPACING = Duration.ofMinutes(1);
}
