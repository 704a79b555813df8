package dev.storyline.tenant;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A settings change from the admin API ({@code PATCH /admin/tenants/{id}/settings}), validated with
 * the same rules as the chat ({@link Setting#parse}): {@code postsPerDay}, {@code hours} ("9-21"),
 * {@code timezone}, {@code dryRun}, {@code instagram}. Every problem is named at once; unknown fields
 * are refused, so a typo never passes silently.
 */
public final class TenantSettingsPatch {
    private static final Set<String> FIELDS = Set.of("postsPerDay", "hours", "timezone", "dryRun", "instagram", "performancePlanning", "categoryMix");

    private TenantSettingsPatch() {
    }

    /** @throws IllegalArgumentException naming every bad field */
    public static UnaryOperator<Tenant> parse(JsonObject patch) {
        List<String> problems = new ArrayList<>();
        for (String field : patch.fieldNames()) {
            if (!FIELDS.contains(field)) {
                problems.add(field + ": unknown setting (known: postsPerDay, hours, timezone, dryRun, instagram, performancePlanning, categoryMix)");
            }
        }
        if (patch.isEmpty()) {
            problems.add("nothing to change: send one of postsPerDay, hours, timezone, dryRun, instagram, performancePlanning, categoryMix");
        }
        UnaryOperator<Tenant> edit = t -> t;
        if (patch.containsKey("postsPerDay")) {
            Setting.Parsed parsed = Setting.POSTS_PER_DAY.parse(String.valueOf(patch.getValue("postsPerDay")));
            if (!parsed.valid() || !(patch.getValue("postsPerDay") instanceof Number)) {
                problems.add("postsPerDay: posts per day must be 1–50");
            } else {
                edit = then(edit, t -> t.withPostsPerDay(parsed.number()));
            }
        }
        if (patch.containsKey("hours")) {
            Setting.Parsed parsed = Setting.HOURS.parse(patch.getValue("hours") instanceof String text ? text : "");
            if (!parsed.valid()) {
                problems.add("hours: " + parsed.error() + " (\"21-3\" crosses midnight, \"0-0\" is all day)");
            } else {
                edit = then(edit, t -> t.withHours(parsed.start(), parsed.end()));
            }
        }
        if (patch.containsKey("timezone")) {
            Setting.Parsed parsed = Setting.TIMEZONE.parse(patch.getValue("timezone") instanceof String text ? text : "");
            if (!parsed.valid()) {
                problems.add("timezone: " + parsed.error() + ", use an IANA name such as Europe/Berlin");
            } else {
                edit = then(edit, t -> t.withTimezone(parsed.zone().getId()));
            }
        }
        for (String flag : List.of("dryRun", "instagram", "performancePlanning")) {
            if (patch.containsKey(flag)) {
                if (!(patch.getValue(flag) instanceof Boolean value)) {
                    problems.add(flag + ": must be true or false");
                } else {
                    edit = then(edit, switch (flag) {
                        case "dryRun" -> t -> t.withDryRun(value);
                        case "instagram" -> t -> t.withInstagram(value);
                        default -> t -> t.withPerformancePlanning(value);
                    });
                }
            }
        }
        if (patch.containsKey("categoryMix")) {
            try {
                mix(patch);
            } catch (IllegalArgumentException e) {
                problems.add("categoryMix: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return edit;
    }

    /**
     * The patch's {@code categoryMix} (D27): {@code {"memes": 70, "merch": 30}} in percents adding up to
     * 100; {@code {}} or null ends the mix; empty when the patch does not name it.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static java.util.Optional<CategoryMix> mix(JsonObject patch) {
        if (!patch.containsKey("categoryMix")) {
            return java.util.Optional.empty();
        }
        Object value = patch.getValue("categoryMix");
        if (value == null || value instanceof JsonObject json && json.isEmpty()) {
            return java.util.Optional.of(CategoryMix.NONE);
        }
        if (!(value instanceof JsonObject json)) {
            throw new IllegalArgumentException("must be an object of category → percent, like {\"memes\": 70, \"merch\": 30}");
        }
        java.util.Map<String, Integer> percents = new java.util.LinkedHashMap<>();
        for (String category : json.fieldNames()) {
            if (!(json.getValue(category) instanceof Integer percent) || category.isBlank()) {
                throw new IllegalArgumentException(category + " must have a whole percent from 0 to 100");
            }
            percents.put(category, percent);
        }
        return java.util.Optional.of(CategoryMix.of(percents));
    }

    private static UnaryOperator<Tenant> then(UnaryOperator<Tenant> first, UnaryOperator<Tenant> next) {
        return t -> next.apply(first.apply(t));
    }
}
