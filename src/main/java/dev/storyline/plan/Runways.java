package dev.storyline.plan;

import dev.storyline.notice.Notices;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.CategoryMix;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long each category lasts (D28), and the chat's warnings: one ⚠️ when a category falls to 7
 * days or fewer, one 🔴 at 2 or fewer, each once until the category recovers (more than 7 days
 * again). A tenant without a mix has one runway, its whole library. The tenant's scheduler checks
 * after every top-off; /status, /library and the admin API read the figures.
 */
public final class Runways {
    /** The one runway of a tenant without a mix. */
    public static final String WHOLE_LIBRARY = "library";
    private final Pool pool;
    private final Clock clock;
    private final Notices notices;

    /** {@code notices}: null where nothing is checked (read-only use). */
    public Runways(Pool pool, Clock clock, Notices notices) {
        this.pool = pool;
        this.clock = clock;
        this.notices = notices;
    }

    /** The tenant's runways, shortest first. */
    public Future<List<Runway>> figures(Tenant tenant) {
        return CategoryMixRepository.current(pool, tenant.id()).compose(mix -> RunwayRepository.supply(pool, tenant.id(), clock.instant())
                .map(supply -> compute(mix, supply, tenant.postsPerDay())));
    }

    /** Per mix category (or the whole library without a mix), shortest first. */
    static List<Runway> compute(CategoryMix mix, Map<String, Long> supply, int postsPerDay) {
        List<Runway> runways = new ArrayList<>();
        if (mix.none()) {
            runways.add(Runway.of(WHOLE_LIBRARY, supply.values().stream().mapToLong(Long::longValue).sum(), postsPerDay, 1));
        } else {
            mix.percents().forEach((category, percent) ->
                    runways.add(Runway.of(category, supply.getOrDefault(category.toLowerCase(Locale.ROOT), 0L), postsPerDay, percent / 100.0)));
        }
        runways.sort(Comparator.comparingDouble(Runway::daysLeft).thenComparing(Runway::category));
        return runways;
    }

    /**
     * Warns the chat of every category that fell to a level it was not yet told of, in one
     * transaction with the record that it was told; forgets the categories that recovered. A paused
     * tenant is not warned (nothing is used up), nor one whose library is still empty (the welcome and
     * /status already say so). The warnings it queued.
     */
    public Future<List<Runway>> check(Tenant tenant) {
        if (tenant.paused()) {
            return Future.succeededFuture(List.of());
        }
        Instant now = clock.instant();
        return pool.withTransaction(conn -> CategoryMixRepository.current(conn, tenant.id())
                .compose(mix -> RunwayRepository.supply(conn, tenant.id(), now).map(supply ->
                        supply.values().stream().allMatch(n -> n == 0) ? List.<Runway>of() : compute(mix, supply, tenant.postsPerDay())))
                .compose(runways -> {
                    List<String> low = runways.stream().filter(r -> r.level() != Runway.Level.OK).map(Runway::category).toList();
                    List<Runway> told = new ArrayList<>();
                    Future<Void> chain = RunwayRepository.forgetAllBut(conn, tenant.id(), low);
                    for (Runway runway : runways) {
                        if (runway.level() == Runway.Level.OK) {
                            continue;
                        }
                        chain = chain.compose(v -> RunwayRepository.raise(conn, tenant.id(), runway.category(), runway.level().ordinal(),
                                        runway.daysLeft(), now))
                                .compose(raised -> !raised ? Future.succeededFuture()
                                        : Notices.enqueue(conn, tenant.id(), Notices.TENANT, warning(runway), null, null)
                                                .onSuccess(queued -> told.add(runway)).mapEmpty());
                    }
                    return chain.map(told);
                }))
                .onSuccess(told -> {
                    if (!told.isEmpty()) {
                        notices.nudge();
                    }
                });
    }

    /** The chat's warning for a runway at LOW or CRITICAL. */
    static String warning(Runway runway) {
        boolean library = WHOLE_LIBRARY.equals(runway.category());
        String subject = library ? "The library" : Html.bold(runway.category());
        String rate = perDay(runway.perDay());
        String figures = " (" + runway.eligible() + (runway.eligible() == 1 ? " item" : " items") + " ready, " + rate + " a day)";
        String remedy = library ? "Send images here or add them to the team's media folder."
                : "Add images to its folder " + "<code>" + Html.escape(runway.category() + "/") + "</code>" + " or send them here with "
                        + "<code>#" + Html.escape(runway.category()) + "</code>" + " in the caption.";
        return runway.level() == Runway.Level.CRITICAL
                ? "🔴 Runway: " + subject + " is about to run out: " + Html.escape(runway.left()) + figures + ". "
                        + (library ? "Without new images no stories go out. " : "When it is empty its slots go to other categories. ") + remedy
                : "⚠️ Runway: " + subject + " runs low: " + Html.escape(runway.left()) + figures + ". " + remedy;
    }

    private static String perDay(double perDay) {
        return perDay == Math.rint(perDay) ? String.valueOf((long) perDay) : String.format(Locale.ROOT, "%.1f", perDay);
    }
}
