package dev.storyline.bot;

import dev.storyline.app.LogFields;
import dev.storyline.config.AppConfig.Registration;
import dev.storyline.notice.Notices;
import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.telegram.Update;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantAdmin;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.bus.AlertRaised;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * How a chat becomes a tenant (D3): the bot is added, or someone sends {@code /start} there. By
 * {@code TENANT_REGISTRATION}: {@code approval} asks the admin chat, {@code open} activates at once,
 * {@code closed} registers nothing. Private chats never become tenants. A bot removed from a chat
 * pauses its tenant; a group that became a supergroup takes its tenant along.
 */
final class RegistrationFlow {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationFlow.class);
    private final BotServices s;

    RegistrationFlow(BotServices services) {
        this.s = services;
    }

    /** {@code /start}. */
    Future<Void> start(Incoming in) {
        if (in.chat().isPrivate()) {
            return s.replies().send(in.chatId(), """
                    👋 I'm <b>Storyline</b>: I plan your team's Instagram stories and bring each one to your team's \
                    Telegram group at its time, with buttons to mark it posted.

                    Add me to your team's group (or channel) and send /start there. /help lists what I can do.""").mapEmpty();
        }
        if (in.tenant().isPresent()) {
            return s.replies().send(in.chatId(), stateLine(in.tenant().get())).mapEmpty();
        }
        return register(in.chat(), in.from());
    }

    /** The bot's own membership changed. */
    Future<Void> botStatusChanged(Update.MemberChange change) {
        if (!change.chat().canBeTenant()) {
            return Future.succeededFuture();
        }
        if (change.joined()) {
            return s.tenants().findById(change.chat().id())
                    .compose(existing -> existing.isPresent() ? rejoined(existing.get(), change) : register(change.chat(), change.from()));
        }
        if (change.left()) {
            return removed(change.chat().id(), change.chat().name(), "the bot was removed from the chat by " + change.from().display());
        }
        return Future.succeededFuture();
    }

    /** Telegram answered 403 for a chat: the bot is not there any more. */
    Future<Void> removed(long chatId, String chatName, String reason) {
        return s.tenants().findById(chatId).compose(found -> {
            if (found.isEmpty() || found.get().paused()) {
                return Future.succeededFuture();
            }
            return s.admin().change(found.get(), TenantRepository.Actor.system(), t -> t.withPaused(true, reason), "bot removed")
                    .compose(change -> {
                        s.bus().raiseAlert(new AlertRaised("bot-removed:" + chatId, chatId, "warning",
                                "🚪 Storyline was removed from " + Html.bold(chatName) + " (" + chatId + "); the tenant is paused. "
                                        + "Add the bot again and send /resume there to continue."));
                        return Future.succeededFuture();
                    }).mapEmpty();
        });
    }

    /** The group became a supergroup: the tenant and everything it owns move to the new chat id. */
    Future<Void> migrated(long fromChatId, long toChatId) {
        return s.tenants().findById(fromChatId).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture();
            }
            LOG.info("Tenant {} moves to chat {} (upgraded to a supergroup)", LogFields.tenant(fromChatId), toChatId);
            return s.tenants().migrate(fromChatId, toChatId).onSuccess(v -> {
                s.tenantChanged(fromChatId, "migrated");
                s.tenantChanged(toChatId, "migrated");
            });
        });
    }

    /** Approve or Decline pressed; only counts in the admin chat. */
    Future<Void> decide(Incoming in, String callbackId, long messageId, CallbackData data) {
        if (s.telegram().adminChatId().map(id -> id != in.chatId()).orElse(true)) {
            return s.replies().answer(callbackId, "Only the Storyline admin chat can approve chats.", true).mapEmpty();
        }
        boolean approve = data.action() == CallbackData.Action.APPROVE;
        long chatId = data.longArg(0);
        return s.admin().decide(chatId, approve, in.person() == null ? null : in.person().userId()).compose(decided -> {
            if (decided.isEmpty()) {
                return s.tenants().findById(chatId).compose(current -> s.replies().answer(callbackId,
                        current.map(t -> "Already " + t.state() + ".").orElse("That chat is not registered any more."), false)).mapEmpty();
            }
            Tenant tenant = decided.get();
            String verdict = approve ? "✅ " + Html.bold(tenant.title()) + " (" + chatId + ") approved by " + Html.escape(in.who())
                    : "❌ " + Html.bold(tenant.title()) + " (" + chatId + ") declined by " + Html.escape(in.who());
            return Future.join(s.replies().edit(in.chatId(), messageId, verdict, null),
                    s.replies().answer(callbackId, approve ? "Approved" : "Declined", false)).mapEmpty();
        });
    }

    /** {@code TELEGRAM_CHANNEL_ID}: that chat is registered and approved at start-up. */
    Future<Void> registerConfiguredChannel(long chatId) {
        return s.replies().chat(chatId)
                .map(chat -> new Update.Chat(chatId, chat.getString("type", "channel"), chat.getString("title", ""), chat.getString("username")))
                .otherwise(e -> new Update.Chat(chatId, "channel", "", null))
                .compose(chat -> s.tenants().register(chatId, chat.name(), chat.canBeTenant() ? chat.type() : "channel",
                        Tenant.APPROVED, null, s.defaults()))
                .compose(registration -> registration.created() || Tenant.APPROVED.equals(registration.tenant().state())
                        ? Future.succeededFuture(registration.tenant())
                        : s.tenants().decide(chatId, true, null).map(d -> d.orElse(registration.tenant())))
                .onSuccess(t -> s.tenantChanged(chatId, "configured channel"))
                .mapEmpty();
    }

    private Future<Void> register(Update.Chat chat, Update.User by) {
        Registration mode = s.telegram().registration();
        if (mode == Registration.CLOSED) {
            return s.replies().send(chat.id(), "Storyline is not taking new teams on this server. Ask its administrator.").mapEmpty();
        }
        String state = mode == Registration.OPEN ? Tenant.APPROVED : "pending";
        return s.tenants().register(chat.id(), chat.name(), chat.type(), state, by == null ? null : by.id(), s.defaults())
                .compose(registration -> {
                    if (!registration.created()) {
                        return s.replies().send(chat.id(), stateLine(registration.tenant())).mapEmpty();
                    }
                    LOG.info("Chat {} ({}) registered as a tenant: {}", chat.id(), chat.name(), state);
                    if (mode == Registration.OPEN) {
                        s.tenantChanged(chat.id(), "registered");
                        return Future.join(
                                s.notices().send(chat.id(), Notices.REGISTRATION, "✅ Storyline is active here. Open /settings to set "
                                        + "the schedule, and send me story images.", null, null),
                                s.toAdmin(Notices.REGISTRATION, "ℹ️ " + Html.bold(chat.name()) + " (" + chat.id() + ") started using Storyline"
                                        + (by == null ? "." : ", added by " + Html.escape(by.display()) + "."), null, null)).mapEmpty();
                    }
                    return askAdmin(chat, by);
                });
    }

    private Future<Void> askAdmin(Update.Chat chat, Update.User by) {
        Future<Void> waiting = s.notices().send(chat.id(), Notices.REGISTRATION, "⏳ Thanks! The Storyline admin has been asked to "
                + "approve this chat. I'll say so here when that happens.", null, null);
        Future<Void> request = s.replies().memberCount(chat.id()).otherwise(-1).compose(members -> s.toAdmin(Notices.REGISTRATION,
                "🆕 " + kind(chat) + " " + Html.bold(chat.name()) + " (" + chat.id() + (members >= 0 ? ", " + members + " members" : "")
                        + ") wants Storyline" + (by == null ? "." : ". Added by " + Html.escape(by.display()) + "."),
                Replies.keyboard(List.of(List.of(
                        Replies.button("✅ Approve", CallbackData.of(CallbackData.Action.APPROVE, String.valueOf(chat.id()))),
                        Replies.button("❌ Decline", CallbackData.of(CallbackData.Action.DECLINE, String.valueOf(chat.id())))))),
                null));
        return Future.join(waiting, request).mapEmpty();
    }

    private Future<Void> rejoined(Tenant tenant, Update.MemberChange change) {
        return s.replies().send(change.chat().id(), stateLine(tenant)
                + (tenant.paused() ? "\nSend /resume to start posting again." : "")).mapEmpty();
    }

    private static String kind(Update.Chat chat) {
        return "channel".equals(chat.type()) ? "Channel" : "Group";
    }

    static String stateLine(Tenant tenant) {
        return switch (tenant.state()) {
            case "pending" -> "⏳ This chat is waiting for the Storyline admin's approval.";
            case "declined" -> "❌ The Storyline admin declined this chat.";
            default -> tenant.paused()
                    ? "⏸ Storyline is registered here but paused" + (tenant.pausedReason() == null ? "" : " (" + Html.escape(tenant.pausedReason()) + ")")
                      + ". An administrator can /resume."
                    : "✅ Storyline is active here. /status shows the details, /settings the schedule.";
        };
    }
}
