package dev.storyline.tenant;

import dev.storyline.bus.TenantChanged;
import dev.storyline.notice.Notices;
import io.vertx.core.Future;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the Storyline admin does to a tenant from outside its chat, the same whether the admin chat's
 * buttons, the admin API or the CLI asks: approve or decline (the decision row), pause or resume (one
 * recorded settings change); each tells the chat the same words through the durable notices and
 * announces {@code tenant.changed} when there is a bus (the CLI has none: the server's next look at
 * the tenants, within a minute, picks the change up).
 */
public final class TenantAdmin {
    private final TenantRepository tenants;
    private final Notices notices;
    private final Consumer<TenantChanged> announce;
    private final Clock clock;

    /** {@code announce}: publishes {@code tenant.changed} (a no-op in the CLI). */
    public TenantAdmin(TenantRepository tenants, Notices notices, Consumer<TenantChanged> announce, Clock clock) {
        this.tenants = tenants;
        this.notices = notices;
        this.announce = announce;
        this.clock = clock;
    }

    /** Approves or declines a waiting (or declined) tenant; empty when it is not in a state that allows it. */
    public Future<Optional<Tenant>> decide(long chatId, boolean approve, Long decidedBy) {
        return tenants.decide(chatId, approve, decidedBy).compose(decided -> {
            if (decided.isEmpty()) {
                return Future.succeededFuture(decided);
            }
            announce.accept(new TenantChanged(chatId, approve ? "approved" : "declined"));
            return notices.send(chatId, Notices.REGISTRATION, approve ? TenantNotices.APPROVED : TenantNotices.DECLINED, null, null)
                    .map(decided);
        });
    }

    /** Pauses or resumes an approved tenant, recorded as {@code actor} did it; the chat is told when something changed. */
    public Future<TenantRepository.Change> setPaused(Tenant tenant, boolean paused, TenantRepository.Actor actor, String why) {
        return tenants.change(tenant, actor, t -> t.withPaused(paused, paused ? why : null), clock.instant()).compose(change -> {
            if (!change.applied()) {
                return Future.succeededFuture(change);
            }
            announce.accept(new TenantChanged(tenant.id(), paused ? "paused" : "resumed"));
            return notices.send(tenant.id(), Notices.TENANT, paused ? TenantNotices.PAUSED : TenantNotices.RESUMED, null, null)
                    .map(change);
        });
    }
}
