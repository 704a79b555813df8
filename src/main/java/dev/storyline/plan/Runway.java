package dev.storyline.plan;

/**
 * How long a category lasts (D28): days left = eligible items ÷ (posts a day × the category's share).
 * At 7 days or fewer the team is warned (⚠️), at 2 or fewer told it is critical (🔴), once per level
 * until the category recovers.
 */
public record Runway(String category, long eligible, double perDay, double daysLeft) {
    public static final double LOW_DAYS = 7;
    public static final double CRITICAL_DAYS = 2;

    public enum Level { OK, LOW, CRITICAL }

    /** {@code ratio} 0 (the category gets no slots): it never runs out. */
    public static Runway of(String category, long eligible, int postsPerDay, double ratio) {
        double perDay = postsPerDay * ratio;
        return new Runway(category, eligible, perDay, perDay <= 0 ? Double.POSITIVE_INFINITY : eligible / perDay);
    }

    public Level level() {
        return daysLeft <= CRITICAL_DAYS ? Level.CRITICAL : daysLeft <= LOW_DAYS ? Level.LOW : Level.OK;
    }

    /** "merch: 4 days left" (whole days, rounded down; "less than a day", "not in the mix" for an unused category). */
    public String describe() {
        return category + ": " + left();
    }

    /** "4 days left", "1 day left", "less than a day left", "not in the mix". */
    public String left() {
        if (Double.isInfinite(daysLeft)) {
            return "not in the mix";
        }
        long days = (long) Math.floor(daysLeft);
        return days < 1 ? "less than a day left" : days + (days == 1 ? " day left" : " days left");
    }

    /** "merch: 4 days left ⚠️" for read-outs. */
    public String line() {
        return describe() + switch (level()) {
            case OK -> "";
            case LOW -> " ⚠️";
            case CRITICAL -> " 🔴";
        };
    }
}
