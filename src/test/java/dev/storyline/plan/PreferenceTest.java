package dev.storyline.plan;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Performance-aware selection (D31) over 1,000 simulated slots: a library of 70 images in three
 * categories whose stories reached 10 %, 5 % and 2 % of the followers (and 10 new images without any
 * story), each image resting 20 slots after it went out, as the repost lock makes it. The preference
 * shows in what goes out; the exploration share keeps every image coming, the new ones too.
 */
class PreferenceTest {
    private static final int SLOTS = 1_000;
    private static final int REST = 20;

    private record Run(Map<String, Integer> byCategory, Map<Long, Integer> byItem, Map<Long, Integer> longestWait, int explored) {
    }

    private static List<Planner.Candidate> library() {
        List<Planner.Candidate> items = new ArrayList<>();
        long id = 1;
        for (String category : List.of("reels", "memes", "quotes")) {
            for (int i = 0; i < 20; i++) {
                items.add(new Planner.Candidate(id++, category, "h" + id));
            }
        }
        for (int i = 0; i < 10; i++) {
            items.add(new Planner.Candidate(id++, "memes", "h" + id)); // new: no story yet
        }
        return items;
    }

    private static Preference.Scores scores(List<Planner.Candidate> library) {
        Map<Long, double[]> items = new LinkedHashMap<>();
        Map<Long, String> categories = new HashMap<>();
        Map<String, Double> reach = Map.of("reels", 0.10, "memes", 0.05, "quotes", 0.02);
        Random noise = new Random(7);
        for (Planner.Candidate c : library.subList(0, 60)) {
            items.put(c.id(), new double[] {reach.get(c.category()) * (0.8 + 0.4 * noise.nextDouble()), 3});
            categories.put(c.id(), c.category());
        }
        return Preference.of(items, categories);
    }

    /** Each slot takes the first of {@link Preference#order} over what is eligible then, in the D14 order. */
    private static Run simulate(Preference.Scores scores, double explore, long seed) {
        List<Planner.Candidate> library = library();
        Random random = new Random(seed);
        Map<Long, Integer> lastPosted = new HashMap<>();
        Map<Long, Integer> byItem = new HashMap<>();
        Map<Long, Integer> longestWait = new HashMap<>();
        Map<String, Integer> byCategory = new HashMap<>();
        int explored = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            int now = slot;
            List<Planner.Candidate> eligible = library.stream()
                    .filter(c -> !lastPosted.containsKey(c.id()) || now - lastPosted.get(c.id()) > REST)
                    .sorted(Comparator.comparingInt((Planner.Candidate c) -> lastPosted.getOrDefault(c.id(), -1_000_000))
                            .thenComparingLong(Planner.Candidate::id))
                    .toList();
            Preference.Pick pick = Preference.order(eligible, scores, explore, random).get(0);
            long id = pick.candidate().id();
            longestWait.merge(id, slot - lastPosted.getOrDefault(id, 0), Math::max);
            lastPosted.put(id, slot);
            byItem.merge(id, 1, Integer::sum);
            byCategory.merge(pick.candidate().category(), 1, Integer::sum);
            explored += pick.explored() ? 1 : 0;
        }
        return new Run(byCategory, byItem, longestWait, explored);
    }

    @Test
    @DisplayName("over 1,000 slots the best-reaching category goes out most, one pick in five explores, and every image keeps coming")
    void preferenceAndExploration() {
        List<Planner.Candidate> library = library();
        Run preferred = simulate(scores(library), Preference.EXPLORE, 42);
        Run plain = simulate(Preference.Scores.NONE, Preference.EXPLORE, 42);

        // off (no scores): the D14 order rotates the library evenly, 20 reels for 30 memes
        assertThat(plain.byCategory().get("reels")).isBetween(270, 300);
        assertThat(plain.byCategory().get("quotes")).isBetween(270, 300);

        // on: reels (10 % of the followers) go out far more often than quotes (2 %)
        assertThat(preferred.byCategory().get("reels")).isGreaterThan(450);
        assertThat(preferred.byCategory().get("quotes")).isLessThan(150);
        assertThat(preferred.byCategory().get("reels")).isGreaterThan(4 * preferred.byCategory().get("quotes"));

        // the exploration share: one pick in five, give or take chance
        assertThat(preferred.explored()).isBetween(160, 240);

        // never starved: every image, the new ones too, went out, and none waited longer than the library's size over the
        // exploration share (70 / 0.2 = 350 slots: the unfavoured ones come round by exploring alone)
        assertThat(preferred.byItem()).hasSize(70);
        assertThat(preferred.longestWait().values()).allSatisfy(wait -> assertThat(wait).isLessThanOrEqualTo(350));
        library.subList(60, 70).forEach(newcomer -> assertThat(preferred.byItem().get(newcomer.id())).isGreaterThanOrEqualTo(3));
    }

    @Test
    @DisplayName("an image without stories counts its category's average, a category without any the team's; no scores keep the D14 order")
    void fallbacks() {
        Map<Long, double[]> items = new LinkedHashMap<>(Map.of(1L, new double[] {0.10, 1}, 2L, new double[] {0.02, 3}));
        Map<Long, String> categories = Map.of(1L, "reels", 2L, "quotes");
        Preference.Scores scores = Preference.of(items, categories);
        assertThat(scores.of(new Planner.Candidate(9, "Reels", "x"))).isEqualTo(0.10);
        assertThat(scores.of(new Planner.Candidate(9, "other", "x"))).isCloseTo(0.04, org.assertj.core.data.Offset.offset(1e-9));
        List<Planner.Candidate> d14 = List.of(new Planner.Candidate(2, "quotes", "a"), new Planner.Candidate(1, "reels", "b"));
        assertThat(Preference.order(d14, scores, 0, new Random(1)).get(0).candidate().id()).isEqualTo(1);
        assertThat(Preference.order(d14, scores, 1, new Random(1)).get(0).candidate().id()).as("exploring: the D14 order").isEqualTo(2);
        assertThat(Preference.order(d14, Preference.Scores.NONE, 0, new Random(1)).stream().map(p -> p.candidate().id()))
                .containsExactly(2L, 1L);
    }
}
