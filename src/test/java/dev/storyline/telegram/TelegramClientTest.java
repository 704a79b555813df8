package dev.storyline.telegram;

import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TelegramClientTest {
    private final Vertx vertx = Vertx.vertx();
    private FakeTelegram fake;
    private TelegramClient client;

    @BeforeEach
    void start() {
        fake = new FakeTelegram(TestConfig.TOKEN);
        client = new TelegramClient(vertx, URI.create(fake.baseUrl()), TestConfig.TOKEN);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        fake.close();
    }

    private static TelegramException failure(Future<?> future) {
        return catchThrowableOfType(TelegramException.class, future::await);
    }

    @Test
    @DisplayName("a successful call returns the envelope's result")
    void result() {
        JsonObject me = client.getMe().await();

        assertThat(me.getString("username")).isEqualTo(FakeTelegram.BOT_USERNAME);
    }

    @Test
    @DisplayName("Telegram's error envelope becomes a typed failure with its code and description")
    void badRequest() {
        TelegramException e = failure(client.call("sendMessage", new JsonObject().put("chat_id", -5).put("text", "")));

        assertThat(e.kind()).isEqualTo(TelegramException.Kind.BAD_REQUEST);
        assertThat(e.errorCode()).isEqualTo(400);
        assertThat(e.description()).isEqualTo("Bad Request: message text is empty");
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    @DisplayName("429 carries retry_after and is transient; 5xx is transient; 403 is permanent")
    void classification() {
        fake.failNext("sendMessage", 1, 429, "Too Many Requests: retry after 7", 7);
        fake.failNext("getChat", 1, 502, "Bad Gateway", null);
        fake.kick(-9L);

        TelegramException limited = failure(client.call("sendMessage", new JsonObject().put("chat_id", -5).put("text", "x")));
        TelegramException server = failure(client.call("getChat", new JsonObject().put("chat_id", -5)));
        TelegramException forbidden = failure(client.call("sendMessage", new JsonObject().put("chat_id", -9).put("text", "x")));

        assertThat(limited.kind()).isEqualTo(TelegramException.Kind.RATE_LIMITED);
        assertThat(limited.retryAfterSeconds()).isEqualTo(7);
        assertThat(limited.isTransient()).isTrue();
        assertThat(server.kind()).isEqualTo(TelegramException.Kind.SERVER);
        assertThat(server.isTransient()).isTrue();
        assertThat(forbidden.kind()).isEqualTo(TelegramException.Kind.FORBIDDEN);
        assertThat(forbidden.isTransient()).isFalse();
    }

    @Test
    @DisplayName("a group upgraded to a supergroup reports the new chat id")
    void migration() {
        fake.migrate(-77L, -1007700000000L);

        TelegramException e = failure(client.call("sendMessage", new JsonObject().put("chat_id", -77).put("text", "x")));

        assertThat(e.migrateToChatId()).isEqualTo(-1007700000000L);
    }

    @Test
    @DisplayName("the token appears in no failure: not for a wrong token, not for an unreachable server")
    void tokenNeverInMessages() throws Exception {
        TelegramClient wrong = new TelegramClient(vertx, URI.create(fake.baseUrl()), "999:wrong-secret-token");
        TelegramException unauthorized = failure(wrong.getMe());
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        TelegramClient unreachable = new TelegramClient(vertx, URI.create("http://127.0.0.1:" + closed), TestConfig.TOKEN);
        TelegramException network = failure(unreachable.getMe());

        assertThat(unauthorized.kind()).isEqualTo(TelegramException.Kind.UNAUTHORIZED);
        assertThat(unauthorized.getMessage()).doesNotContain("wrong-secret-token");
        assertThat(network.kind()).isEqualTo(TelegramException.Kind.NETWORK);
        assertThat(network.getMessage()).doesNotContain(TestConfig.TOKEN);
    }

    @Test
    @DisplayName("sendPhoto uploads a local file as multipart with caption and buttons")
    void multipartUpload(@TempDir Path dir) throws Exception {
        Path photo = Files.write(dir.resolve("story.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9});
        JsonObject markup = new JsonObject().put("inline_keyboard", new JsonArray().add(new JsonArray()
                .add(new JsonObject().put("text", "✅ Posted").put("callback_data", "1:p:1"))));

        JsonObject message = (JsonObject) client.upload("sendPhoto", new JsonObject().put("chat_id", -5).put("caption", "<b>Sunset</b>")
                .put("parse_mode", "HTML").put("reply_markup", markup), "photo", photo, "image/jpeg").await();

        assertThat(message.getString("caption")).isEqualTo("Sunset");
        assertThat(message.getJsonArray("photo").getJsonObject(0).getLong("file_size")).isEqualTo(7);
        assertThat(message.getJsonObject("reply_markup")).isEqualTo(markup);
    }

    @Test
    @DisplayName("getUpdates long-polls: it returns as soon as an update arrives")
    void longPolling() {
        Future<JsonArray> poll = client.getUpdates(0, 30, List.of("message"));
        fake.userSends(FakeTelegram.group(-5, "Team"), new FakeTelegram.Person(1, "Ann", "ann"), "/status");

        JsonArray updates = poll.await();

        assertThat(updates).hasSize(1);
        assertThat(updates.getJsonObject(0).getJsonObject("message").getString("text")).isEqualTo("/status");
    }
}
