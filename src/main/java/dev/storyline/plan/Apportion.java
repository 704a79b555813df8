package dev.storyline.plan;

import dev.storyline.tenant.CategoryMix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a mix shares slots out (D27). Counts follow the ratios by largest remainder, over each day and
 * over the whole horizon at once: a day's counts are the difference of the cumulative counts, so the
 * days add up to the horizon's apportionment (7 days × 5 at 70/30: 24 or 25 and 10 or 11). Within a
 * day the categories are interleaved by smooth weighted round-robin, so one does not repeat while
 * another is due. Ties go to the larger share, then to the name, so the plan is the same every time.
 */
public final class Apportion {
    private Apportion() {
    }

    /** {@code slots} shared by largest remainder; every category of the mix appears, with 0 if need be. */
    public static Map<String, Integer> counts(CategoryMix mix, int slots) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(mix.percents().entrySet());
        int given = 0;
        for (Map.Entry<String, Integer> e : entries) {
            int whole = slots * e.getValue() / 100;
            counts.put(e.getKey(), whole);
            given += whole;
        }
        entries.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(e -> slots * e.getValue() % 100).reversed()
                .thenComparing(Map.Entry.<String, Integer>comparingByValue().reversed())
                .thenComparing(Map.Entry.comparingByKey()));
        for (int i = 0; given < slots && i < entries.size(); i++, given++) {
            counts.merge(entries.get(i).getKey(), 1, Integer::sum);
        }
        return counts;
    }

    /** Each day's counts for {@code slotsPerDay}, adding up to the horizon's largest-remainder counts. */
    public static List<Map<String, Integer>> perDay(CategoryMix mix, int[] slotsPerDay) {
        List<Map<String, Integer>> days = new ArrayList<>();
        Map<String, Integer> before = counts(mix, 0);
        int total = 0;
        for (int slots : slotsPerDay) {
            total += slots;
            Map<String, Integer> upTo = counts(mix, total);
            Map<String, Integer> day = new LinkedHashMap<>();
            for (String category : mix.percents().keySet()) {
                day.put(category, upTo.get(category) - before.get(category));
            }
            days.add(day);
            before = upTo;
        }
        return days;
    }

    /**
     * The category of each slot to fill, in time order ({@code days}: each slot's local date). With
     * nothing planned yet (a first plan, or after a mix change) each day and the horizon follow the
     * ratios ({@link #perDay}); otherwise the new slots make up what the planned ones lack, so the
     * horizon as a whole keeps to the ratios.
     */
    public static List<String> sequence(CategoryMix mix, Map<String, Integer> planned, List<java.time.LocalDate> days) {
        List<String> sequence = new ArrayList<>(days.size());
        if (days.isEmpty()) {
            return sequence;
        }
        int alreadyInMix = 0;
        for (String category : mix.percents().keySet()) {
            alreadyInMix += planned.getOrDefault(category, 0);
        }
        if (alreadyInMix == 0) {
            Map<java.time.LocalDate, Integer> perDate = new LinkedHashMap<>();
            days.forEach(d -> perDate.merge(d, 1, Integer::sum));
            List<Map<String, Integer>> counts = perDay(mix, perDate.values().stream().mapToInt(Integer::intValue).toArray());
            counts.forEach(day -> sequence.addAll(order(day)));
            return sequence;
        }
        Map<String, Integer> desired = counts(mix, alreadyInMix + days.size());
        Map<String, Integer> remaining = new LinkedHashMap<>();
        int sum = 0;
        for (String category : mix.percents().keySet()) {
            int left = Math.max(0, desired.get(category) - planned.getOrDefault(category, 0));
            remaining.put(category, left);
            sum += left;
        }
        while (sum > days.size()) { // a category planned beyond its share: the others give back, the largest first
            String most = remaining.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(e -> -mix.percents().get(e.getKey()))).orElseThrow().getKey();
            remaining.merge(most, -1, Integer::sum);
            sum--;
        }
        sequence.addAll(order(remaining));
        return sequence;
    }

    /** The order of a day's slots by smooth weighted round-robin over its counts. */
    public static List<String> order(Map<String, Integer> counts) {
        Map<String, Integer> current = new LinkedHashMap<>();
        counts.keySet().forEach(category -> current.put(category, 0));
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        List<String> order = new ArrayList<>(total);
        Map<String, Integer> left = new LinkedHashMap<>(counts);
        for (int i = 0; i < total; i++) {
            String best = null;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (left.get(e.getKey()) == 0) {
                    continue;
                }
                int value = current.merge(e.getKey(), e.getValue(), Integer::sum);
                if (best == null || value > current.get(best)) {
                    best = e.getKey();
                }
            }
            current.merge(best, -total, Integer::sum);
            left.merge(best, -1, Integer::sum);
            order.add(best);
        }
        return order;
    }
}
