package dev.storyline.media;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code media_locks} as the operator sees them (D13): which images rest and why, and the undo of a
 * lock (a rejected image brought back, a skipped one offered again at once).
 */
public final class LockRepository {
    private static final String LIST = """
            SELECT l.media_item_id, l.reason, l.locked_until, l.created_at, m.title, m.path
              FROM media_locks l JOIN media_items m ON m.id = l.media_item_id AND m.tenant_id = l.tenant_id
             WHERE l.tenant_id = $1 AND l.locked_until > $2
             ORDER BY l.created_at DESC, l.id DESC LIMIT $3""";
    private static final String REMOVE = """
            DELETE FROM media_locks WHERE tenant_id = $1 AND media_item_id = $2 AND locked_until > $3 RETURNING reason""";

    /** A lock in force. */
    /** The answer of {@code admin.locks}: the locks in force. */
    public record Locks(java.util.List<Lock> locks) {
        public JsonObject toJson() {
            return new JsonObject().put("locks", new io.vertx.core.json.JsonArray(locks.stream().map(Lock::toJson).toList()));
        }

        public static Locks fromJson(JsonObject json) {
            return new Locks(json.getJsonArray("locks", new io.vertx.core.json.JsonArray()).stream()
                    .map(o -> Lock.fromJson((JsonObject) o)).toList());
        }
    }

    public record Lock(long mediaItemId, String reason, Instant lockedUntil, Instant createdAt, String image) {
        public JsonObject toJson() {
            return new JsonObject().put("mediaItemId", mediaItemId).put("reason", reason)
                    .put("lockedUntil", Instant.MAX.equals(lockedUntil) ? "forever" : String.valueOf(lockedUntil))
                    .put("createdAt", String.valueOf(createdAt)).put("image", image);
        }

        public static Lock fromJson(JsonObject json) {
            String until = json.getString("lockedUntil");
            return new Lock(json.getLong("mediaItemId"), json.getString("reason"),
                    until == null || "forever".equals(until) ? Instant.MAX : Instant.parse(until),
                    json.getString("createdAt") == null || "null".equals(json.getString("createdAt")) ? null : Instant.parse(json.getString("createdAt")),
                    json.getString("image"));
        }

        /** "forever" for a rejection, else the time. */
        public String until() {
            return Instant.MAX.equals(lockedUntil) ? "forever" : String.valueOf(lockedUntil);
        }
    }

    private final Pool pool;

    public LockRepository(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's locks in force at {@code now}, newest first. */
    public Future<List<Lock>> list(long tenantId, Instant now, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(tenantId, Sql.utc(now), limit)).map(rows -> {
            List<Lock> locks = new ArrayList<>();
            for (Row r : rows) {
                String title = r.getString("title");
                String image = title != null ? title : java.nio.file.Path.of(r.getString("path")).getFileName().toString();
                java.time.OffsetDateTime until = r.getOffsetDateTime("locked_until");
                locks.add(new Lock(r.getLong("media_item_id"), r.getString("reason"),
                        until == null || until.equals(java.time.OffsetDateTime.MAX) ? Instant.MAX : until.toInstant(),
                        Sql.instant(r, "created_at"), image));
            }
            return locks;
        });
    }

    /** Lifts every lock in force on the image; the reasons lifted (empty: it was not locked). */
    public Future<List<String>> remove(long tenantId, long mediaItemId, Instant now) {
        return pool.preparedQuery(REMOVE).execute(Tuple.of(tenantId, mediaItemId, Sql.utc(now))).map(rows -> {
            List<String> reasons = new ArrayList<>();
            rows.forEach(r -> reasons.add(r.getString("reason")));
            return reasons;
        });
    }
}
