package dev.storyline.app;

import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Issue 19: the actors start in waves; one that cannot start fails the start by name, and nothing of it is left behind. */
class StartWavesIT {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("a taken HTTP port fails the start naming the HTTP server; the actors already started are stopped and the next start works")
    void failedWave() throws Exception {
        TestDatabase db = TestDatabase.create();
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            JsonObject keys = TestConfig.keys(db, dataDir).put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", String.valueOf(taken.getLocalPort()));
            StartupException refused = catchThrowableOfType(StartupException.class,
                    () -> Application.start(TestConfig.parse(keys), Clock.systemUTC()));
            assertThat(refused).hasMessageStartingWith("The HTTP server could not start: ");
        }
        // the server lock and the database were let go: a second server starts on the same database
        Application again = Application.start(TestConfig.parse(TestConfig.keys(db, dataDir)), Clock.systemUTC());
        try {
            assertThat(again.httpPort()).isPositive();
        } finally {
            again.stop();
        }
    }
}
