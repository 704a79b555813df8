package dev.storyline.bot;

import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.StoryPress;
import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.telegram.Update;
import dev.storyline.tenant.Interaction;
import dev.storyline.tenant.InteractionRepository;
import dev.storyline.tenant.Setting;
import dev.storyline.tenant.Tenant;
import dev.storyline.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one Telegram update into the bot's answer: the person is upserted, the chat's tenant looked
 * up, and the update routed by a table of commands or by the callback codec. A handler's future
 * completes once its replies are handed to the outbox (not when Telegram answered), and fails only
 * for infrastructure trouble (the database), so the batch is retried; bad input is answered or skipped.
 */
public final class Bot {
    private static final Logger LOG = LoggerFactory.getLogger(Bot.class);

    /**
     * A command: its menu line, whether it needs an approved tenant, and whether it changes state
     * (then the change's own transaction logs it and guards it against replays).
     */
    private record Command(String description, boolean needsTenant, boolean changesState, Handler handler) {
    }

    @FunctionalInterface
    private interface Handler {
        Future<Void> handle(Incoming in, String args);
    }

    private final CommandRate rate;
    private final BotServices s;
    private final InteractionRepository interactions;
    private final RegistrationFlow registration;
    private final SettingsFlow settings;
    private final MixFlow mix;
    private final LibraryFlow library;
    private final PostingFlow posting;
    private final PlannerFlow planner;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private String botUsername = "";
    private boolean canReadAllGroupMessages = true;
    private long botId;

    public Bot(BotServices services, Pool pool) {
        this.s = services;
        this.interactions = new InteractionRepository(pool);
        this.rate = new CommandRate(services.telegram().bounds().commandsPerMinute());
        this.registration = new RegistrationFlow(services);
        this.mix = new MixFlow(services);
        this.settings = new SettingsFlow(services, mix);
        this.library = new LibraryFlow(services);
        this.posting = new PostingFlow(services);
        this.planner = new PlannerFlow(services);
        commands.put("start", new Command("Register this chat or see its state", false, false, (in, a) ->
                PlannerLinks.startTenant(a).filter(id -> in.chat().isPrivate()).map(id -> planner.open(in, id))
                        .orElseGet(() -> registration.start(in))));
        commands.put("help", new Command("What I can do", false, false, (in, a) -> help(in)));
        commands.put("status", new Command("State, schedule and library", false, false, (in, a) -> status(in)));
        commands.put("queue", new Command("The next 10 planned stories", true, false,
                (in, a) -> posting.queue(in, in.approvedTenant().orElseThrow())));
        commands.put("next", new Command("Send the next story now (administrators)", true, false,
                (in, a) -> posting.next(in, in.approvedTenant().orElseThrow())));
        commands.put("schedule", new Command("Plan the coming days: /schedule [days] (administrators)", true, false,
                (in, a) -> posting.schedule(in, in.approvedTenant().orElseThrow(), a)));
        commands.put("history", new Command("The last stories and who handled them: /history [n]", true, false,
                (in, a) -> posting.history(in, in.approvedTenant().orElseThrow(), a)));
        commands.put("stats", new Command("Outcomes and who posted, 7 and 30 days", true, false,
                (in, a) -> posting.stats(in, in.approvedTenant().orElseThrow())));
        commands.put("library", new Command("Library size and the latest images", true, false,
                (in, a) -> library.library(in, in.approvedTenant().orElseThrow())));
        commands.put("backfill", new Command("Import what your Instagram account posted: /backfill [days|all] [limit] (administrators)", true,
                false, (in, a) -> library.backfill(in, in.approvedTenant().orElseThrow(), a)));
        commands.put("settings", new Command("Show and change the settings", true, false,
                (in, a) -> settings.show(in, in.approvedTenant().orElseThrow())));
        commands.put("pause", new Command("Pause posting (administrators)", true, true,
                (in, a) -> settings.command(in, in.approvedTenant().orElseThrow(), "pause")));
        commands.put("resume", new Command("Resume posting (administrators)", true, true,
                (in, a) -> settings.command(in, in.approvedTenant().orElseThrow(), "resume")));
        commands.put("dryrun", new Command("Toggle dry run (administrators)", true, true,
                (in, a) -> settings.command(in, in.approvedTenant().orElseThrow(), "dryrun")));
        commands.put("login", new Command("A link that opens the planner in a browser (private chat)", false, false,
                (in, a) -> planner.login(in)));
        commands.put("cancel", new Command("Cancel a pending settings input", true, false,
                (in, a) -> settings.cancel(in, in.approvedTenant().orElseThrow())));
    }

