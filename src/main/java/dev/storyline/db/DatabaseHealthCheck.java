package dev.storyline.db;

import dev.storyline.http.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** Healthy when the database answers {@code SELECT 1}. The pool reconnects on its own once it is back. */
public final class DatabaseHealthCheck implements HealthCheck {
    private final Pool pool;
    private final DatabaseRepository database;
    private final String description;

    public DatabaseHealthCheck(Pool pool, String description) {
        this.pool = pool;
        this.database = new DatabaseRepository(pool);
        this.description = description;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public Future<Result> check() {
        long started = System.nanoTime();
        return database.ping()
                .map(v -> Result.up(description,
                        new JsonObject().put("latencyMillis", (System.nanoTime() - started) / 1_000_000)
                                .put("poolConnections", pool.size())));
    }
}
