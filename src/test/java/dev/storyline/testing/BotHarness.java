package dev.storyline.testing;

import dev.storyline.app.Application;
import dev.storyline.config.AppConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * The whole application against a fake Bot API and a real database, restartable: what a team and
 * an operator would see, driven from the test.
 */
public final class BotHarness implements AutoCloseable {
    public static final FakeTelegram.Person ADMIN_OF_GROUP = new FakeTelegram.Person(501, "Ada", "ada");
    public static final FakeTelegram.Person MEMBER = new FakeTelegram.Person(502, "Max", "max");
    public static final FakeTelegram.Person OPERATOR = new FakeTelegram.Person(TestConfig.ADMIN_CHAT, "Olga", "olga");
    public static final JsonObject ADMIN_CHAT = FakeTelegram.privateChat(OPERATOR);

    public final TestDatabase db;
    public final FakeTelegram fake;
    public final MutableClock clock;
    private final JsonObject keys;
    private final UnaryOperator<AppConfig> tweak;
    private Application app;
    private boolean running;

    public BotHarness(Path dataDir, JsonObject extraKeys) {
        this(dataDir, extraKeys, Instant.now(), UnaryOperator.identity());
    }

    /** With the business clock starting at {@code start}, and a last change to the parsed configuration. */
    public BotHarness(Path dataDir, JsonObject extraKeys, Instant start, UnaryOperator<AppConfig> tweak) {
        clock = new MutableClock(start);
        this.tweak = tweak;
        db = TestDatabase.create();
        fake = new FakeTelegram(TestConfig.TOKEN);
        keys = TestConfig.keys(db, dataDir).put("TELEGRAM_API_BASE_URL", fake.baseUrl()).mergeIn(extraKeys);
        start();
    }

    public void start() {
        app = Application.start(config(), clock);
        running = true;
        // ready once the bot identified itself and polls
        await().atMost(Duration.ofSeconds(10)).until(() -> !fake.calls("getUpdates").isEmpty());
    }

    public AppConfig config() {
        return tweak.apply(TestConfig.parse(keys));
    }

    public void stop() {
        running = false;
        app.stop();
    }

    public void restart() {
        stop();
        start();
    }

    /** Starts the application again if a test stopped it and failed before starting it. */
    public void ensureRunning() {
        if (!running) {
            start();
        }
    }

    public Application app() {
        return app;
    }

    /** Waits until the bot wrote a message in the chat whose text satisfies the condition; returns it. */
    public JsonObject awaitMessage(long chatId, Predicate<String> text) {
        await().atMost(Duration.ofSeconds(10)).until(() -> find(chatId, text) != null);
        return find(chatId, text);
    }

    public JsonObject awaitMessageContaining(long chatId, String fragment) {
        return awaitMessage(chatId, t -> t.contains(fragment));
    }

    private JsonObject find(long chatId, Predicate<String> text) {
        List<JsonObject> messages = fake.messagesIn(chatId);
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject m = messages.get(i);
            if (text.test(m.getString("text", m.getString("caption", "")))) {
                return m;
            }
        }
        return null;
    }

    /** A group approved through the real flow (the operator presses Approve), with Ada as its administrator. */
    public JsonObject approvedGroup(long id, String title) {
        JsonObject group = FakeTelegram.group(id, title);
        fake.setAdmins(id, ADMIN_OF_GROUP.id());
        fake.botStatusChanged(group, ADMIN_OF_GROUP, "left", "member");
        JsonObject request = awaitMessage(TestConfig.ADMIN_CHAT, t -> t.contains(title) && t.contains("wants Storyline"));
        press(TestConfig.ADMIN_CHAT, OPERATOR, request, "✅ Approve");
        awaitMessageContaining(id, "Storyline is active here now");
        return group;
    }

    /** Presses the button whose label starts with {@code label} on a message; returns the callback query id. */
    public String press(long chatId, FakeTelegram.Person who, JsonObject message, String label) {
        JsonArray rows = message.getJsonObject("reply_markup").getJsonArray("inline_keyboard");
        for (Object row : rows) {
            for (Object button : (JsonArray) row) {
                JsonObject b = (JsonObject) button;
                if (b.getString("text").startsWith(label)) {
                    return fake.userPresses(chatId, who, message.getLong("message_id"), b.getString("callback_data"));
                }
            }
        }
        throw new AssertionError("no button '" + label + "' in " + rows);
    }

    /** Waits until the press was answered; returns the answer. */
    public JsonObject awaitAnswer(String callbackId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.answer(callbackId) != null);
        return fake.answer(callbackId);
    }

    /**
     * Waits until every update the fake holds was handled: Telegram forgets an update only when a
     * later {@code getUpdates} confirms it, and the bot polls again only after it handled the batch
     * and stored the offset.
     */
    public void awaitHandled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.unconfirmedUpdates() == 0);
    }

    @Override
    public void close() {
        stop();
        fake.close();
    }
}
