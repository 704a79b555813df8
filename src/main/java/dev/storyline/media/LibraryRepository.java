package dev.storyline.media;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** Library counts for a tenant, for {@code /status}. */
public final class LibraryRepository {
    private static final String COUNTS = """
            SELECT count(*) FILTER (WHERE m.is_active) AS active,
                   count(*) FILTER (WHERE m.is_active AND m.times_posted = 0) AS never_posted,
                   count(*) FILTER (WHERE m.is_active AND EXISTS (
                       SELECT 1 FROM media_locks l WHERE l.media_item_id = m.id AND l.locked_until > now())) AS locked
              FROM media_items m
             WHERE m.tenant_id = $1""";

    public record Counts(long active, long neverPosted, long locked) {
    }

    private final Pool pool;

    public LibraryRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Counts> counts(long tenantId) {
        return pool.preparedQuery(COUNTS).execute(Tuple.of(tenantId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Counts(row.getLong("active"), row.getLong("never_posted"), row.getLong("locked"));
        });
    }
}
