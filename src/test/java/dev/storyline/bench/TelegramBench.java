package dev.storyline.bench;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.TelegramCall;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The Telegram side against the fake Bot API on this machine ({@code scripts/bench.sh telegram}):
 * <ol>
 *   <li>the outbox under a backlog across 50 chats: messages per second achieved, and the most the
 *       fake saw in any one second;</li>
 *   <li>handled updates per second ({@code /status} and settings toggles that write to the database)
 *       and the time from an update's arrival to its reply being handed to the outbox.</li>
 * </ol>
 */
public final class TelegramBench {
    private static final int TENANTS = 200;
    private static final int UPDATES = 20_000;
    private static final FakeTelegram.Person PRESSER = new FakeTelegram.Person(777, "Bench", "bench");

    private TelegramBench() {
    }

    public static void main(String[] args) throws Exception {
        dev.storyline.app.Logging.quiet();
        BotHarness bot = new BotHarness(Files.createTempDirectory("storyline-bench"), new JsonObject()
                .put("TENANT_REGISTRATION", "open").put("LOG_LEVEL", "WARN"));
        System.out.printf("Storyline Telegram benchmark: Java %s, %d cores%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        outboxBacklog(bot, 50, true);
        outboxBacklog(bot, 20, false);
        updates(bot);
        System.exit(0);
    }

    /** Messages per second when 600 wait for {@code chats} chats at once. */
    private static void outboxBacklog(BotHarness bot, int chats, boolean privateChats) {
        EventBusClient bus = new EventBusClient(bot.app().vertx(), Duration.ofMinutes(10));
        int perChat = 600 / chats;
        long base = privateChats ? 10_000 : -10_000;
        int before = bot.fake.calls().size();
        long started = System.nanoTime();
        List<Future<Object>> sends = new ArrayList<>();
        for (int round = 0; round < perChat; round++) {
            for (int chat = 0; chat < chats; chat++) {
                long chatId = privateChats ? base + chat : base - chat;
                sends.add(bus.telegram(TelegramCall.json("sendMessage", new JsonObject().put("chat_id", chatId).put("text", "backlog " + round))));
            }
        }
        Future.all(sends).await();
        double seconds = (System.nanoTime() - started) / 1e9;
        List<FakeTelegram.Call> messages = bot.fake.calls().subList(before, bot.fake.calls().size()).stream()
                .filter(FakeTelegram.Call::isMessage).toList();
        long busiest = 0;
        for (FakeTelegram.Call first : messages) {
            busiest = Math.max(busiest, messages.stream()
                    .filter(c -> c.atNanos() >= first.atNanos() && c.atNanos() < first.atNanos() + 1_000_000_000L).count());
        }
        System.out.printf("Outbox backlog: %d messages to %d %s chats in %.1f s = %.1f messages/s; busiest second at the fake: %d%n",
                messages.size(), chats, privateChats ? "private" : "group", seconds, messages.size() / seconds, busiest);
    }

    private static void updates(BotHarness bot) {
        for (int i = 0; i < TENANTS; i++) {
            bot.db.insertTenant(-500_000L - i, "Bench team " + i, "approved", false);
        }
        bot.db.execute("INSERT INTO users (id, username, first_name, role) VALUES (?, 'bench', 'Bench', 'admin')", PRESSER.id());
        int port = bot.app().httpPort();
        long handledBefore = handled(port);
        List<JsonObject> batch = new ArrayList<>(UPDATES);
        for (int i = 0; i < UPDATES; i++) {
            long chatId = -500_000L - (i % TENANTS);
            JsonObject chat = FakeTelegram.group(chatId, "Bench team");
            if (i % 2 == 0) {
                batch.add(new JsonObject().put("message", new JsonObject().put("message_id", i).put("date", 0).put("chat", chat)
                        .put("from", PRESSER.json()).put("text", "/status")));
            } else {
                batch.add(new JsonObject().put("callback_query", new JsonObject().put("id", "bench-" + i).put("from", PRESSER.json())
                        .put("data", "1:t:dry").put("message", new JsonObject().put("message_id", 1).put("date", 0).put("chat", chat)
                                .put("text", "Settings"))));
            }
        }
        long started = System.nanoTime();
        bot.fake.rawUpdates(batch);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> handled(port) - handledBefore >= UPDATES);
        double seconds = (System.nanoTime() - started) / 1e9;
        String metrics = Http.get(port, "/metrics").body();
        long toggles = bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE setting = 'dry_run'");
        System.out.printf("Updates: %,d handled in %.2f s = %,.0f updates/s (%,d /status, %,d toggles written with their history)%n",
                UPDATES, seconds, UPDATES / seconds, UPDATES / 2, toggles);
        System.out.printf("Update arrival to reply handed to the outbox: p50 %.1f ms, p99 %.1f ms%n",
                quantile(metrics, "0.5") * 1000, quantile(metrics, "0.99") * 1000);
    }

    private static long handled(int port) {
        Matcher m = Pattern.compile("(?m)^storyline_telegram_update_handling_seconds_count (\\S+)").matcher(Http.get(port, "/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static double quantile(String metrics, String q) {
        Matcher m = Pattern.compile("(?m)^storyline_telegram_update_handling_seconds\\{quantile=\"" + Pattern.quote(q) + "\"} (\\S+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
