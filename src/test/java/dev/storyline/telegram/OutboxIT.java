package dev.storyline.telegram;

import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox against the fake Bot API, with Telegram's real limits, on its own event loop. */
class OutboxIT {
    private final Vertx vertx = Vertx.vertx();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private FakeTelegram fake;
    private Outbox outbox;

    @BeforeEach
    void start() {
        fake = new FakeTelegram(TestConfig.TOKEN);
        TelegramClient client = new TelegramClient(vertx, URI.create(fake.baseUrl()), TestConfig.TOKEN);
        Outbox.Listener listener = new Outbox.Listener() {
            @Override
            public Future<Void> chatMigrated(long from, long to) {
                events.add("migrated " + from + " -> " + to);
                return Future.succeededFuture();
            }

            @Override
            public void botRemoved(long chatId, String description) {
                events.add("removed " + chatId);
            }

            @Override
            public void rateLimited(long chatId, int retryAfterSeconds) {
                events.add("429 " + chatId + " " + retryAfterSeconds);
            }
        };
        Promise<Outbox> created = Promise.promise();
        vertx.runOnContext(v -> created.complete(new Outbox(vertx, client, new OutboxLimiter(OutboxLimiter.Limits.TELEGRAM),
                System::currentTimeMillis, listener, new TelegramMetrics(new SimpleMeterRegistry()), dev.storyline.config.AppConfig.OutboxBounds.DEFAULT)));
        outbox = created.future().await();
        this.client = client;
        this.listener = listener;
    }

    private TelegramClient client;
    private Outbox.Listener listener;

    /** Replaces the outbox with one of these bounds (D26). */
    private void bounded(dev.storyline.config.AppConfig.OutboxBounds bounds) {
        Promise<Outbox> created = Promise.promise();
        vertx.runOnContext(v -> created.complete(new Outbox(vertx, client, new OutboxLimiter(OutboxLimiter.Limits.TELEGRAM),
                System::currentTimeMillis, listener, new TelegramMetrics(new SimpleMeterRegistry()), bounds)));
        outbox = created.future().await();
    }


    @AfterEach
    void stop() {
        vertx.close().await();
        fake.close();
    }

    private Future<Object> send(long chatId, String text) {
        Promise<Object> result = Promise.promise();
        vertx.runOnContext(v -> outbox.submit(Outbox.Request.json("sendMessage", new JsonObject().put("chat_id", chatId).put("text", text)))
                .onComplete(result));
        return result.future();
    }

    private Future<Object> submit(Outbox.Request request) {
        Promise<Object> result = Promise.promise();
        vertx.runOnContext(v -> outbox.submit(request).onComplete(result));
        return result.future();
    }

    @Test
    @DisplayName("bounded (D26): a chat's queue, the strangers' replies and the whole queue each refuse past their limit, at once, "
            + "and what was taken is delivered")
    void bounded() {
        bounded(new dev.storyline.config.AppConfig.OutboxBounds(2, 4, 1, 20));
        for (long chat : new long[] {-31, 32, -33}) {
            fake.park(chat, "sendMessage");
        }
        List<Future<Object>> taken = new ArrayList<>();
        taken.add(send(-31, "a1"));
        org.awaitility.Awaitility.await().until(() -> fake.parkedCalls(-31, "sendMessage") == 1);
        taken.add(send(-31, "a2"));
        taken.add(send(-31, "a3"));
        Throwable chatFull = failure(send(-31, "a4"));
        assertThat(chatFull).isInstanceOf(TelegramException.class).hasMessageContaining("too many messages are waiting for this chat");
        assertThat(((TelegramException) chatFull).refusedHere()).isTrue();

        taken.add(stranger(32, "b1"));
        org.awaitility.Awaitility.await().until(() -> fake.parkedCalls(32, "sendMessage") == 1);
        taken.add(stranger(32, "b2"));
        assertThat(failure(stranger(32, "b3"))).hasMessageContaining("too many replies to chats that are no team");

        taken.add(send(-33, "c1"));
        org.awaitility.Awaitility.await().until(() -> fake.parkedCalls(-33, "sendMessage") == 1);
        taken.add(send(-33, "c2"));
        assertThat(failure(send(-33, "c3"))).hasMessageContaining("the outbox is full");

        for (long chat : new long[] {-31, 32, -33}) {
            fake.release(chat, "sendMessage");
        }
        Future.all(taken).await();
        assertThat(fake.textsIn(-31)).containsExactly("a1", "a2", "a3");
        assertThat(fake.textsIn(32)).containsExactly("b1", "b2");
        assertThat(fake.textsIn(-33)).containsExactly("c1", "c2");
    }

    private Future<Object> stranger(long chatId, String text) {
        return submit(Outbox.Request.json("sendMessage", new JsonObject().put("chat_id", chatId).put("text", text)).stranger(true));
    }

    private static Throwable failure(Future<Object> call) {
        try {
            call.await();
            return null;
        } catch (RuntimeException e) {
            return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        }
    }

