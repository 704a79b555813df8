package dev.storyline.db;

import dev.storyline.app.Application;
import dev.storyline.config.AppConfig;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 13 point 10: one server per database; D32: or any number of cluster nodes, never both. */
class ServerLockIT {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("a second serve on the same database is refused with a clear message; once the first stops, it starts")
    void oneServerPerDatabase() {
        TestDatabase db = TestDatabase.createEmpty();
        AppConfig config = TestConfig.parse(TestConfig.keys(db, dataDir));
        Application first = Application.start(config, Clock.systemUTC());
        try {
            assertThatThrownBy(() -> Application.start(config, Clock.systemUTC()).stop())
                    .isInstanceOf(DatabaseStartException.class)
                    .hasMessageStartingWith("Another Storyline server is already running on PostgreSQL")
                    .hasMessageContaining("Only one server may use a database");
            assertThat(first.httpPort()).as("the first one goes on").isPositive();
        } finally {
            first.stop();
        }
        Application.start(config, Clock.systemUTC()).stop();
    }

    @Test
    @DisplayName("a cluster node and a single server never share a database: each is refused beside the other, nodes share the lock")
    void clusterOrSingle() {
        TestDatabase db = TestDatabase.createEmpty();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (ServerLock single = ServerLock.acquire(vertx, db.settings(), "the test database", false)) {
            assertThatThrownBy(() -> ServerLock.acquire(vertx, db.settings(), "the test database", true).close())
                    .isInstanceOf(DatabaseStartException.class)
                    .hasMessageStartingWith("A Storyline server that is not part of a cluster is running on the test database");
        }
        try (ServerLock node1 = ServerLock.acquire(vertx, db.settings(), "the test database", true);
             ServerLock node2 = ServerLock.acquire(vertx, db.settings(), "the test database", true)) {
            assertThatThrownBy(() -> ServerLock.acquire(vertx, db.settings(), "the test database", false).close())
                    .isInstanceOf(DatabaseStartException.class)
                    .hasMessageContaining("share one database only as a cluster (serve --cluster)");
        }
        ServerLock.acquire(vertx, db.settings(), "the test database", false).close();
        vertx.close().await();
    }
}