    /** Learned from {@code getMe} at start. */
    public void identity(JsonObject me) {
        botUsername = me.getString("username", "");
        s.planner().identity(botUsername);
        botId = me.getLong("id", 0L);
        canReadAllGroupMessages = me.getBoolean("can_read_all_group_messages", false);
    }

    /** For {@code setMyCommands}. */
    public JsonArray menu() {
        JsonArray menu = new JsonArray();
        commands.forEach((name, command) -> menu.add(new JsonObject().put("command", name).put("description", command.description())));
        return menu;
    }

    public Future<Void> registerConfiguredChannel(long chatId) {
        return registration.registerConfiguredChannel(chatId);
    }

    /** Telegram said 403 for this chat. */
    public void botRemoved(long chatId, String description) {
        registration.removed(chatId, String.valueOf(chatId), "Telegram refused messages to the chat: " + description)
                .onFailure(e -> LOG.error("Chat {}: pausing after a 403 failed: {}", chatId, e.getMessage()));
    }

    public Future<Void> chatMigrated(long from, long to) {
        return registration.migrated(from, to);
    }

    /**
     * The people and chats of many updates in one round trip (a batch's first update of each chat: a
     * later one may follow a change an earlier one made, and looks up afresh), by update id, for
     * {@link #handle(Update, UserRepository.Seen)}. Updates without a person are left out.
     */
    public Future<Map<Long, UserRepository.Seen>> lookUp(List<Update> updates) {
        List<Long> ids = new ArrayList<>();
        List<UserRepository.Sighting> sightings = new ArrayList<>();
        for (Update update : updates) {
            sighting(update).ifPresent(sighting -> {
                ids.add(update.updateId());
                sightings.add(sighting);
            });
        }
        if (sightings.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return s.users().seenAll(sightings).map(seen -> {
            Map<Long, UserRepository.Seen> byUpdate = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                if (seen.get(i) != null) {
                    byUpdate.put(ids.get(i), seen.get(i));
                }
            }
            return byUpdate;
        });
    }

    /** Who sent an update, and in which chat, as {@link #incoming} looks them up. */
    private static Optional<UserRepository.Sighting> sighting(Update update) {
        Update.Chat chat;
        Update.User from;
        if ((update.kind() == Update.Kind.MESSAGE || update.kind() == Update.Kind.CHANNEL_POST)
                && update.message().migrateToChatId() == null) {
            chat = update.message().chat();
            from = update.message().from();
        } else if (update.kind() == Update.Kind.CALLBACK_QUERY && update.callback().message() != null) {
            chat = update.callback().message().chat();
            from = update.callback().from();
        } else {
            return Optional.empty();
        }
        return from == null ? Optional.empty() : Optional.of(new UserRepository.Sighting(from.id(), from.username(), from.firstName(),
                from.lastName(), chat.isPrivate() ? null : chat.id()));
    }

    /** Handles an update; {@code seen} is its person and chat from {@link #lookUp}, or null to look them up now. */
    public Future<Void> handle(Update update, UserRepository.Seen seen) {
        return switch (update.kind()) {
            case MESSAGE, CHANNEL_POST -> message(update, seen);
            case CALLBACK_QUERY -> callback(update, seen);
            case MY_CHAT_MEMBER -> {
                s.chatAdmins().forget(update.memberChange().chat().id()); // the bot's own rights changed
                yield registration.botStatusChanged(update.memberChange());
            }
            case CHAT_MEMBER -> {
                s.chatAdmins().forget(update.memberChange().chat().id());
                yield Future.succeededFuture();
            }
            case OTHER -> Future.succeededFuture();
        };
    }

    // --- messages and commands ---

