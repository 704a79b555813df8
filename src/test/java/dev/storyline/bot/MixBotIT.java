package dev.storyline.bot;

import dev.storyline.bus.EventBusClient;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The chat's category mix screen (D27, issue 15): −/+ in steps of 10 % edited in place, Save, ✏️, admins only, audited. */
class MixBotIT {
    @TempDir
    static Path dataDir;
    private static BotHarness bot;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "approval"));
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    private static void images(long tenant, String category, int count) {
        for (int i = 0; i < count; i++) {
            bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, category) "
                    + "VALUES (?, ?, 'folder', ?, 1, 'image/jpeg', ?)", tenant, "/m/" + tenant + "/" + category + "/" + i + ".jpg",
                    tenant + category + i, category);
        }
    }

    /** Presses a button on the mix screen and waits until the screen shows {@code expected}; returns the screen. */
    private static JsonObject step(long chat, JsonObject screen, String label, String expected) {
        String pressed = bot.press(chat, ADMIN_OF_GROUP, bot.fake.message(chat, screen.getLong("message_id")), label);
        bot.awaitAnswer(pressed);
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.message(chat, screen.getLong("message_id")).getString("text").contains(expected));
        return bot.fake.message(chat, screen.getLong("message_id"));
    }

    @Test
    @DisplayName("an administrator sets 70/30 with −/+ and Save, then 50/50 by typing it; a member is refused; each change closes the rows before")
    void mixScreen() {
        long chat = -2050;
        JsonObject group = bot.approvedGroup(chat, "Mix team");
        images(chat, "Memes", 4);
        images(chat, "merch", 2);

        bot.fake.userSends(group, MEMBER, "/settings");
        JsonObject settings = bot.awaitMessageContaining(chat, "Settings");
        bot.press(chat, MEMBER, settings, "🎯 Category mix");
        JsonObject screen = bot.awaitMessageContaining(chat, "🎯 Category mix ·");
        assertThat(screen.getString("text")).contains("In force: no mix (even variety)", "memes: 0 % (4 items)", "merch: 0 % (2 items)");

        String refused = bot.press(chat, MEMBER, screen, "+ memes");
        assertThat(bot.awaitAnswer(refused).getString("text")).isEqualTo("Only chat administrators can change the mix.");
        assertThat(bot.awaitAnswer(refused).getBoolean("show_alert")).isTrue();

        for (int percent = 10; percent <= 70; percent += 10) {
            screen = step(chat, screen, "+ memes", "memes: " + percent + " %");
        }
        screen = step(chat, screen, "+ merch", "merch: 10 %");
        screen = step(chat, screen, "+ merch", "merch: 20 %");
        screen = step(chat, screen, "− merch", "merch: 10 %");
        assertThat(screen.getString("text")).contains("Total: 80 % (must be 100 % to save)");
        String early = bot.press(chat, ADMIN_OF_GROUP, screen, "Σ 80 %");
        assertThat(bot.awaitAnswer(early).getString("text")).isEqualTo("The shares add up to 80 %; make them 100 % first.");
        screen = step(chat, screen, "+ merch", "merch: 20 %");
        screen = step(chat, screen, "+ merch", "merch: 30 %");
        assertThat(bot.db.count("SELECT count(*) FROM category_mix WHERE tenant_id = ?", chat)).as("−/+ only change the draft").isZero();

        screen = step(chat, screen, "✅ Save", "In force: memes 70 %, merch 30 %");
        bot.awaitMessage(chat, t -> t.equals("✅ Category mix set by @ada: memes 70 %, merch 30 % (was no mix (even variety))."
                + " Stories not yet sent are planned again."));
        assertThat(bot.db.column("SELECT category || ' ' || percent || ' ' || changed_by || ' ' || source FROM category_mix "
                + "WHERE tenant_id = ? AND is_current ORDER BY category", chat))
                .containsExactly("memes 70 " + ADMIN_OF_GROUP.id() + " telegram", "merch 30 " + ADMIN_OF_GROUP.id() + " telegram");
        assertThat(bot.db.column("SELECT new_value || ' by ' || changed_by FROM tenant_settings_history WHERE tenant_id = ? "
                + "AND setting = 'category_mix'", chat)).containsExactly("memes 70 %, merch 30 % by " + ADMIN_OF_GROUP.id());

        bot.clock.advance(Duration.ofMinutes(5));
        bot.press(chat, ADMIN_OF_GROUP, screen, "✏️ Type it");
        bot.awaitMessageContaining(chat, "Which category mix?");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "memes 70, merch 20");
        assertThat(bot.awaitMessageContaining(chat, "❌").getString("text")).contains("the percents add up to 90, not 100");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "memes 50, merch 50");
        bot.awaitMessageContaining(chat, "merch 50 % (was memes 70 %, merch 30 %)");

        assertThat(bot.db.column("SELECT category || ' ' || percent || ' ' || is_current || ' ' || (valid_to IS NOT NULL) FROM category_mix "
                + "WHERE tenant_id = ? ORDER BY valid_from, category", chat))
                .containsExactly("memes 70 false true", "merch 30 false true", "memes 50 true false", "merch 50 true false");
        assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE tenant_id = ? AND setting = 'category_mix'", chat))
                .isEqualTo(2);
    }

    @Test
    @DisplayName("after a top-off the scheduler warns the chat once when the library runs low; /status, /library show the runway")
    void runwayInTheChat() {
        long chat = -2051;
        JsonObject group = bot.approvedGroup(chat, "Runway team");
        images(chat, "memes", 6);
        images(chat, "merch", 3);
        EventBusClient bus = new EventBusClient(bot.app().vertx());

        bus.plan(chat, null, Trigger.ADMIN_API).await();
        JsonObject warned = bot.awaitMessageContaining(chat, "Runway:");
        assertThat(warned.getString("text")).isEqualTo("⚠️ Runway: The library runs low: 3 days left (9 items ready, 3 a day). "
                + "Send images here or add them to the team's media folder.");
        bus.plan(chat, null, Trigger.ADMIN_API).await();
        bot.fake.userSends(group, MEMBER, "/status");
        assertThat(bot.awaitMessageContaining(chat, "📊").getString("text")).contains("Runway: library: 3 days left ⚠️");
        bot.fake.userSends(group, MEMBER, "/library");
        assertThat(bot.awaitMessageContaining(chat, "🖼").getString("text"))
                .contains("Categories: memes 6 · merch 3", "Runway: library: 3 days left ⚠️");
        // a plan's answer comes after its runway check, so every warning it made is queued by now
        assertThat(bot.db.count("SELECT count(*) FROM outbox_messages WHERE chat_id = ? AND params->>'text' LIKE '%Runway:%'", chat))
                .as("one warning for two top-offs; none at approval, when the library was still empty").isEqualTo(1);
    }
}
