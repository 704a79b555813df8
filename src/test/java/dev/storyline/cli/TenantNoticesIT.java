package dev.storyline.cli;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D26: what the CLI (another process) and the admin API change is told in the chat, through
 * outbox_messages, once; a notice written while the server was down goes out when it starts.
 */
class TenantNoticesIT {
    private static final String ADMIN_TOKEN = "notices-admin-token";
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("tenants approve from the CLI and pause through the admin API are told in the chat once; "
            + "a notice written while the server was down is sent at its start")
    void chatIsTold() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("ADMIN_TOKEN", ADMIN_TOKEN))) {
            bot.db.insertTenant(-4401, "Waiting team", "pending", false);
            CliRun approved = CliRun.against(bot.db, dataDir.resolve("cli"), "tenants", "approve", "-4401");
            assertThat(approved.exit()).as(approved.err()).isZero();
            assertThat(approved.out()).contains("tells the chat");
            bot.awaitMessageContaining(-4401, "Storyline is active here now");

            Http.Response paused = Http.post(bot.app().httpPort(), "/admin/tenants/-4401/pause", ADMIN_TOKEN, null);
            assertThat(paused.status()).as(paused.body()).isEqualTo(200);
            bot.awaitMessageContaining(-4401, "paused posting here");
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM outbox_messages WHERE chat_id = -4401 "
                    + "AND state = 'sent'") == 2);

            bot.stop();
            CliRun resumed = CliRun.against(bot.db, dataDir.resolve("cli"), "tenants", "resume", "-4401");
            assertThat(resumed.exit()).as(resumed.err()).isZero();
            bot.start();
            bot.awaitMessageContaining(-4401, "resumed posting here");
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM outbox_messages WHERE chat_id = -4401 "
                    + "AND state = 'sent'") == 3);
            assertThat(bot.fake.textsIn(-4401)).filteredOn(t -> t.contains("active here now")).hasSize(1);
            assertThat(bot.fake.textsIn(-4401)).filteredOn(t -> t.contains("paused posting here")).hasSize(1);
        }
    }
}
