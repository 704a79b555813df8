package dev.storyline.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Performance-aware selection (D31), for teams that turn it on: among the images the D14 order offers
 * (eligible: active, unlocked, not queued, not reposted too soon; the mix has already chosen their
 * category), prefer the ones whose earlier stories reached more of the account's followers. An image
 * without stories of its own counts its category's average; a category without any, the team's. So
 * that nothing is starved and new images keep coming, a share of the picks ({@link #EXPLORE}, one in
 * five) ignores the scores and takes the D14 order's next (never posted first, then the longest
 * unposted). Without scores the D14 order is kept as it is.
 */
public final class Preference {
    /** The share of picks that explore (take the D14 order's next). */
    public static final double EXPLORE = 0.2;

    /** Reach per follower of each image that has stories, and of each category (lower case), averaged over their stories. */
    public record Scores(Map<Long, Double> items, Map<String, Double> categories, double overall) {
        public static final Scores NONE = new Scores(Map.of(), Map.of(), 0);

        public boolean none() {
            return items.isEmpty();
        }

        /** The image's own score, else its category's, else the team's. */
        public double of(Planner.Candidate c) {
            Double own = items.get(c.id());
            if (own != null) {
                return own;
            }
            Double category = c.category() == null ? null : categories.get(c.category().toLowerCase(java.util.Locale.ROOT));
            return category != null ? category : overall;
        }
    }

    /** A pick and whether it explored. */
    public record Pick(Planner.Candidate candidate, boolean explored) {
    }

    private Preference() {
    }

    /**
     * The candidates in the order they should be taken: for each position, with probability
     * {@code explore} the D14 order's next, else the best-scoring one left (ties in the D14 order).
     */
    public static List<Pick> order(List<Planner.Candidate> d14, Scores scores, double explore, RandomGenerator random) {
        List<Pick> picks = new ArrayList<>(d14.size());
        if (scores.none()) {
            d14.forEach(c -> picks.add(new Pick(c, true)));
            return picks;
        }
        LinkedHashMap<Long, Planner.Candidate> left = new LinkedHashMap<>();
        d14.forEach(c -> left.putIfAbsent(c.id(), c));
        List<Planner.Candidate> byScore = new ArrayList<>(left.values());
        byScore.sort(java.util.Comparator.comparingDouble((Planner.Candidate c) -> -scores.of(c))); // stable: ties keep the D14 order
        int best = 0;
        while (!left.isEmpty()) {
            boolean explored = random.nextDouble() < explore;
            Planner.Candidate pick;
            if (explored) {
                pick = left.values().iterator().next();
            } else {
                while (!left.containsKey(byScore.get(best).id())) {
                    best++;
                }
                pick = byScore.get(best);
            }
            left.remove(pick.id());
            picks.add(new Pick(pick, explored));
        }
        return picks;
    }

    /** {@link #order} as plain candidates. */
    static List<Planner.Candidate> ordered(List<Planner.Candidate> d14, Scores scores, RandomGenerator random) {
        return order(d14, scores, EXPLORE, random).stream().map(Pick::candidate).toList();
    }

    /** Category and team averages from each image's score and story count. */
    static Scores of(Map<Long, double[]> items, Map<Long, String> categories) {
        if (items.isEmpty()) {
            return Scores.NONE;
        }
        Map<Long, Double> own = new LinkedHashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>();
        double total = 0;
        double stories = 0;
        for (Map.Entry<Long, double[]> e : items.entrySet()) {
            double score = e.getValue()[0];
            double count = e.getValue()[1];
            own.put(e.getKey(), score);
            String category = categories.get(e.getKey());
            if (category != null) {
                double[] sum = sums.computeIfAbsent(category, k -> new double[2]);
                sum[0] += score * count;
                sum[1] += count;
            }
            total += score * count;
            stories += count;
        }
        Map<String, Double> byCategory = new LinkedHashMap<>();
        sums.forEach((category, sum) -> byCategory.put(category, sum[0] / sum[1]));
        return new Scores(own, byCategory, stories == 0 ? 0 : total / stories);
    }
}