    private Future<Void> message(Update update, UserRepository.Seen seen) {
        Update.Message message = update.message();
        if (message.migrateToChatId() != null) {
            return registration.migrated(message.chat().id(), message.migrateToChatId());
        }
        return incoming(update, message.chat(), message.from(), seen).compose(in -> {
            if (in.person() != null && !in.person().active()) {
                return message.isCommand()
                        ? s.replies().send(in.chatId(), "Your access to Storyline has been deactivated.").mapEmpty()
                        : Future.succeededFuture();
            }
            if (message.isCommand()) {
                return command(in, message.text());
            }
            if (message.text() != null && in.approvedTenant().isPresent()) {
                return settings.maybeInput(in, in.approvedTenant().get(), message.text());
            }
            if (message.attachment() != null && in.approvedTenant().isPresent()) {
                Update.Attachment file = message.attachment();
                return logInteraction(in, "upload", file.photo() ? "photo" : dev.storyline.media.MediaFormat.isVideo(file.mimeType()) ? "video" : "document",
                        new JsonObject().put("fileUniqueId", file.fileUniqueId()).put("fileName", file.fileName()))
                        .compose(first -> first ? library.upload(in, in.approvedTenant().get(), message) : Future.succeededFuture());
            }
            return Future.succeededFuture(); // chatter, and files in chats that are not approved tenants
        });
    }

