package dev.storyline.bot;

import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.PendingInputRepository.PendingInput;
import dev.storyline.tenant.Setting;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.tenant.TenantRepository.Actor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The settings message (product.md §2) and every change made from the chat: toggles edit the same
 * message in place; ✏️ asks for a value that the same person's next message in that chat provides
 * (stored, so it survives a restart; it expires after five minutes). Changes need a chat
 * administrator (D17); each is one transaction with its history row and publishes {@code tenant.changed}.
 */
final class SettingsFlow {
    static final Duration INPUT_TTL = Duration.ofMinutes(5);
    private static final String REFUSED = "Only chat administrators can change settings.";
    private final BotServices s;
    private final MixFlow mix;

    SettingsFlow(BotServices services, MixFlow mix) {
        this.s = services;
        this.mix = mix;
    }

    /** {@code /settings}: anyone may look. */
    Future<Void> show(Incoming in, Tenant tenant) {
        return instagramLine(tenant).compose(line -> s.replies().send(in.chatId(), render(tenant, line), markup(in, tenant))).mapEmpty();
    }

    /**
     * The Instagram line of /settings and /status: the switch, the connected account and its token
     * ("token valid (52 days)"), or what is missing. Empty when the Instagram verticle does not answer.
     */
    Future<String> instagramLine(Tenant t) {
        return s.bus().instagramStatus(t.id()).map(status -> {
            String account = status.connected()
                    ? "@" + Html.escape(String.valueOf(status.username())) + ", " + Html.escape(status.tokenLine())
                    : "no account connected" + (t.instagramEnabled() ? " (the operator connects one: storyline instagram connect)" : "");
            return "Instagram: " + onOff(t.instagramEnabled()) + " · " + account;
        }).otherwise("Instagram: " + onOff(t.instagramEnabled()));
    }

    /** A toggle button. */
    Future<Void> toggle(Incoming in, Tenant tenant, String callbackId, long messageId, Setting setting) {
        return s.mayChange(in).compose(allowed -> {
            if (!allowed) {
                return s.replies().answer(callbackId, REFUSED, true).mapEmpty();
            }
            UnaryOperator<Tenant> edit = switch (setting) {
                case DRY_RUN -> t -> t.withDryRun(!t.dryRun());
                case INSTAGRAM -> t -> t.withInstagram(!t.instagramEnabled());
                case PERFORMANCE -> t -> t.withPerformancePlanning(!t.performancePlanning());
                case PAUSED -> t -> t.withPaused(!t.paused(), "paused by " + in.who());
                default -> throw new IllegalArgumentException(setting + " is not a toggle");
            };
            return apply(in, tenant, "callback", "toggle:" + setting.wire(), edit).compose(change -> {
                Future<Void> refreshed = instagramLine(change.tenant())
                        .compose(line -> s.replies().edit(in.chatId(), messageId, render(change.tenant(), line), markup(in, change.tenant())));
                if (!change.applied()) {
                    return refreshed.mapEmpty(); // a replayed press: the message shows the state, the press was answered then
                }
                return Future.join(refreshed, s.replies().answer(callbackId, describe(setting, change.tenant()), false)).mapEmpty();
            });
        });
    }

    /** An ✏️ button: ask the person for a value. */
    Future<Void> askFor(Incoming in, Tenant tenant, String callbackId, long messageId, Setting setting) {
        return s.mayChange(in).compose(allowed -> {
            if (!allowed || in.from() == null) {
                return s.replies().answer(callbackId, REFUSED, true).mapEmpty();
            }
            Instant now = s.clock().instant();
            return s.pendingInputs().ask(tenant.id(), in.from().id(), setting, messageId, now, now.plus(INPUT_TTL))
                    .compose(v -> Future.join(
                            s.replies().ask(in.chatId(), Html.escape(in.who()) + ", " + Html.escape(setting.prompt())
                                    + " (/cancel to keep the current value)", null),
                            s.replies().answer(callbackId, "Reply with the new " + setting.label(), false)))
                    .mapEmpty();
        });
    }

