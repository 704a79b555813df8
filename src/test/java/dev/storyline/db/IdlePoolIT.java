package dev.storyline.db;

import dev.storyline.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class IdlePoolIT {
    @Test
    @DisplayName("issue 19: the pool opens connections as work needs them and closes those unused for the idle time (each is a PostgreSQL process)")
    void idleConnectionsClose() {
        assertThat(Database.IDLE_CONNECTION).isEqualTo(Duration.ofSeconds(10));
        TestDatabase db = TestDatabase.create();
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = Database.external(db.settings()).createPool(vertx, 10, Duration.ofMillis(500));
            List<Future<?>> busy = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                busy.add(pool.query("SELECT pg_sleep(0.3)").execute());
            }
            Future.all(busy).await();
            assertThat(pool.size()).isEqualTo(3);
            long backends = db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");

            await().atMost(Duration.ofSeconds(10)).until(() -> pool.size() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid()") <= backends - 3);
            pool.query("SELECT 1").execute().await();
            assertThat(pool.size()).as("opened again when needed").isEqualTo(1);
        } finally {
            vertx.close().await();
        }
    }
}
