package dev.storyline.tenant;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a tenant can change from the chat (product.md §2), with their validation. Toggles flip
 * a flag; the others take a typed value, and invalid input gets a precise message.
 */
public enum Setting {
    DRY_RUN("dry", "dry run", true),
    INSTAGRAM("ig", "Instagram", true),
    /** D31: prefer what reached more followers (with an exploration share). */
    PERFORMANCE("perf", "plan by performance", true),
    PAUSED("pause", "posting", true),
    POSTS_PER_DAY("ppd", "posts per day", false),
    HOURS("hours", "posting hours", false),
    TIMEZONE("tz", "time zone", false),
    /** The category mix (D27), typed as "memes 70, merch 30"; its −/+ screen is the bot's MixFlow. */
    MIX("mix", "category mix", false);

    private static final Pattern HOURS_PATTERN = Pattern.compile("\\s*(\\d{1,2})\\s*[-–—]\\s*(\\d{1,2})\\s*");

    private final String wire;
    private final String label;
    private final boolean toggle;

    Setting(String wire, String label, boolean toggle) {
        this.wire = wire;
        this.label = label;
        this.toggle = toggle;
    }

    /** In callback data. */
    public String wire() {
        return wire;
    }

    public String label() {
        return label;
    }

    public boolean isToggle() {
        return toggle;
    }

    public static Optional<Setting> fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
    }

    /** What to ask for, for settings that take a value. */
    public String prompt() {
        return switch (this) {
            case POSTS_PER_DAY -> "How many stories per day? Reply with a number from 1 to 50.";
            case HOURS -> "Which hours may stories go out? Reply like 9-21 (21-3 crosses midnight, 0-0 is all day).";
            case TIMEZONE -> "Which time zone? Reply with an IANA name such as Europe/Berlin or America/New_York.";
            case MIX -> "Which category mix? Reply like memes 70, merch 30 (percents of the slots, adding up to 100), or none.";
            default -> throw new IllegalStateException(this + " is a toggle");
        };
    }

    /** A validated new value, or the reason it is not one. */
    public record Parsed(Integer number, Integer start, Integer end, ZoneId zone, CategoryMix mix, String error) {
        public boolean valid() {
            return error == null;
        }
    }

    public Parsed parse(String input) {
        String text = input == null ? "" : input.strip();
        return switch (this) {
            case POSTS_PER_DAY -> {
                try {
                    int value = Integer.parseInt(text);
                    yield value >= 1 && value <= 50 ? new Parsed(value, null, null, null, null, null)
                            : error("posts per day must be 1–50");
                } catch (NumberFormatException e) {
                    yield error("posts per day must be 1–50");
                }
            }
            case HOURS -> {
                Matcher m = HOURS_PATTERN.matcher(text);
                if (!m.matches()) {
                    yield error("hours look like 9-21");
                }
                int start = Integer.parseInt(m.group(1));
                int end = Integer.parseInt(m.group(2));
                yield start <= 23 && end <= 23 ? new Parsed(null, start, end, null, null, null) : error("hours are 0–23, like 9-21");
            }
            case TIMEZONE -> {
                try {
                    yield text.isEmpty() || text.length() > 64 ? error("unknown time zone")
                            : new Parsed(null, null, null, ZoneId.of(text), null, null);
                } catch (DateTimeException e) {
                    yield error("unknown time zone");
                }
            }
            case MIX -> {
                try {
                    yield new Parsed(null, null, null, null, CategoryMix.parse(text), null);
                } catch (IllegalArgumentException e) {
                    yield error(e.getMessage());
                }
            }
            default -> throw new IllegalStateException(this + " is a toggle");
        };
    }

    private static Parsed error(String message) {
        return new Parsed(null, null, null, null, null, message);
    }
}