    private Future<Void> command(Incoming in, String text) {
        if (in.from() != null) {
            CommandRate.Verdict verdict = rate.next(in.from().id());
            if (verdict != CommandRate.Verdict.GO) {
                return verdict == CommandRate.Verdict.SLOW_DOWN
                        ? s.replies().send(in.chatId(), CommandRate.slowDown(s.telegram().bounds().commandsPerMinute()))
                        : Future.succeededFuture();
            }
        }
        String head = text.split("\\s+", 2)[0].substring(1);
        String args = text.contains(" ") ? text.substring(text.indexOf(' ') + 1).strip() : "";
        String name = head;
        int at = head.indexOf('@');
        if (at >= 0) {
            name = head.substring(0, at);
            if (!head.substring(at + 1).equalsIgnoreCase(botUsername)) {
                return Future.succeededFuture(); // addressed to another bot in the group
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        Command command = commands.get(name);
        String commandName = name;
        boolean guardedByChange = command != null && command.changesState() && in.approvedTenant().isPresent();
        Future<Boolean> fresh = guardedByChange ? Future.succeededFuture(true)
                : logInteraction(in, "command", "/" + (command == null ? "unknown" : name), new JsonObject().put("args", cut(args)));
        return fresh.compose(first -> {
            if (!first) {
                return Future.succeededFuture(); // a replayed update that was handled before the restart
            }
            if (command == null) {
                return s.replies().send(in.chatId(), "I don't know /" + Html.escape(cut(commandName))
                        + ". /help lists what I understand.").mapEmpty();
            }
            if (command.needsTenant() && in.approvedTenant().isEmpty()) {
                String why = in.chat().isPrivate() ? "That works in your team's group, not here. Add me there and send /start."
                        : in.tenant().map(RegistrationFlow::stateLine).orElse("This chat is not registered yet: send /start first.");
                return s.replies().send(in.chatId(), why).mapEmpty();
            }
            return command.handler().handle(in, args);
        });
    }

    private Future<Void> help(Incoming in) {
        StringBuilder text = new StringBuilder("<b>Storyline</b> brings your team's Instagram stories to this chat at their time.\n\n");
        commands.forEach((name, command) -> text.append('/').append(name).append(" — ").append(Html.escape(command.description())).append('\n'));
        text.append("\nSend a photo or an image file here to add it to the library; its caption can be "
                + "<code>Title | https://link | #tag #tag</code>.");
        text.append("\nOn a story: ✅ Posted when you posted it, ⏭️ Skip, 🚫 Reject (never again), 🔗 Link.");
        return s.replies().send(in.chatId(), text.toString()).mapEmpty();
    }

    private Future<Void> status(Incoming in) {
        if (in.tenant().isEmpty()) {
            return s.replies().send(in.chatId(), in.chat().isPrivate()
                    ? "I work in your team's group: add me there and send /start."
                    : "This chat is not registered yet: send /start.").mapEmpty();
        }
        Tenant t = in.tenant().get();
        if (!Tenant.APPROVED.equals(t.state())) {
            return s.replies().send(in.chatId(), RegistrationFlow.stateLine(t)).mapEmpty();
        }
        return s.library().counts(t.id()).compose(counts -> uploadsWarning(in).compose(warning -> settings.instagramLine(t)
                .compose(instagram -> posting.statusLines(t).compose(plan -> library.runwayLine(t).compose(runway -> {
            String text = "📊 " + Html.bold(t.title()) + "\n"
                    + "State: " + (t.paused() ? "⏸ paused" + (t.pausedReason() == null ? "" : " (" + Html.escape(t.pausedReason()) + ")") : "✅ active") + "\n"
                    + "Dry run: " + (t.dryRun() ? "on" : "off") + "\n"
                    + instagram + "\n"
                    + "Schedule: " + t.postsPerDay() + " per day, " + Html.escape(t.window()) + "\n"
                    + "Library: " + counts.active() + " active, " + counts.neverPosted() + " never posted, " + counts.locked() + " locked"
                    + (counts.withWarnings() > 0 ? ", " + counts.withWarnings() + " with warnings" : "")
                    + " (" + LibraryFlow.kinds(counts) + ")"
                    + runway
                    + plan
                    + warning;
            return s.replies().send(in.chatId(), text, PlannerLinks.withButton(null, s.planner().button(t, in.chat().isPrivate())))
                    .mapEmpty();
        })))));
    }


    /** D4: in a group, the bot sees ordinary messages (photos) only as an administrator or with privacy mode off. */
    private Future<String> uploadsWarning(Incoming in) {
        if (canReadAllGroupMessages || "channel".equals(in.chat().type())) {
            return Future.succeededFuture("");
        }
        return s.chatAdmins().isAdmin(in.chatId(), botId).otherwise(false).map(admin -> admin ? ""
                : "\n⚠️ I can't see photos sent here: make me an administrator, or turn off privacy mode with @BotFather.");
    }

    // --- buttons ---

    private Future<Void> callback(Update update, UserRepository.Seen seen) {
        Update.CallbackQuery query = update.callback();
        if (query.message() == null) {
            return s.replies().answer(query.id(), "This button is no longer valid.", false).mapEmpty();
        }
        Update.Chat chat = query.message().chat();
        long messageId = query.message().messageId();
        return incoming(update, chat, query.from(), seen).compose(in -> {
            CallbackData data;
            try {
                data = CallbackData.decode(query.data());
            } catch (IllegalArgumentException e) {
                return logInteraction(in, "callback", "invalid", new JsonObject().put("data", cut(query.data())))
                        .compose(first -> first ? s.replies().answer(query.id(), "This button is no longer valid.", false)
                                : Future.succeededFuture()).mapEmpty();
            }
            if (in.person() != null && !in.person().active()) {
                return s.replies().answer(query.id(), "Your access to Storyline has been deactivated.", true).mapEmpty();
            }
            CommandRate.Verdict verdict = rate.next(query.from().id());
            if (verdict != CommandRate.Verdict.GO) {
                return verdict == CommandRate.Verdict.SLOW_DOWN
                        ? s.replies().answer(query.id(), CommandRate.slowDown(s.telegram().bounds().commandsPerMinute()), true)
                        : Future.succeededFuture();
            }
            return switch (data.action()) {
                case APPROVE, DECLINE -> registration.decide(in, query.id(), messageId, data);
                case TOGGLE, EDIT -> settingsButton(in, query.id(), messageId, data);
                case MIX -> in.approvedTenant().map(t -> mix.press(in, t, query.id(), messageId, data))
                        .orElseGet(() -> s.replies().answer(query.id(), "Storyline is not active in this chat.", false).mapEmpty());
                case POSTED, SKIP, REJECT, REJECT_CONFIRMED, CANCEL, LINK, AUTO_POST -> storyButton(in, query.id(), messageId, data);
            };
        });
    }

    private Future<Void> settingsButton(Incoming in, String callbackId, long messageId, CallbackData data) {
        Optional<Setting> setting = Setting.fromWire(data.arg(0))
                .filter(st -> st.isToggle() == (data.action() == CallbackData.Action.TOGGLE));
        // a button is always resolved in the chat it was pressed in: its own tenant, never another's
        Optional<Tenant> tenant = in.approvedTenant();
        if (setting.isEmpty() || tenant.isEmpty()) {
            return s.replies().answer(callbackId, tenant.isEmpty() ? "Storyline is not active in this chat." : "This button is no longer valid.", false)
                    .mapEmpty();
        }
        return data.action() == CallbackData.Action.TOGGLE
                ? settings.toggle(in, tenant.get(), callbackId, messageId, setting.get())
                : logInteraction(in, "callback", "edit:" + setting.get().wire(), new JsonObject())
                        .compose(first -> first ? settings.askFor(in, tenant.get(), callbackId, messageId, setting.get())
                                : Future.succeededFuture());
    }

    /**
     * A story's button: the posting verticle owns the outcome (the first press wins, D8); the bot only
     * checks who may reject (D17) and answers the press exactly once with what the verticle said. The
     * update counts as handled only once the outcome is stored, so a crash before that replays the
     * press instead of losing it (the caption edit after it is repaired at start, see SweepVerticle).
     */
    private Future<Void> storyButton(Incoming in, String callbackId, long messageId, CallbackData data) {
        Optional<Tenant> tenant = in.approvedTenant();
        long queueId;
        try {
            queueId = data.longArg(0);
        } catch (NumberFormatException e) {
            return s.replies().answer(callbackId, "This button is no longer valid.", false);
        }
        if (tenant.isEmpty()) {
            return s.replies().answer(callbackId, "Storyline is not active in this chat.", false);
        }
        boolean needsAdmin = data.action() == CallbackData.Action.REJECT || data.action() == CallbackData.Action.REJECT_CONFIRMED
                || data.action() == CallbackData.Action.AUTO_POST; // D17: Reject and Auto post need an administrator
        Future<Boolean> mayReject = needsAdmin ? s.mayChange(in) : Future.succeededFuture(false);
        // no interactions row: the outcome's history row says who pressed and when, and replays are harmless
        return mayReject.compose(may -> s.bus().storyPress(new StoryPress(tenant.get().id(), queueId, data.action().name(), messageId,
                in.from() == null ? null : in.from().id(), in.who(), may))).transform(answer -> {
                    if (answer.succeeded()) {
                        return s.replies().answer(callbackId, answer.result().text(), answer.result().alert());
                    }
                    ErrorCode code = ErrorCode.of(answer.cause());
                    if (code == ErrorCode.TIMEOUT || code == ErrorCode.UNAVAILABLE) {
                        return Future.failedFuture(answer.cause()); // not stored: the batch is tried again
                    }
                    LOG.warn("Chat {}: story button failed: {}", in.chatId(), answer.cause().getMessage());
                    return s.replies().answer(callbackId, "That did not work just now; please press again in a moment.", false);
                });
    }

    // --- shared ---

    /**
     * The person (upserted) and the chat's tenant, in one round trip unless {@link #lookUp} read them
     * already ({@code seen}); channel posts have no person.
     */
    private Future<Incoming> incoming(Update update, Update.Chat chat, Update.User from, UserRepository.Seen seen) {
        // replies to a chat that is no team (and not the admin chat) wait only within the strangers' budget (D26)
        return lookUpIncoming(update, chat, from, seen).onSuccess(in -> s.replies().stranger(in.chatId(), in.tenant().isEmpty()
                && !s.telegram().adminChatId().map(admin -> admin == in.chatId()).orElse(false)));
    }

    private Future<Incoming> lookUpIncoming(Update update, Update.Chat chat, Update.User from, UserRepository.Seen seen) {
        Long tenantChat = chat.isPrivate() ? null : chat.id();
        if (from != null && seen != null) {
            return Future.succeededFuture(new Incoming(update, chat, from, seen.person(), seen.tenant()));
        }
        if (from == null) {
            return (tenantChat == null ? Future.succeededFuture(Optional.<Tenant>empty()) : s.tenants().findById(tenantChat))
                    .map(tenant -> new Incoming(update, chat, null, null, tenant));
        }
        return s.users().seen(from.id(), from.username(), from.firstName(), from.lastName(), tenantChat)
                .map(found -> new Incoming(update, chat, from, found.person(), found.tenant()));
    }

    /**
     * Logs a command or press in a tenant chat (other chats have no tenant to log it under); false
     * when this update was logged before, i.e. it is a replay of one already handled.
     */
    private Future<Boolean> logInteraction(Incoming in, String kind, String name, JsonObject data) {
        if (in.tenant().isEmpty()) {
            return Future.succeededFuture(true);
        }
        return interactions.record(new Interaction(in.chatId(), in.from() == null ? null : in.from().id(), in.updateId(), kind, name, data));
    }

    private static String cut(String text) {
        return text == null ? "" : text.length() > 100 ? text.substring(0, 100) : text;
    }
}
