package dev.storyline.plan;

import dev.storyline.tenant.CategoryMix;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.config.AppConfig;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Tops off a tenant's plan (D9, D14): the slots of the horizon that are missing are inserted with
 * {@code ON CONFLICT (tenant_id, slot_key) DO NOTHING}, each with an eligible image; planned slots
 * the settings no longer produce (another time, another count) are replaced; planned slots still
 * without an image get one when the library has one. One transaction under a per-tenant advisory
 * lock, so two top-offs never pick the same image twice. Running it again changes nothing.
 */
public final class Planner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Planner.class);
    /** What a top-off did. {@code until} is the last local date of the horizon. */
    public record TopOff(int added, int alreadyPlanned, int withoutImage, int replaced, int filled, LocalDate until) {
        public JsonObject toJson() {
            return new JsonObject().put("added", added).put("alreadyPlanned", alreadyPlanned).put("withoutImage", withoutImage)
                    .put("replaced", replaced).put("filled", filled).put("until", until.toString());
        }

        public static TopOff fromJson(JsonObject json) {
            return new TopOff(json.getInteger("added"), json.getInteger("alreadyPlanned"), json.getInteger("withoutImage"),
                    json.getInteger("replaced"), json.getInteger("filled"), LocalDate.parse(json.getString("until")));
        }
    }

    /** How many images of a category performance-aware planning weighs at most in one top-off. */
    private static final int PREFERENCE_DEPTH = 1_000;

    /** An image that may be planned. */
    public record Candidate(long id, String category, String hash) {
    }

    private final Pool pool;
    private final dev.storyline.run.ServiceRunRepository runs;
    private final AppConfig.SchedulingConfig scheduling;
    private final Clock clock;
    private final Supplier<java.util.random.RandomGenerator> random;

    public Planner(Pool pool, AppConfig.SchedulingConfig scheduling, Clock clock) {
        this(pool, scheduling, clock, java.util.concurrent.ThreadLocalRandom::current);
    }

    /** With the chance that decides which picks explore (D31) given, so a test can repeat it. */
    Planner(Pool pool, AppConfig.SchedulingConfig scheduling, Clock clock, Supplier<java.util.random.RandomGenerator> random) {
        this.runs = new dev.storyline.run.ServiceRunRepository(pool, clock);
        this.pool = pool;
        this.scheduling = scheduling;
        this.clock = clock;
        this.random = random;
    }

    public static SlotPlanner.Window window(Tenant tenant) {
        return new SlotPlanner.Window(tenant.postsPerDay(), tenant.postingHoursStart(), tenant.postingHoursEnd(),
                ZoneId.of(tenant.timezone()));
    }

    /**
     * A top-off recorded in {@code service_runs} as {@code plan.top_off}: always when someone asked for
     * it, and for the scheduler's own (start, every 6 h) only when it changed something, so a quiet
     * plan does not fill the table.
     */
    public Future<TopOff> topOff(Tenant tenant, int days, dev.storyline.run.Trigger trigger) {
        boolean asked = trigger != dev.storyline.run.Trigger.STARTUP && trigger != dev.storyline.run.Trigger.SCHEDULE;
        if (asked) {
            return runs.recorded(tenant.id(), "plan.top_off", trigger, null, new io.vertx.core.json.JsonObject().put("days", days),
                    () -> topOff(tenant, days), TopOff::toJson);
        }
        return topOff(tenant, days).compose(result -> result.added() + result.replaced() + result.filled() == 0
                ? Future.succeededFuture(result)
                : runs.start(tenant.id(), "plan.top_off", trigger, null, new io.vertx.core.json.JsonObject().put("days", days))
                        .compose(run -> runs.completed(run, result.toJson())).map(result).otherwise(result));
    }

    public Future<TopOff> topOff(Tenant tenant, int days) {
        Instant now = clock.instant();
        SlotPlanner.Window window = window(tenant);
        List<SlotPlanner.Slot> wanted = SlotPlanner.horizon(tenant.id(), window, now, days);
        LocalDate today = now.atZone(window.zone()).toLocalDate();
        return pool.withTransaction(conn -> PlanRepository.lock(conn, tenant.id())
                .compose(v -> PlanRepository.futurePlanned(conn, tenant.id(), now))
                .compose(planned -> {
                    List<Long> stale = stale(tenant, window, planned);
                    List<QueueItem> empty = planned.stream()
                            .filter(item -> item.mediaItemId() == null && !stale.contains(item.id())).toList();
                    return PlanRepository.deletePlanned(conn, tenant.id(), stale).compose(moved -> PlanRepository
                            .takenKeys(conn, tenant.id(), today.minusDays(1), now.minusSeconds(3 * 86400))
                            .compose(taken -> {
                                List<SlotPlanner.Slot> missing = wanted.stream().filter(slot -> !taken.contains(slot.key())).toList();
                                int needed = missing.size() + empty.size();
                                if (needed == 0) {
                                    return Future.succeededFuture(new TopOff(0, wanted.size(), 0, moved, 0, today.plusDays(days - 1)));
                                }
                                boolean anyPlanned = planned.stream().anyMatch(item -> item.mediaItemId() != null && !stale.contains(item.id()));
                                return CategoryMixRepository.current(conn, tenant.id())
                                        .compose(mix -> picker(conn, tenant, now, needed, mix, missing, empty, anyPlanned))
                                        .compose(picking -> fill(conn, tenant, missing, empty, picking.next()).onSuccess(r -> {
                                            if (!picking.shortfall().get().isEmpty()) {
                                                LOG.info("Tenant {}: the mix lacks images, other categories took those slots: {}",
                                                        tenant.id(), picking.shortfall().get());
                                            }
                                        }))
                                        .map(result -> new TopOff(result[0], wanted.size() - missing.size(), result[2], moved, result[1],
                                                today.plusDays(days - 1)));
                            }));
                }));
    }

    /**
     * What picks the images: without a mix, the D14 order with variety ({@link Picker}); with one, each
     * slot's category from {@link Apportion#sequence} and that category's images in the D14 order
     * ({@link MixPicker}).
     */
    /** How a top-off picks: the next image, and what the mix's categories could not fill themselves. */
    private record Picking(Supplier<Candidate> next, Supplier<Map<String, Integer>> shortfall) {
    }

    private Future<Picking> picker(SqlConnection conn, Tenant tenant, Instant now, int needed, CategoryMix mix,
                                   List<SlotPlanner.Slot> missing, List<QueueItem> empty, boolean anyPlanned) {
        if (!tenant.performancePlanning()) {
            return picker(conn, tenant, now, needed, mix, missing, empty, anyPlanned, Preference.Scores.NONE);
        }
        return PlanRepository.scores(conn, tenant.id(), now)
                .compose(scores -> picker(conn, tenant, now, needed, mix, missing, empty, anyPlanned, scores));
    }

    /**
     * With scores (D31), each category's images are read deeper (the best may not be at the D14
     * order's front) and taken in {@link Preference}'s order.
     */
    private Future<Picking> picker(SqlConnection conn, Tenant tenant, Instant now, int needed, CategoryMix mix,
                                   List<SlotPlanner.Slot> missing, List<QueueItem> empty, boolean anyPlanned, Preference.Scores scores) {
        int depth = scores.none() ? 0 : Math.min(PREFERENCE_DEPTH, 3 * needed + 50);
        java.util.random.RandomGenerator random = this.random.get();
        if (mix.none()) {
            // preferring what performs outranks the variety of categories: the scores decide the order
            return PlanRepository.eligible(conn, tenant.id(), now, scheduling.avoidRepostDays(), Math.max(needed + 20, depth))
                    .compose(found -> PlanRepository.lastCategory(conn, tenant.id())
                            .map(last -> new Picking(new Picker(Preference.ordered(found, scores, random), last, scores.none())::next,
                                    Map::of)));
        }
        List<LocalDate> dates = inOrder(missing, empty).stream().map(target -> target.date(tenant)).toList();
        // a plan started afresh (a new mix, a new team) has no planned slots whose categories count
        Future<Map<String, Integer>> plannedSoFar = anyPlanned ? PlanRepository.plannedCategories(conn, tenant.id(), now)
                : Future.succeededFuture(Map.of());
        return plannedSoFar.compose(planned -> {
            List<String> sequence = Apportion.sequence(mix, planned, dates);
            // each category is read as deep as its share of these slots (and a few more): the library is read once, not once per category
            Map<String, Integer> shares = new LinkedHashMap<>();
            mix.percents().keySet().forEach(category -> shares.put(category, 0));
            sequence.forEach(category -> shares.merge(category, 1, Integer::sum));
            Map<String, Integer> limits = new LinkedHashMap<>();
            shares.forEach((category, share) -> limits.put(category, Math.max(share + 5, depth)));
            return PlanRepository.eligibleIn(conn, tenant.id(), now, scheduling.avoidRepostDays(), limits).compose(found -> {
                boolean lacking = shares.entrySet().stream().anyMatch(e -> found.get(e.getKey()).size() < e.getValue());
                if (!lacking) {
                    return Future.succeededFuture(found);
                }
                // a category cannot fill its share, so the others give its slots: read them as deep as the whole top-off needs
                Map<String, Integer> deep = new LinkedHashMap<>();
                shares.keySet().forEach(category -> deep.put(category, needed + 5));
                return PlanRepository.eligibleIn(conn, tenant.id(), now, scheduling.avoidRepostDays(), deep);
            }).map(found -> {
                Map<String, List<Candidate>> candidates = new LinkedHashMap<>();
                found.forEach((category, list) -> candidates.put(category, Preference.ordered(list, scores, random)));
                MixPicker picker = new MixPicker(mix, candidates, sequence);
                return new Picking(picker::next, picker::shortfall);
            });
        });
    }

    /** A slot that wants an image: one to insert ({@code slot}) or a planned one left empty ({@code item}). */
    private record Target(SlotPlanner.Slot slot, QueueItem item) {
        Instant at() {
            return slot != null ? slot.at() : item.dueAt() != null ? item.dueAt() : item.scheduledFor();
        }

        LocalDate date(Tenant tenant) {
            if (slot != null) {
                return slot.date();
            }
            return item.localDate() != null ? item.localDate() : item.scheduledFor().atZone(ZoneId.of(tenant.timezone())).toLocalDate();
        }
    }

    /** The slots to give images, soonest first: an image added today goes out at the next free slot, not at the horizon's end. */
    private static List<Target> inOrder(List<SlotPlanner.Slot> missing, List<QueueItem> empty) {
        List<Target> targets = new ArrayList<>(missing.size() + empty.size());
        missing.forEach(slot -> targets.add(new Target(slot, null)));
        empty.forEach(item -> targets.add(new Target(null, item)));
        targets.sort(Comparator.comparing(Target::at));
        return targets;
    }

    /** Inserts the missing slots and fills the empty ones, soonest first, with what {@code picker} gives: {added, filled, without image}. */
    private Future<int[]> fill(SqlConnection conn, Tenant tenant, List<SlotPlanner.Slot> missing, List<QueueItem> empty,
                               Supplier<Candidate> picker) {
        List<PlanRepository.NewSlot> inserts = new ArrayList<>();
        List<PlanRepository.Fill> fills = new ArrayList<>();
        int withoutImage = 0;
        for (Target target : inOrder(missing, empty)) {
            Candidate pick = picker.get();
            if (target.slot() != null) {
                SlotPlanner.Slot slot = target.slot();
                inserts.add(new PlanRepository.NewSlot(slot.key(), slot.date(), slot.index(), slot.at(),
                        pick == null ? null : pick.id()));
                withoutImage += pick == null ? 1 : 0;
            } else if (pick != null) {
                fills.add(new PlanRepository.Fill(target.item().id(), pick.id()));
            } else {
                withoutImage++;
            }
        }
        int noImage = withoutImage;
        return PlanRepository.insert(conn, tenant.id(), tenant.dryRun(), inserts)
                .compose(added -> PlanRepository.fill(conn, tenant.id(), fills).map(filled -> new int[] {added, filled, noImage}));
    }

    /** Future planned slots whose time or index the current settings no longer produce (or whose dry-run flag changed). */
    private static List<Long> stale(Tenant tenant, SlotPlanner.Window window, List<QueueItem> planned) {
        Map<LocalDate, List<SlotPlanner.Slot>> days = new HashMap<>();
        List<Long> stale = new ArrayList<>();
        for (QueueItem item : planned) {
            if (item.localDate() == null || item.slotIndex() == null || item.attempts() > 0) {
                continue;
            }
            List<SlotPlanner.Slot> day = days.computeIfAbsent(item.localDate(), d -> SlotPlanner.day(tenant.id(), window, d));
            boolean same = item.slotIndex() < day.size()
                    && Objects.equals(day.get(item.slotIndex()).at(), item.scheduledFor())
                    && item.dryRun() == tenant.dryRun();
            if (!same) {
                stale.add(item.id());
            }
        }
        return stale;
    }

    /** Up to {@code limit} eligible images in the D14 order (for /next, which plans no slot). */
    public static Future<List<Candidate>> eligible(SqlClient client, long tenantId, Instant now, int avoidRepostDays, int limit) {
        return PlanRepository.eligible(client, tenantId, now, avoidRepostDays, limit);
    }

    /**
     * Picks for a mix (D27): each slot's category comes from the sequence, its image is that
     * category's next in the D14 order (each content once). A category with nothing left yields to the
     * mix's next one by share; the shortfall is logged.
     */
    static final class MixPicker {
        private final CategoryMix mix;
        private final Map<String, java.util.ArrayDeque<Candidate>> left = new LinkedHashMap<>();
        private final java.util.Iterator<String> sequence;
        private final Set<String> usedHashes = new HashSet<>();
        private final Map<String, Integer> shortfall = new LinkedHashMap<>();

        MixPicker(CategoryMix mix, Map<String, List<Candidate>> candidates, List<String> sequence) {
            this.mix = mix;
            candidates.forEach((category, list) -> left.put(category, new java.util.ArrayDeque<>(list)));
            this.sequence = sequence.iterator();
        }

        Candidate next() {
            String wanted = sequence.hasNext() ? sequence.next() : mix.percents().keySet().iterator().next();
            Candidate pick = take(wanted);
            if (pick == null) {
                shortfall.merge(wanted, 1, Integer::sum);
                List<String> others = new ArrayList<>(mix.percents().keySet());
                others.sort(java.util.Comparator.comparing((String c) -> -mix.percents().get(c)));
                for (String other : others) {
                    pick = other.equals(wanted) ? null : take(other);
                    if (pick != null) {
                        break;
                    }
                }
            }
            return pick;
        }

        private Candidate take(String category) {
            java.util.ArrayDeque<Candidate> queue = left.get(category);
            while (queue != null && !queue.isEmpty()) {
                Candidate c = queue.poll();
                if (usedHashes.add(c.hash())) {
                    return c;
                }
            }
            return null;
        }

        /** Slots each category could not fill itself. */
        Map<String, Integer> shortfall() {
            return shortfall;
        }
    }

    /** Picks in the D14 order, avoiding the previous pick's category when another is available, and each content once. */
    static final class Picker {
        private final LinkedHashMap<Long, Candidate> left = new LinkedHashMap<>();
        private final Set<String> usedHashes = new HashSet<>();
        private String previousCategory;

        private final boolean variety;

        /** {@code previousCategory}: the category of the slot before the first one picked (the last top-off's), or null. */
        Picker(List<Candidate> candidates, String previousCategory) {
            this(candidates, previousCategory, true);
        }

        /** Without {@code variety}, the candidates are taken in their order (each content once). */
        Picker(List<Candidate> candidates, String previousCategory, boolean variety) {
            candidates.forEach(c -> left.put(c.id(), c));
            this.previousCategory = previousCategory;
            this.variety = variety;
        }

        Candidate next() {
            Candidate first = null;
            Candidate other = null;
            for (Candidate c : left.values()) {
                if (usedHashes.contains(c.hash())) {
                    continue;
                }
                if (first == null) {
                    first = c;
                }
                if (!variety || !Objects.equals(c.category(), previousCategory) || previousCategory == null) {
                    other = c;
                    break;
                }
            }
            Candidate pick = other != null ? other : first;
            if (pick != null) {
                left.remove(pick.id());
                usedHashes.add(pick.hash());
                previousCategory = pick.category();
            }
            return pick;
        }
    }
}
