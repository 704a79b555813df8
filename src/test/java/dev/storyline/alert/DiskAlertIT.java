package dev.storyline.alert;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.AlertRaised;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The disk check of the watch, through an injected free-space probe: under 5 % free raises the disk alert, above it nothing. */
class DiskAlertIT {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("3 % free raises 'disk-space' naming the percentage and the folder; 40 % free raises nothing")
    void lowDisk() {
        TestDatabase db = TestDatabase.create();
        Vertx vertx = Vertx.vertx();
        try {
            List<AlertRaised> alerts = new CopyOnWriteArrayList<>();
            vertx.eventBus().<JsonObject>consumer(Addresses.ALERT_RAISE, m -> alerts.add(AlertRaised.fromJson(m.body())));
            AtomicLong free = new AtomicLong(400);
            AtomicLong probed = new AtomicLong();
            WatchVerticle watch = new WatchVerticle(db.pool(vertx), dataDir, Duration.ofMillis(100), Optional.empty(), Clock.systemUTC(),
                    dir -> {
                        probed.incrementAndGet();
                        return new long[] {free.get() * 1024 * 1024, 1000L * 1024 * 1024};
                    });
            vertx.deployVerticle(watch).await();

            await().atMost(Duration.ofSeconds(5)).until(() -> probed.get() >= 3); // three checks at 40 % free
            assertThat(alerts).noneMatch(a -> a.key().equals("disk-space"));

            free.set(30);
            await().atMost(Duration.ofSeconds(5)).until(() -> alerts.stream().anyMatch(a -> a.key().equals("disk-space")));
            assertThat(alerts.stream().filter(a -> a.key().equals("disk-space")).findFirst().orElseThrow().html())
                    .contains("Only 3.0 % (30 MB) is free").contains(dataDir.toString());
        } finally {
            vertx.close().await();
        }
    }
}