    @Test
    @DisplayName("a 429 makes the outbox wait retry_after for that chat, then the call succeeds")
    void honoursRetryAfter() {
        fake.failNext("sendMessage", 1, 429, "Too Many Requests: retry after 1", 1);

        Object result = send(-100, "hello").await();

        assertThat(((JsonObject) result).getString("text")).isEqualTo("hello");
        List<FakeTelegram.Call> calls = fake.calls("sendMessage");
        assertThat(calls).hasSize(2);
        assertThat(Duration.ofNanos(calls.get(1).atNanos() - calls.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(events).contains("429 -100 1");
    }

    @Test
    @DisplayName("a burst to 40 private chats and 3 groups never exceeds 30 messages in a second or 1 per second to a chat")
    void limitsInTheCallLog() {
        List<Future<Object>> sends = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (long chat = 1; chat <= 40; chat++) {
                sends.add(send(chat, "private " + round));
            }
            for (long group = -1; group >= -3; group--) {
                sends.add(send(group, "group " + round));
            }
        }
        Future.all(sends).await();

        List<FakeTelegram.Call> messages = fake.calls().stream().filter(FakeTelegram.Call::isMessage).toList();
        assertThat(messages).hasSize(86);
        for (FakeTelegram.Call first : messages) {
            long inOneSecond = messages.stream()
                    .filter(c -> c.atNanos() >= first.atNanos() && c.atNanos() < first.atNanos() + 1_000_000_000L).count();
            assertThat(inOneSecond).isLessThanOrEqualTo(30);
        }
        Map<Long, List<Long>> byChat = new HashMap<>();
        messages.forEach(c -> byChat.computeIfAbsent(c.chatId(), k -> new ArrayList<>()).add(c.atNanos()));
        byChat.forEach((chat, times) -> {
            for (int i = 1; i < times.size(); i++) {
                assertThat(times.get(i) - times.get(i - 1)).as("chat " + chat).isGreaterThanOrEqualTo(1_000_000_000L);
            }
        });
    }

    @Test
    @DisplayName("issue 19: stories due together go out in the order they came, one chat after another; a chat with 20 messages "
            + "queued before them gets one turn a round, not the budget")
    void fairShare() {
        // Telegram's limits ten times faster, so the test takes seconds
        Promise<Outbox> created = Promise.promise();
        vertx.runOnContext(v -> created.complete(new Outbox(vertx, client,
                new OutboxLimiter(new OutboxLimiter.Limits(30, 105, 105, 20, 6_100)), System::currentTimeMillis, listener,
                new TelegramMetrics(new SimpleMeterRegistry()), dev.storyline.config.AppConfig.OutboxBounds.DEFAULT)));
        outbox = created.future().await();
        int teams = 200;
        List<Future<Object>> sends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sends.add(send(-1, "chatter " + i));
        }
        for (long team = 2; team <= teams + 1; team++) {
            sends.add(send(-team, "story"));
        }
        Future.all(sends).await();

        List<Long> order = fake.calls().stream().filter(FakeTelegram.Call::isMessage).map(FakeTelegram.Call::chatId).toList();
        List<Long> stories = order.stream().filter(chat -> chat != -1).toList();
        // up to 32 calls are on their way at once, so neighbours may reach Telegram swapped; never more than that out of line
        for (int i = 0; i < teams; i++) {
            assertThat(stories.indexOf(-(i + 2L))).as("place of team " + (i + 2)).isBetween(i - 32, i + 32);
        }
        // the chat's second turn comes after every other chat had its own: before that round is out, it sent one message
        int roundOut = order.indexOf(stories.get(teams - 33));
        assertThat(order.subList(0, roundOut).stream().filter(chat -> chat == -1).count()).as("chatter before the round is out")
                .isLessThanOrEqualTo(2);
    }

    @Test
    @DisplayName("edits go before new messages that were queued earlier for the same chat")
    void editsFirst() {
        Object sent = send(-5, "first").await();
        long id = ((JsonObject) sent).getLong("message_id");
        // the chat's one-per-second spacing now holds these back, so both wait in the queue
        Future<Object> second = send(-5, "second");
        Future<Object> edit = submit(Outbox.Request.json("editMessageText",
                new JsonObject().put("chat_id", -5).put("message_id", id).put("text", "first, edited")));
        Future.all(second, edit).await();

        List<String> order = fake.calls().stream().filter(FakeTelegram.Call::isMessage).map(FakeTelegram.Call::method).toList();
        assertThat(order).containsExactly("sendMessage", "editMessageText", "sendMessage");
    }

    @Test
    @DisplayName("a 5xx is retried with backoff; an edit that changes nothing counts as done")
    void transientAndNotModified() {
        fake.failNext("sendMessage", 1, 502, "Bad Gateway", null);

        JsonObject sent = (JsonObject) send(-6, "retry me").await();
        Object unchanged = submit(Outbox.Request.json("editMessageText",
                new JsonObject().put("chat_id", -6).put("message_id", sent.getLong("message_id")).put("text", "retry me"))).await();

        assertThat(fake.calls("sendMessage")).hasSize(2);
        assertThat(unchanged).isEqualTo(Boolean.TRUE);
    }

    @Test
    @DisplayName("a migrated group's calls move to the new chat id; a kicked bot is reported and the call fails")
    void migrationAndRemoval() {
        fake.migrate(-70L, -1000000000070L);
        fake.kick(-80L);

        JsonObject moved = (JsonObject) send(-70, "to the supergroup").await();
        Throwable failed = send(-80, "nobody hears this").otherwiseEmpty().map(x -> (Throwable) null).await();

        assertThat(moved.getJsonObject("chat").getLong("id")).isEqualTo(-1000000000070L);
        assertThat(events).contains("migrated -70 -> -1000000000070", "removed -80");
        assertThat(failed).isNull();
    }
}
