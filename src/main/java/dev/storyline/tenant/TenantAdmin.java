package dev.storyline.tenant;

import dev.storyline.bus.TenantChanged;
import dev.storyline.notice.Notices;
import io.vertx.core.Future;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Every change to a tenant, whoever asks: approve or decline (the decision row, from the admin chat's
 * buttons, the admin API or the CLI), pause or resume, and settings changes (from the chat, the admin
 * API or the CLI). Each is one recorded change ({@code tenant_settings_history} through
 * {@link TenantRepository#change}) and announces {@code tenant.changed} when there is a bus (the CLI
 * has none: the server's next look at the tenants, within a minute, picks the change up). A change
 * made from outside the chat tells the chat through the durable notices ({@link TenantNotices}); one
 * made in the chat is answered there by the bot. Registration has one entry point, the bot
 * ({@code RegistrationFlow}), as a chat only becomes a tenant by adding the bot.
 */
public final class TenantAdmin {
    private final TenantRepository tenants;
    private final CategoryMixRepository mixes;
    private final Notices notices;
    private final Consumer<TenantChanged> announce;
    private final Clock clock;

    /** {@code announce}: publishes {@code tenant.changed} (a no-op in the CLI). */
    public TenantAdmin(TenantRepository tenants, Notices notices, Consumer<TenantChanged> announce, Clock clock) {
        this(tenants, null, notices, announce, clock);
    }

    /** {@code mixes}: where category mixes are kept; null where none are changed (the admin chat's buttons, the CLI's pause). */
    public TenantAdmin(TenantRepository tenants, CategoryMixRepository mixes, Notices notices, Consumer<TenantChanged> announce, Clock clock) {
        this.mixes = mixes;
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
        return change(tenant, actor, t -> t.withPaused(paused, paused ? why : null), paused ? "paused" : "resumed").compose(change ->
                !change.applied() || change.before().paused() == paused ? Future.succeededFuture(change)
                        : notices.send(tenant.id(), Notices.TENANT, paused ? TenantNotices.PAUSED : TenantNotices.RESUMED, null, null)
                                .map(change));
    }

    /**
     * Changes settings from outside the chat (the admin API, the CLI), validated by the caller with the
     * chat's own rules ({@link Setting#parse}, {@link TenantSettingsPatch}); the chat is told what changed.
     */
    public Future<TenantRepository.Change> changeSettings(Tenant tenant, TenantRepository.Actor actor, UnaryOperator<Tenant> edit) {
        return changeSettings(tenant, actor, edit, java.util.Optional.empty());
    }

    /**
     * As above, with a new category mix when {@code mix} is present (D27: kept in its own history, the
     * untried slots planned again); the chat hears every change in one message.
     */
    public Future<TenantRepository.Change> changeSettings(Tenant tenant, TenantRepository.Actor actor, UnaryOperator<Tenant> edit,
                                                          java.util.Optional<CategoryMix> mix) {
        // only the mix changes: no settings row, no version bump for the tenant itself
        Future<TenantRepository.Change> recorded = edit.apply(tenant).equals(tenant)
                ? Future.succeededFuture(new TenantRepository.Change(tenant, tenant, false)) : change(tenant, actor, edit, "settings");
        return recorded.compose(change -> {
            Future<String> mixLine = mix.isEmpty() ? Future.succeededFuture("")
                    : recordMix(tenant, actor, mix.get()).map(replaced -> replaced.map(old -> mixLine(old, mix.get())).orElse(""));
            return mixLine.compose(line -> {
                String told = TenantNotices.settingsChanged(change.before(), change.applied() ? change.tenant() : change.before(), line);
                return told.isEmpty() ? Future.succeededFuture(change)
                        : notices.send(tenant.id(), Notices.TENANT, told, null, null).map(change);
            });
        });
    }

    /**
     * Sets the category mix alone (the CLI's {@code mix set}); the chat is told. The mix it replaced,
     * empty when it was the mix already.
     */
    public Future<java.util.Optional<CategoryMix>> changeMix(Tenant tenant, TenantRepository.Actor actor, CategoryMix mix) {
        return recordMix(tenant, actor, mix).compose(replaced -> replaced.isEmpty() ? Future.succeededFuture(replaced)
                : notices.send(tenant.id(), Notices.TENANT, TenantNotices.settingsChanged(tenant, tenant, mixLine(replaced.get(), mix)),
                        null, null).map(replaced));
    }

    /**
     * Keeps the mix in its history (the untried slots planned again) and announces it; the mix it
     * replaced, if any. The chat's own change comes here directly (the bot answers it in the chat).
     */
    public Future<java.util.Optional<CategoryMix>> recordMix(Tenant tenant, TenantRepository.Actor actor, CategoryMix mix) {
        if (mixes == null) {
            return Future.failedFuture(new IllegalStateException("this TenantAdmin was made without the category mixes"));
        }
        return mixes.set(tenant.id(), mix, clock.instant(), actor.userId(), actor.source())
                .onSuccess(replaced -> replaced.ifPresent(old -> announce.accept(new TenantChanged(tenant.id(), "category mix"))));
    }

    private static String mixLine(CategoryMix before, CategoryMix after) {
        return "category mix " + before.describe() + " → " + after.describe();
    }

    /**
     * The one way a tenant's settings change: one recorded change as {@code actor} made it (nothing
     * when it is a replay), then {@code tenant.changed} with {@code reason}. The chat's own changes
     * come here directly (the bot answers them in the chat).
     */
    public Future<TenantRepository.Change> change(Tenant tenant, TenantRepository.Actor actor, UnaryOperator<Tenant> edit, String reason) {
        return tenants.change(tenant, actor, edit, clock.instant()).onSuccess(change -> {
            if (change.applied()) {
                announce.accept(new TenantChanged(tenant.id(), reason));
            }
        });
    }
}
