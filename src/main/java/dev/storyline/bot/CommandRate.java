package dev.storyline.bot;

import java.util.HashMap;
import java.util.Map;

/**
 * D26: how many commands and button presses one person may send a minute. Past the limit the first
 * one gets a "slow down" answer and the rest of that minute none, so a flood costs one reply. Bounded:
 * a person quiet for a minute is forgotten. A flood is about real elapsed time: the monotonic clock,
 * not the (injectable) business clock, as for the outbox's rate limits. Event loop only.
 */
final class CommandRate {
    /** What to do with a person's command. */
    enum Verdict { GO, SLOW_DOWN, IGNORE }

    private static final long WINDOW_MILLIS = 60_000;
    private static final int FORGET_ABOVE = 50_000;

    private static final class Window {
        long startedAt;
        int count;
    }

    private final int perMinute;
    private final Map<Long, Window> windows = new HashMap<>();

    CommandRate(int perMinute) {
        this.perMinute = perMinute;
    }

    Verdict next(long personId) {
        long now = System.nanoTime() / 1_000_000;
        if (windows.size() > FORGET_ABOVE) {
            windows.values().removeIf(w -> now - w.startedAt >= WINDOW_MILLIS);
            if (windows.size() > FORGET_ABOVE) {
                windows.clear(); // a flood of distinct people: each gets a fresh minute, memory stays bounded
            }
        }
        Window window = windows.computeIfAbsent(personId, id -> new Window());
        if (window.count == 0 || now - window.startedAt >= WINDOW_MILLIS) {
            window.startedAt = now;
            window.count = 0;
        }
        window.count++;
        if (window.count <= perMinute) {
            return Verdict.GO;
        }
        return window.count == perMinute + 1 ? Verdict.SLOW_DOWN : Verdict.IGNORE;
    }

    static String slowDown(int perMinute) {
        return "🐢 Slow down: I answer at most " + perMinute + " commands a minute from one person. Try again in a minute.";
    }
}
