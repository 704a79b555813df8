package dev.storyline.posting;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.HistoryPage;
import dev.storyline.bus.QueuePage;
import dev.storyline.bus.RunwayPage;
import dev.storyline.bus.TenantRequest;
import dev.storyline.plan.Runway;
import dev.storyline.plan.Runways;
import dev.storyline.bus.TenantPage;
import dev.storyline.plan.QueueQueries;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/**
 * The queue's read model on the bus, for the admin API: {@code posting.queue} and
 * {@code posting.history} answered from {@link QueueQueries} (the bot and the CLI read the same class
 * directly), and {@code plan.runway} from {@link Runways}. Keeps nothing between messages.
 */
public final class QueueReadsVerticle extends VerticleBase {
    private final Pool pool;
    private TenantRepository tenants;
    private QueueQueries queries;
    private Runways runways;
    private final java.time.Clock clock;

    public QueueReadsVerticle(Pool pool, java.time.Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        tenants = new TenantRepository(pool);
        queries = new QueueQueries(pool);
        runways = new Runways(pool, clock, null);
        return Future.all(
                Consumers.register(vertx.eventBus(), Addresses.POSTING_QUEUE, TenantPage::fromJson, page -> tenants.required(page.tenantId())
                        .compose(t -> queries.upcomingLines(page.tenantId(), page.limit()))
                        .map(lines -> new QueuePage(lines.stream().map(l -> new QueuePage.Line(l.id(), l.scheduledFor(), l.dueAt(), l.route(),
                                l.attempts(), l.lastError(), l.title(), l.category())).toList()).toJson())).completion(),
                Consumers.register(vertx.eventBus(), Addresses.POSTING_HISTORY, TenantPage::fromJson, page -> tenants.required(page.tenantId())
                        .compose(t -> queries.history(page.tenantId(), page.limit()))
                        .map(lines -> new HistoryPage(lines.stream().map(l -> new HistoryPage.Line(l.outcome(), l.completedAt(),
                                l.scheduledFor(), l.dryRun(), l.error(), l.title(), l.who(), l.route(), l.mediaId(), l.permalink())).toList())
                                .toJson())).completion(),
                Consumers.register(vertx.eventBus(), Addresses.PLAN_RUNWAY, TenantRequest::fromJson, request -> tenants.required(request.tenantId())
                        .compose(runways::figures)
                        .map(list -> new RunwayPage(list.stream().map(QueueReadsVerticle::category).toList()).toJson())).completion());
    }

    private static RunwayPage.Category category(Runway r) {
        return new RunwayPage.Category(r.category(), r.eligible(), r.perDay(), Double.isInfinite(r.daysLeft()) ? null : r.daysLeft(),
                r.level().name().toLowerCase(java.util.Locale.ROOT), r.describe());
    }
}
