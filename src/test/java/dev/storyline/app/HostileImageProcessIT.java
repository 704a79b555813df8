package dev.storyline.app;

import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import dev.storyline.testing.TestImages;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13's acceptance, as systemd runs Storyline ({@code -Xmx512m -XX:+ExitOnOutOfMemoryError}): a
 * 20000×20000 PNG (1 MB on disk, 1.2 GB decoded) in a team's folder and sent as a document in its
 * chat is refused with the reason; the process stays up and another team is answered.
 */
class HostileImageProcessIT {
    private static final FakeTelegram.Person MEMBER = new FakeTelegram.Person(502, "Max", "max");
    private static final FakeTelegram.Person OTHER = new FakeTelegram.Person(503, "Ola", "ola");

    @TempDir
    Path workDir;

    @Test
    @DisplayName("a decompression bomb in a folder and in the chat: refused with its size, the process (-Xmx512m) stays up, "
            + "another team is answered")
    void bombDoesNotKillTheProcess() throws Exception {
        TestDatabase db = TestDatabase.create();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = workDir.resolve("data");
        db.insertTenant(-5101, "Bombed team", "approved", false);
        db.insertTenant(-5102, "Quiet team", "approved", false);
        Files.createDirectories(data.resolve("media/-5101"));
        TestImages.hugePng(data.resolve("media/-5101/bomb.png"), 20_000, 20_000);
        TestImages.write(data.resolve("media/-5101/fine.jpg"), "jpg", 1080, 1920, Color.GREEN);

        try (FakeTelegram fake = new FakeTelegram(TestConfig.TOKEN)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), "dev.storyline.Main"))
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(workDir.resolve("serve.log").toFile());
            builder.environment().put("TELEGRAM_BOT_TOKEN", TestConfig.TOKEN);
            builder.environment().put("TELEGRAM_API_BASE_URL", fake.baseUrl());
            builder.environment().put("ADMIN_TELEGRAM_CHAT_ID", String.valueOf(TestConfig.ADMIN_CHAT));
            builder.environment().put("DATABASE_URL", db.url());
            builder.environment().put("STORYLINE_DATA_DIR", data.toString());
            builder.environment().put("HTTP_PORT", String.valueOf(port));
            Process process = builder.start();
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> Http.get(port, "/health").status() == 200);
                // the folder: indexed at start, the bomb refused with its reason, the fine image added
                await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM media_items WHERE tenant_id = -5101") == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM service_runs WHERE tenant_id = -5101 "
                        + "AND service LIKE 'media.%' AND status = 'completed' AND summary::text LIKE '%Too large: 20000×20000%'") >= 1);

                // the chat: the same file as a document
                fake.userSendsDocument(FakeTelegram.group(-5101, "Bombed team"), MEMBER, data.resolve("media/-5101/bomb.png"),
                        "bomb.png", "image/png", 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> fake.textsIn(-5101).stream()
                        .anyMatch(t -> t.equals("🚫 Not added: too large: 20000×20000, the limit is 50 MP.")));

                fake.userSends(FakeTelegram.group(-5102, "Quiet team"), OTHER, "/status");
                await().atMost(Duration.ofSeconds(30)).until(() -> fake.textsIn(-5102).stream().anyMatch(t -> t.startsWith("📊")));
                assertThat(process.isAlive()).as(Files.readString(workDir.resolve("serve.log"))).isTrue();
                assertThat(Http.get(port, "/health").status()).isEqualTo(200);
            } finally {
                process.destroy();
                process.waitFor(15, TimeUnit.SECONDS);
            }
            assertThat(Files.readString(workDir.resolve("serve.log"))).doesNotContain("OutOfMemoryError");
        }
    }
}
