package dev.storyline.bot;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.TenantChanged;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaRepository;
import dev.storyline.notice.Notices;
import dev.storyline.plan.QueueQueries;
import dev.storyline.plan.Runways;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.tenant.PendingInputRepository;
import dev.storyline.tenant.TenantAdmin;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.user.ChatAdmins;
import dev.storyline.user.UserRepository;
import io.vertx.core.Future;

import java.time.Clock;

/** What the bot's flows share. Everything here is used on the Telegram verticle's event loop. */
public record BotServices(
        Replies replies,
        Notices notices,
        TenantRepository tenants,
        CategoryMixRepository mixes,
        UserRepository users,
        PendingInputRepository pendingInputs,
        MediaRepository library,
        QueueQueries queries,
        Runways runways,
        ChatAdmins chatAdmins,
        EventBusClient bus,
        Clock clock,
        AppConfig.TelegramConfig telegram,
        AppConfig.TenantDefaults defaults,
        PlannerLinks planner,
        dev.storyline.miniapp.AppRepository app,
        dev.storyline.instagram.InsightsRepository insights) {

    /** Every change to a tenant goes through here (the chat's settings, pause and resume, the admin chat's decisions). */
    public TenantAdmin admin() {
        return new TenantAdmin(tenants, mixes, notices, bus::tenantChanged, clock);
    }

    public void tenantChanged(long tenantId, String reason) {
        bus.tenantChanged(new TenantChanged(tenantId, reason));
    }

    /** The admin chat, if configured: a notice that must arrive (D26), sent through {@code outbox_messages}. */
    public Future<Void> toAdmin(String kind, String html, io.vertx.core.json.JsonObject markup, String key) {
        return telegram.adminChatId().map(id -> notices.send(id, kind, html, markup, key)).orElse(Future.succeededFuture());
    }

    /**
     * May this person change things in this chat (D17)? Chat administrators, users with role
     * {@code admin}, and anyone posting in a channel (only its administrators can). Deactivated users may not.
     */
    public Future<Boolean> mayChange(Incoming in) {
        if (in.person() == null) {
            return Future.succeededFuture(in.from() == null && "channel".equals(in.chat().type()));
        }
        if (!in.person().active()) {
            return Future.succeededFuture(false);
        }
        if (in.person().storylineAdmin()) {
            return Future.succeededFuture(true);
        }
        return chatAdmins.isAdmin(in.chatId(), in.person().userId());
    }
}
