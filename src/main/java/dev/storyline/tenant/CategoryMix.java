package dev.storyline.tenant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's category mix (D27): {@code category → percent}, the percents summing to 100. Categories
 * left out get no slots; an empty mix means "even variety" (no mix). Categories are the library's
 * top-level folders, compared without case.
 */
public record CategoryMix(Map<String, Integer> percents) {
    public static final CategoryMix NONE = new CategoryMix(Map.of());
    private static final Pattern ENTRY = Pattern.compile("\\s*([\\p{L}\\p{N}_.-]+)\\s*[:=]?\\s*(\\d{1,3})\\s*%?\\s*");

    public CategoryMix {
        Map<String, Integer> copy = new LinkedHashMap<>();
        percents.forEach((category, percent) -> copy.put(category.toLowerCase(Locale.ROOT), percent));
        percents = Collections.unmodifiableMap(copy);
    }

    public boolean none() {
        return percents.isEmpty();
    }

    /** The share of {@code category} as a fraction (0 when it is left out; null category = none). */
    public double ratio(String category) {
        return category == null ? 0 : percents.getOrDefault(category.toLowerCase(Locale.ROOT), 0) / 100.0;
    }

    /** "memes 70 %, merch 30 %", or "no mix (even variety)". */
    public String describe() {
        if (none()) {
            return "no mix (even variety)";
        }
        List<String> parts = new ArrayList<>();
        percents.forEach((category, percent) -> parts.add(category + " " + percent + " %"));
        return String.join(", ", parts);
    }

    /**
     * Reads "memes 70, merch 30" (also "memes: 70 %; merch=30"); "none" or "off" clears the mix.
     *
     * @throws IllegalArgumentException saying what is wrong: a bad entry, a category twice, percents
     *                                  that do not add up to 100
     */
    public static CategoryMix parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.equalsIgnoreCase("none") || trimmed.equalsIgnoreCase("off")) {
            return NONE;
        }
        Map<String, Integer> percents = new LinkedHashMap<>();
        for (String part : trimmed.split("[,;\\n]+")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = ENTRY.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not 'category percent' (like memes 70)");
            }
            String category = m.group(1).toLowerCase(Locale.ROOT);
            if (percents.put(category, Integer.parseInt(m.group(2))) != null) {
                throw new IllegalArgumentException(category + " is named twice");
            }
        }
        return of(percents);
    }

    /** @throws IllegalArgumentException when a percent is out of 0–100 or they do not add up to 100 */
    public static CategoryMix of(Map<String, Integer> percents) {
        if (percents.isEmpty()) {
            throw new IllegalArgumentException("name at least one category, like memes 70, merch 30 (or none)");
        }
        int sum = 0;
        for (Map.Entry<String, Integer> e : percents.entrySet()) {
            if (e.getValue() < 0 || e.getValue() > 100) {
                throw new IllegalArgumentException(e.getKey() + ": " + e.getValue() + " is not a percent from 0 to 100");
            }
            sum += e.getValue();
        }
        if (sum != 100) {
            throw new IllegalArgumentException("the percents add up to " + sum + ", not 100");
        }
        Map<String, Integer> kept = new LinkedHashMap<>();
        percents.forEach((category, percent) -> {
            if (percent > 0) {
                kept.put(category, percent);
            }
        });
        return new CategoryMix(kept);
    }
}
