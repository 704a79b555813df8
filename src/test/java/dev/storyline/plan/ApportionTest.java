package dev.storyline.plan;

import dev.storyline.tenant.CategoryMix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The category mix's arithmetic (D27, D28): largest remainder, spreading, runway. */
class ApportionTest {
    private static Map<String, Integer> sum(List<Map<String, Integer>> days) {
        Map<String, Integer> total = new LinkedHashMap<>();
        days.forEach(day -> day.forEach((category, n) -> total.merge(category, n, Integer::sum)));
        return total;
    }

    private static int[] days(int count, int perDay) {
        int[] days = new int[count];
        java.util.Arrays.fill(days, perDay);
        return days;
    }

    @Test
    @DisplayName("70/30 over 7 days × 5: 24–25 and 10–11 over the horizon, each day 3–4 and 1–2")
    void seventyThirty() {
        CategoryMix mix = CategoryMix.parse("memes 70, merch 30");
        List<Map<String, Integer>> days = Apportion.perDay(mix, days(7, 5));
        Map<String, Integer> total = sum(days);
        assertThat(total.get("memes")).isBetween(24, 25);
        assertThat(total.get("merch")).isBetween(10, 11);
        assertThat(total.get("memes") + total.get("merch")).isEqualTo(35);
        assertThat(days).allSatisfy(day -> {
            assertThat(day.get("memes")).isBetween(3, 4);
            assertThat(day.get("merch")).isBetween(1, 2);
        });
    }

    @Test
    @DisplayName("50/30/20 over 10 slots is 5, 3, 2; over 7 it is 4 (or 3), 2, 1 by the largest remainders")
    void threeWays() {
        CategoryMix mix = CategoryMix.parse("a 50, b 30, c 20");
        assertThat(Apportion.counts(mix, 10)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 5, "b", 3, "c", 2));
        Map<String, Integer> seven = Apportion.counts(mix, 7);
        assertThat(seven.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);
        assertThat(seven).containsEntry("b", 2).containsEntry("c", 1); // 3.5, 2.1, 1.4: a and b's .5 and .1 — a gets the one left
        assertThat(seven.get("a")).isEqualTo(4);
    }

    @Test
    @DisplayName("100/0: the left-out category gets nothing, every slot goes to the other")
    void hundredZero() {
        CategoryMix mix = CategoryMix.of(Map.of("memes", 100, "merch", 0));
        assertThat(mix.percents()).containsOnlyKeys("memes");
        assertThat(sum(Apportion.perDay(mix, days(7, 3)))).containsExactly(Map.entry("memes", 21));
        assertThat(mix.ratio("merch")).isZero();
    }

    @Test
    @DisplayName("spreading: no category runs a whole slot ahead of its share at any point (70/30 of 10, 50/30/20 of 10)")
    void spread() {
        for (Map<String, Integer> counts : List.of(Map.of("memes", 7, "merch", 3), Map.of("a", 5, "b", 3, "c", 2))) {
            List<String> order = Apportion.order(counts);
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(order).hasSize(total);
            counts.forEach((category, n) -> {
                assertThat(Collections.frequency(order, category)).isEqualTo(n);
                for (int k = 1; k <= total; k++) {
                    long sofar = order.subList(0, k).stream().filter(category::equals).count();
                    assertThat(sofar - (double) k * n / total).as(category + " after " + k + " in " + order).isLessThan(1.0);
                }
            });
            for (int i = 0; i + 3 < order.size(); i++) {
                assertThat(order.subList(i, i + 4).stream().distinct().count()).as("a mix of two or more within any 4 slots: " + order)
                        .isGreaterThan(1);
            }
        }
        assertThat(Apportion.order(Map.of("a", 1, "b", 1))).containsExactlyInAnyOrder("a", "b");
        assertThat(Apportion.order(Map.of("a", 2, "b", 0))).containsExactly("a", "a");
    }

    @Test
    @DisplayName("a mix change mid-horizon: the days after the change follow the new mix, the days before keep theirs")
    void changeMidHorizon() {
        List<Map<String, Integer>> before = Apportion.perDay(CategoryMix.parse("memes 70, merch 30"), days(3, 5));
        List<Map<String, Integer>> after = Apportion.perDay(CategoryMix.parse("memes 20, merch 80"), days(4, 5));
        assertThat(sum(before).get("memes")).isBetween(10, 11);
        assertThat(sum(after).get("merch")).isEqualTo(16);
        assertThat(sum(after).get("memes")).isEqualTo(4);
    }

    @Test
    @DisplayName("a later top-off makes up what the planned slots lack, so the horizon keeps to the ratios")
    void sequenceTopsUp() {
        CategoryMix mix = CategoryMix.parse("memes 70, merch 30");
        java.time.LocalDate day = java.time.LocalDate.parse("2026-12-10");
        List<java.time.LocalDate> five = List.of(day, day, day, day, day);
        // 30 planned at 21/9 (one merch over): the next 5 bring the 35 to 25/10
        assertThat(Apportion.sequence(mix, Map.of("memes", 21, "merch", 9), five)).containsOnly("memes", "merch")
                .filteredOn("merch"::equals).hasSize(1);
        // merch planned far beyond its share: every new slot is memes
        assertThat(Apportion.sequence(mix, Map.of("memes", 0, "merch", 20), five)).containsOnly("memes").hasSize(5);
        // only categories out of the mix planned: as a first plan, by day
        assertThat(Apportion.sequence(mix, Map.of("old", 9), five)).filteredOn("memes"::equals).hasSize(4);
    }

    @Test
    @DisplayName("the mix is read from the chat's words and refuses what does not add up, naming why")
    void parsing() {
        assertThat(CategoryMix.parse("Memes: 70 %; merch=30").percents()).containsExactly(Map.entry("memes", 70), Map.entry("merch", 30));
        assertThat(CategoryMix.parse("none").none()).isTrue();
        assertThat(CategoryMix.parse("memes 70, merch 30").describe()).isEqualTo("memes 70 %, merch 30 %");
        assertThatThrownBy(() -> CategoryMix.parse("memes 70, merch 20")).hasMessageContaining("add up to 90");
        assertThatThrownBy(() -> CategoryMix.parse("memes lots")).hasMessageContaining("'memes lots'");
        assertThatThrownBy(() -> CategoryMix.parse("memes 50, Memes 50")).hasMessageContaining("named twice");
        assertThatThrownBy(() -> CategoryMix.parse("")).hasMessageContaining("at least one category");
    }

    @Test
    @DisplayName("runway: eligible ÷ (posts a day × share); warned at 7 days, critical at 2, never for a category out of the mix")
    void runway() {
        Runway merch = Runway.of("merch", 6, 5, 0.3); // 1.5 a day → 4 days
        assertThat(merch.daysLeft()).isEqualTo(4.0);
        assertThat(merch.level()).isEqualTo(Runway.Level.LOW);
        assertThat(merch.describe()).isEqualTo("merch: 4 days left");
        assertThat(Runway.of("memes", 3, 1, 1.0).level()).isEqualTo(Runway.Level.LOW);
        assertThat(Runway.of("memes", 2, 1, 1.0).level()).isEqualTo(Runway.Level.CRITICAL);
        assertThat(Runway.of("memes", 100, 5, 0.7).level()).isEqualTo(Runway.Level.OK);
        assertThat(Runway.of("memes", 0, 5, 0.7).describe()).isEqualTo("memes: less than a day left");
        assertThat(Runway.of("old", 0, 5, 0).level()).isEqualTo(Runway.Level.OK);
        assertThat(Runway.of("old", 0, 5, 0).describe()).isEqualTo("old: not in the mix");
    }
}
