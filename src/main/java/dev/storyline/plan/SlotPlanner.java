package dev.storyline.plan;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * When a tenant's stories go out (D5, D9): {@code postsPerDay} slots spread evenly over the posting
 * window of a local date, each moved by a jitter of up to ±30 minutes that is the same every time it
 * is computed for the same (tenant, date, index), and kept inside the window. Pure: no clock, no I/O.
 *
 * <p>The window starts at {@code startHour} on the date; it ends at {@code endHour} the same day, the
 * next day when {@code endHour < startHour} (across midnight), or after a whole day when they are
 * equal. Times are computed on the time line, so a DST day's window is an hour shorter or longer.
 */
public final class SlotPlanner {
    public static final Duration MAX_JITTER = Duration.ofMinutes(30);

    /** One slot: its date and index make its key; {@code at} is the moment it is due. */
    public record Slot(LocalDate date, int index, Instant at) {
        public String key() {
            return key(date, index);
        }

        public static String key(LocalDate date, int index) {
            return date + "#" + index;
        }
    }

    /** A tenant's schedule settings. */
    public record Window(int postsPerDay, int startHour, int endHour, ZoneId zone) {
        public Window {
            if (postsPerDay < 1 || postsPerDay > 50 || startHour < 0 || startHour > 23 || endHour < 0 || endHour > 23) {
                throw new IllegalArgumentException("posts per day 1–50 and hours 0–23");
            }
        }
    }

    private SlotPlanner() {
    }

    /** The slots of one local date, in time order. */
    public static List<Slot> day(long tenantId, Window window, LocalDate date) {
        Instant start = ZonedDateTime.of(date, LocalTime.of(window.startHour(), 0), window.zone()).toInstant();
        LocalDate endDate = window.endHour() > window.startHour() ? date : date.plusDays(1);
        int endHour = window.endHour() == window.startHour() ? window.startHour() : window.endHour();
        Instant end = ZonedDateTime.of(endDate, LocalTime.of(endHour, 0), window.zone()).toInstant();
        long length = Duration.between(start, end).toSeconds();
        long spacing = length / window.postsPerDay();
        long maxJitter = Math.min(MAX_JITTER.toSeconds(), spacing / 3);
        List<Slot> slots = new ArrayList<>(window.postsPerDay());
        for (int i = 0; i < window.postsPerDay(); i++) {
            long base = i * spacing;
            long jitter = maxJitter == 0 ? 0 : new SplittableRandom(seed(tenantId, date, i)).nextLong(-maxJitter, maxJitter + 1);
            long offset = Math.max(0, Math.min(length - 1, base + jitter));
            slots.add(new Slot(date, i, start.plusSeconds(offset)));
        }
        return slots;
    }

    /**
     * The slots of the {@code days} local dates starting with the one {@code now} falls on in the
     * tenant's zone (and the day before, whose window may cross into today), that are still ahead.
     */
    public static List<Slot> horizon(long tenantId, Window window, Instant now, int days) {
        LocalDate today = now.atZone(window.zone()).toLocalDate();
        List<Slot> slots = new ArrayList<>();
        for (LocalDate date = today.minusDays(1); date.isBefore(today.plusDays(days)); date = date.plusDays(1)) {
            for (Slot slot : day(tenantId, window, date)) {
                if (slot.at().isAfter(now)) {
                    slots.add(slot);
                }
            }
        }
        return slots;
    }

    private static long seed(long tenantId, LocalDate date, int index) {
        long h = tenantId * 0x9E3779B97F4A7C15L;
        h ^= date.toEpochDay() * 0xC2B2AE3D27D4EB4FL;
        h ^= index * 0x165667B19E3779F9L;
        return h ^ (h >>> 31);
    }
}