    /**
     * A message that is not a command: the value of this person's pending input, if they have one.
     * Anything else is ignored.
     */
    Future<Void> maybeInput(Incoming in, Tenant tenant, String text) {
        if (in.from() == null) {
            return Future.succeededFuture();
        }
        return s.pendingInputs().find(tenant.id(), in.from().id(), s.clock().instant()).compose(lookup -> {
            if (lookup.input().isEmpty()) {
                return lookup.expired()
                        ? s.replies().send(in.chatId(), "⌛ That settings input expired. Tap ✏️ in /settings to try again.").mapEmpty()
                        : Future.succeededFuture();
            }
            PendingInput pending = lookup.input().get();
            Setting.Parsed parsed = pending.setting().parse(text);
            if (!parsed.valid()) {
                return s.replies().send(in.chatId(), "❌ " + Html.escape(parsed.error()) + ". The " + pending.setting().label()
                        + " stays " + Html.escape(current(pending.setting(), tenant)) + "; reply again or /cancel.").mapEmpty();
            }
            return s.mayChange(in).compose(allowed -> {
                if (!allowed) {
                    return s.pendingInputs().cancel(tenant.id(), in.from().id())
                            .compose(v -> s.replies().send(in.chatId(), REFUSED)).mapEmpty();
                }
                if (pending.setting() == Setting.MIX) {
                    return s.pendingInputs().cancel(tenant.id(), in.from().id()).compose(v -> mix.typed(in, tenant, parsed.mix()));
                }
                UnaryOperator<Tenant> edit = switch (pending.setting()) {
                    case POSTS_PER_DAY -> t -> t.withPostsPerDay(parsed.number());
                    case HOURS -> t -> t.withHours(parsed.start(), parsed.end());
                    case TIMEZONE -> t -> t.withTimezone(parsed.zone().getId());
                    default -> throw new IllegalStateException(pending.setting() + " takes no value");
                };
                return apply(in, tenant, "message", "set:" + pending.setting().wire(), edit)
                        .compose(change -> s.pendingInputs().cancel(tenant.id(), in.from().id()).map(change))
                        .compose(change -> {
                            if (!change.applied()) {
                                return Future.<Void>succeededFuture();
                            }
                            Future<Void> confirm = s.replies().send(in.chatId(), "✅ " + describe(pending.setting(), change.tenant()));
                            Future<Void> refresh = pending.settingsMessageId() == null ? Future.succeededFuture()
                                    : instagramLine(change.tenant()).compose(line -> s.replies().edit(in.chatId(),
                                            pending.settingsMessageId(), render(change.tenant(), line), markup(in, change.tenant())))
                                    .otherwiseEmpty();
                            return Future.join(confirm, refresh).mapEmpty();
                        });
            });
        });
    }

    /** {@code /pause}, {@code /resume}, {@code /dryrun}. */
    Future<Void> command(Incoming in, Tenant tenant, String command) {
        return s.mayChange(in).compose(allowed -> {
            if (!allowed) {
                return s.replies().send(in.chatId(), "Only chat administrators can use /" + command + ".").mapEmpty();
            }
            UnaryOperator<Tenant> edit = switch (command) {
                case "pause" -> t -> t.withPaused(true, "paused by " + in.who());
                case "resume" -> t -> t.withPaused(false, null);
                case "dryrun" -> t -> t.withDryRun(!t.dryRun());
                default -> throw new IllegalArgumentException(command);
            };
            return apply(in, tenant, "command", command, edit).compose(change -> {
                if (!change.applied()) {
                    return Future.<Void>succeededFuture(); // a replay: it was answered the first time
                }
                Tenant t = change.tenant();
                String reply = switch (command) {
                    case "pause" -> change.before().paused() ? "⏸ Posting was already paused." : "⏸ Posting paused by " + Html.escape(in.who())
                            + ". Open notifications keep working; /resume to continue.";
                    case "resume" -> change.before().paused() ? "▶️ Posting resumed by " + Html.escape(in.who()) + "." : "▶️ Posting is active.";
                    default -> "🧪 Dry run is now " + (t.dryRun() ? "ON: notifications say DRY RUN and nothing is published." : "off.");
                };
                return s.replies().send(in.chatId(), reply).mapEmpty();
            });
        });
    }

