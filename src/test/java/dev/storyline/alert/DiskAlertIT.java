package dev.storyline.alert;

import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The disk check of the watch, through an injected free-space probe: under 5 % free raises the disk alert, above it nothing. */
@ExtendWith(VertxExtension.class) // the extension closes the Vert.x; the alert is awaited in the database, outside Vert.x
class DiskAlertIT {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("3 % free raises 'disk-space' naming the percentage and the folder; 40 % free raises nothing")
    void lowDisk(Vertx vertx) {
        TestDatabase db = TestDatabase.create();
        AtomicLong free = new AtomicLong(400);
        AtomicLong probed = new AtomicLong();
        WatchVerticle watch = new WatchVerticle(db.pool(vertx), dataDir, Duration.ofMillis(100), Optional.empty(), Clock.systemUTC(),
                dir -> {
                    probed.incrementAndGet();
                    return new long[] {free.get() * 1024 * 1024, 1000L * 1024 * 1024};
                });
        vertx.deployVerticle(watch).await();

        await().atMost(Duration.ofSeconds(5)).until(() -> probed.get() >= 3); // three checks at 40 % free
        assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_key = 'disk-space'")).isZero();

        // the watch is the alerts actor: it records the alert itself (no admin chat here, so nothing is sent)
        free.set(30);
        await().atMost(Duration.ofSeconds(5)).until(() -> db.count("SELECT count(*) FROM alerts WHERE alert_key = 'disk-space'") == 1);
        assertThat(db.column("SELECT message FROM alerts WHERE alert_key = 'disk-space'")).singleElement().asString()
                .contains("Only 3.0 % (30 MB) is free").contains(dataDir.toString());
    }
}
