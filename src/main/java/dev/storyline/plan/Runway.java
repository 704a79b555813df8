package dev.storyline.plan;

/**
 * How long a category lasts (D28): days left = eligible items ÷ (posts a day × the category's share).
 * At 7 days or fewer the team is warned (⚠️), at 2 or fewer told it is critical (🔴), once per level
 * until the category recovers.
 */
public record Runway(String category, long eligible, double daysLeft) {
    public static final double LOW_DAYS = 7;
    public static final double CRITICAL_DAYS = 2;

    public enum Level { OK, LOW, CRITICAL }

    /** {@code ratio} 0 (the category gets no slots): it never runs out. */
    public static Runway of(String category, long eligible, int postsPerDay, double ratio) {
        double perDay = postsPerDay * ratio;
        return new Runway(category, eligible, perDay <= 0 ? Double.POSITIVE_INFINITY : eligible / perDay);
    }

    public Level level() {
        return daysLeft <= CRITICAL_DAYS ? Level.CRITICAL : daysLeft <= LOW_DAYS ? Level.LOW : Level.OK;
    }

    /** "merch: 4 days left" (whole days, rounded down; "less than a day", "no end" for an unused category). */
    public String describe() {
        if (Double.isInfinite(daysLeft)) {
            return category + ": not in the mix";
        }
        long days = (long) Math.floor(daysLeft);
        return category + ": " + (days < 1 ? "less than a day left" : days + (days == 1 ? " day left" : " days left"));
    }
}