    /** {@code /cancel}. */
    Future<Void> cancel(Incoming in, Tenant tenant) {
        if (in.from() == null) {
            return Future.succeededFuture();
        }
        return s.pendingInputs().cancel(tenant.id(), in.from().id())
                .compose(had -> s.replies().send(in.chatId(), had ? "Cancelled; nothing was changed." : "There was nothing to cancel."))
                .mapEmpty();
    }

    private Future<TenantRepository.Change> apply(Incoming in, Tenant tenant, String kind, String name, UnaryOperator<Tenant> edit) {
        Actor actor = in.from() == null ? new Actor(null, "telegram", in.updateId(), kind, name)
                : Actor.telegram(in.from().id(), in.updateId(), kind, name);
        return s.admin().change(tenant, actor, edit, name);
    }

    static String render(Tenant t, String instagramLine) {
        return "⚙️ <b>Settings</b> · " + Html.escape(t.title()) + "\n"
                + "Posting: " + (t.paused() ? "⏸ Paused" : "▶️ Active") + "\n"
                + "Dry run: " + onOff(t.dryRun()) + "\n"
                + instagramLine + "\n"
                + "Posts per day: " + t.postsPerDay() + "\n"
                + "Hours: " + Html.escape(t.window()) + "\n"
                + "Plan by performance: " + onOff(t.performancePlanning())
                + (t.performancePlanning() ? " (prefers what reached more followers; 1 story in 5 explores)" : "") + "\n"
                + "<i>Chat administrators can change these with the buttons.</i>";
    }

    /** The settings buttons, and the planner's under them (D30). */
    private JsonObject markup(Incoming in, Tenant t) {
        return PlannerLinks.withButton(keyboard(t), s.planner().button(t, in.chat().isPrivate()));
    }

    static JsonObject keyboard(Tenant t) {
        return Replies.keyboard(List.of(
                List.of(Replies.button("Dry run: " + (t.dryRun() ? "ON" : "off"), toggle(Setting.DRY_RUN)),
                        Replies.button("Instagram: " + (t.instagramEnabled() ? "ON" : "off"), toggle(Setting.INSTAGRAM))),
                List.of(Replies.button("Posting: " + (t.paused() ? "Paused" : "Active"), toggle(Setting.PAUSED)),
                        Replies.button("📈 By performance: " + (t.performancePlanning() ? "ON" : "off"), toggle(Setting.PERFORMANCE))),
                List.of(Replies.button("Posts/day: " + t.postsPerDay() + " ✏️", edit(Setting.POSTS_PER_DAY)),
                        Replies.button("Hours: " + String.format("%02d–%02d", t.postingHoursStart(), t.postingHoursEnd()) + " ✏️",
                                edit(Setting.HOURS))),
                List.of(Replies.button("Timezone: " + t.timezone() + " ✏️", edit(Setting.TIMEZONE)),
                        Replies.button("🎯 Category mix", CallbackData.of(CallbackData.Action.MIX, "o", "-")))));
    }

    private static CallbackData toggle(Setting setting) {
        return CallbackData.of(CallbackData.Action.TOGGLE, setting.wire());
    }

    private static CallbackData edit(Setting setting) {
        return CallbackData.of(CallbackData.Action.EDIT, setting.wire());
    }

    private static String describe(Setting setting, Tenant t) {
        return switch (setting) {
            case DRY_RUN -> "Dry run is now " + (t.dryRun() ? "ON" : "off");
            case INSTAGRAM -> "Instagram is now " + (t.instagramEnabled() ? "ON" : "off");
            case PERFORMANCE -> "Planning by performance is now " + (t.performancePlanning() ? "ON" : "off");
            case PAUSED -> "Posting is now " + (t.paused() ? "paused" : "active");
            case POSTS_PER_DAY -> "Posts per day: " + t.postsPerDay();
            case HOURS, TIMEZONE -> "Hours: " + t.window();
            case MIX -> "Category mix changed";
        };
    }

    private static String current(Setting setting, Tenant t) {
        return switch (setting) {
            case POSTS_PER_DAY -> String.valueOf(t.postsPerDay());
            case HOURS -> String.format("%02d-%02d", t.postingHoursStart(), t.postingHoursEnd());
            case MIX -> "as it is";
            default -> t.timezone();
        };
    }

    private static String onOff(boolean value) {
        return value ? "on" : "off";
    }
}
