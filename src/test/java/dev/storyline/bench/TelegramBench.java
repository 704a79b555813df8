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
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
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
                .put("TENANT_REGISTRATION", "open").put("LOG_LEVEL", "WARN").put("DB_POOL_SIZE", System.getProperty("pool", "10")));
        System.out.printf("Storyline Telegram benchmark: Java %s, %d cores%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        outboxBacklog(bot, 50, true);
        outboxBacklog(bot, 20, false);
        long[] settingsMessages = prepareTenants(bot);
        latency(bot, settingsMessages);
        throughput(bot, settingsMessages);
        System.exit(0);
    }

    /** Messages per second when 600 wait for {@code chats} chats at once. */
    private static void outboxBacklog(BotHarness bot, int chats, boolean privateChats) {
        EventBusClient bus = new EventBusClient(bot.app().vertx(), Duration.ofMinutes(10));
        int perChat = 600 / chats;
        long base = privateChats ? 10_000 : -10_000;
        int before = bot.fake.calls().size();
        long started = System.nanoTime();
        List<Future<TelegramCall.Result>> sends = new ArrayList<>();
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
        long busiestChatMinute = 0;
        for (FakeTelegram.Call first : messages) {
            busiestChatMinute = Math.max(busiestChatMinute, messages.stream().filter(c -> c.chatId().equals(first.chatId())
                    && c.atNanos() >= first.atNanos() && c.atNanos() < first.atNanos() + 60_000_000_000L).count());
        }
        System.out.printf("Outbox backlog: %d messages to %d %s chats in %.1f s = %.1f messages/s; busiest second at the fake: %d;"
                        + " most to one chat in a minute: %d%n",
                messages.size(), chats, privateChats ? "private" : "group", seconds, messages.size() / seconds, busiest, busiestChatMinute);
    }

    /** Tenants with a settings message each (as after /settings), and a global admin who presses. */
    private static long[] prepareTenants(BotHarness bot) {
        for (int i = 0; i < TENANTS; i++) {
            bot.db.insertTenant(-500_000L - i, "Bench team " + i, "approved", false);
        }
        bot.db.execute("INSERT INTO users (id, username, first_name, role) VALUES (?, 'bench', 'Bench', 'admin')", PRESSER.id());
        List<JsonObject> opening = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            opening.add(new JsonObject().put("message", new JsonObject().put("message_id", 1).put("date", 0)
                    .put("chat", FakeTelegram.group(-500_000L - i, "Bench team")).put("from", PRESSER.json()).put("text", "/settings")));
        }
        bot.fake.rawUpdates(opening);
        long[] settingsMessage = new long[TENANTS];
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            for (int i = 0; i < TENANTS; i++) {
                if (settingsMessage[i] == 0) {
                    List<JsonObject> sent = bot.fake.messagesIn(-500_000L - i);
                    settingsMessage[i] = sent.isEmpty() ? 0 : sent.get(0).getLong("message_id");
                }
            }
            return java.util.Arrays.stream(settingsMessage).allMatch(id -> id != 0);
        });
        return settingsMessage;
    }

    /** Half /status, half Dry-run toggles (a transaction with its history row each), spread over the tenants. */
    private static List<JsonObject> mix(int count, int offset, long[] settingsMessage) {
        List<JsonObject> batch = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int i = offset + n;
            long chatId = -500_000L - (i % TENANTS);
            JsonObject chat = FakeTelegram.group(chatId, "Bench team");
            if (i % 2 == 0) {
                batch.add(new JsonObject().put("message", new JsonObject().put("message_id", i).put("date", 0).put("chat", chat)
                        .put("from", PRESSER.json()).put("text", "/status")));
            } else {
                batch.add(new JsonObject().put("callback_query", new JsonObject().put("id", "bench-" + i).put("from", PRESSER.json())
                        .put("data", "1:t:dry").put("message", new JsonObject().put("message_id", settingsMessage[i % TENANTS])
                                .put("date", 0).put("chat", chat).put("text", "Settings"))));
            }
        }
        return batch;
    }

    /**
     * A steady 200 updates a second: 5 s to warm up (the JIT compiles the handlers), then 10 s measured,
     * the time from arrival to the reply handed to the outbox.
     */
    private static void latency(BotHarness bot, long[] settingsMessage) {
        int port = bot.app().httpPort();
        paced(bot, settingsMessage, 100, 50_000);
        long before = handled(port);
        TreeMap<Double, Double> bucketsBefore = buckets(Http.get(port, "/metrics").body());
        paced(bot, settingsMessage, 200, 100_000);
        await().atMost(Duration.ofMinutes(1)).until(() -> handled(port) - before >= 2_000);
        TreeMap<Double, Double> during = diff(buckets(Http.get(port, "/metrics").body()), bucketsBefore);
        System.out.printf("Steady 200 updates/s: arrival to reply handed to the outbox p50 ≤ %.1f ms, p99 ≤ %.1f ms%n",
                quantile(during, 0.5) * 1000, quantile(during, 0.99) * 1000);
    }

    /** {@code ticks} times 10 updates, one tick every 50 ms. */
    private static void paced(BotHarness bot, long[] settingsMessage, int ticks, int firstIndex) {
        long start = System.nanoTime();
        for (int tick = 0; tick < ticks; tick++) {
            bot.fake.rawUpdates(mix(10, firstIndex + tick * 10, settingsMessage));
            // a load generator keeps its pace by waiting for the next tick
            LockSupport.parkNanos(start + (tick + 1) * 50_000_000L - System.nanoTime());
        }
    }

    /** 20,000 updates waiting at once: how fast the bot works through them. */
    private static void throughput(BotHarness bot, long[] settingsMessage) {
        int port = bot.app().httpPort();
        long handledBefore = handled(port);
        TreeMap<Double, Double> bucketsBefore = buckets(Http.get(port, "/metrics").body());
        List<JsonObject> batch = mix(UPDATES, 0, settingsMessage);
        long started = System.nanoTime();
        bot.fake.rawUpdates(batch);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> handled(port) - handledBefore >= UPDATES);
        double seconds = (System.nanoTime() - started) / 1e9;
        TreeMap<Double, Double> during = diff(buckets(Http.get(port, "/metrics").body()), bucketsBefore);
        System.out.printf("Backlog: %,d updates handled in %.2f s = %,.0f updates/s (half /status, half toggles written with their history)%n",
                UPDATES, seconds, UPDATES / seconds);
        System.out.printf("Backlog: arrival to reply handed to the outbox p50 ≤ %.1f ms, p99 ≤ %.1f ms (queueing behind the batch included)%n",
                quantile(during, 0.5) * 1000, quantile(during, 0.99) * 1000);
    }

    static long handled(int port) {
        Matcher m = Pattern.compile("(?m)^storyline_telegram_update_handling_seconds_count (\\S+)").matcher(Http.get(port, "/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** The cumulative histogram of update handling: upper bound in seconds → count. */
    static TreeMap<Double, Double> buckets(String metrics) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^storyline_telegram_update_handling_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)").matcher(metrics);
        while (m.find()) {
            buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
        }
        return buckets;
    }

    static TreeMap<Double, Double> diff(TreeMap<Double, Double> after, TreeMap<Double, Double> before) {
        TreeMap<Double, Double> result = new TreeMap<>();
        after.forEach((le, count) -> result.put(le, count - before.getOrDefault(le, 0.0)));
        return result;
    }

    /** The upper bound of the bucket that holds the q-quantile. */
    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double total = cumulative.lastEntry().getValue();
        for (var entry : cumulative.entrySet()) {
            if (entry.getValue() >= q * total) {
                return entry.getKey();
            }
        }
        return Double.NaN;
    }
}
