package dev.storyline.media;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's library in {@code media_items}. Every statement is filtered by {@code tenant_id}: two
 * tenants indexing the same files get separate items and never see each other's.
 */
public final class MediaRepository {
    private static final String COLUMNS = """
            id, tenant_id, path, source, file_hash, file_size, file_modified_at, mime_type, width, height, category,
            title, link, caption, tags, requires_interaction, custom_metadata, warnings, duplicate_of, is_active,
            times_posted, last_posted_at, created_at, duration_ms""";

    private static final String COUNTS = """
            SELECT count(*) FILTER (WHERE m.is_active) AS active,
                   count(*) FILTER (WHERE m.is_active AND m.times_posted = 0) AS never_posted,
                   count(*) FILTER (WHERE m.is_active AND EXISTS (
                       SELECT 1 FROM media_locks l WHERE l.media_item_id = m.id AND l.locked_until > now())) AS locked,
                   count(*) FILTER (WHERE m.is_active AND cardinality(m.warnings) > 0) AS with_warnings,
                   count(*) FILTER (WHERE m.is_active AND m.duplicate_of IS NOT NULL) AS duplicates,
                   count(*) FILTER (WHERE m.is_active AND m.mime_type LIKE 'video/%') AS videos
              FROM media_items m
             WHERE m.tenant_id = $1""";

    private static final String KNOWN = "SELECT " + COLUMNS + " FROM media_items WHERE tenant_id = $1";

    /** New files and changed content; a replaced file (new hash) starts its post counters again (R23). */
    private static final String UPSERT = """
            INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, file_modified_at, mime_type, width, height,
                                     category, title, link, caption, tags, requires_interaction, custom_metadata, warnings,
                                     telegram_file_unique_id, added_by, duration_ms, video_codec)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            ON CONFLICT (tenant_id, path) DO UPDATE SET
                file_hash = EXCLUDED.file_hash, file_size = EXCLUDED.file_size, file_modified_at = EXCLUDED.file_modified_at,
                mime_type = EXCLUDED.mime_type, width = EXCLUDED.width, height = EXCLUDED.height, category = EXCLUDED.category,
                title = EXCLUDED.title, link = EXCLUDED.link, caption = EXCLUDED.caption, tags = EXCLUDED.tags,
                requires_interaction = EXCLUDED.requires_interaction, custom_metadata = EXCLUDED.custom_metadata,
                warnings = EXCLUDED.warnings, duration_ms = EXCLUDED.duration_ms, video_codec = EXCLUDED.video_codec,
                is_active = true, updated_at = now(),
                times_posted = CASE WHEN media_items.file_hash = EXCLUDED.file_hash THEN media_items.times_posted ELSE 0 END,
                last_posted_at = CASE WHEN media_items.file_hash = EXCLUDED.file_hash THEN media_items.last_posted_at END
            RETURNING id""";

    private static final String DESCRIBE = """
            UPDATE media_items SET category = $3, title = $4, link = $5, caption = $6, tags = $7, requires_interaction = $8,
                                   custom_metadata = $9, is_active = true, updated_at = now()
             WHERE tenant_id = $1 AND id = $2""";

    private static final String SET_ACTIVE = """
            UPDATE media_items SET is_active = $3, updated_at = now()
             WHERE tenant_id = $1 AND id = ANY($2) AND is_active <> $3""";

    /** D14 and R24: the oldest item with a content is the original, later ones point at it. */
    private static final String MARK_DUPLICATES = """
            UPDATE media_items m SET duplicate_of = d.original
              FROM (SELECT id, NULLIF(min(id) OVER (PARTITION BY file_hash), id) AS original
                      FROM media_items WHERE tenant_id = $1) d
             WHERE m.tenant_id = $1 AND m.id = d.id AND m.duplicate_of IS DISTINCT FROM d.original""";

    private static final String BY_HASH = "SELECT " + COLUMNS + " " + """
            FROM media_items WHERE tenant_id = $1 AND file_hash = $2 ORDER BY is_active DESC, id LIMIT 1""";

    private static final String BY_UNIQUE_ID = "SELECT " + COLUMNS + " " + """
            FROM media_items WHERE tenant_id = $1 AND telegram_file_unique_id = $2 ORDER BY is_active DESC, id LIMIT 1""";

    private static final String LIST = "SELECT " + COLUMNS + " " + """
            FROM media_items WHERE tenant_id = $1 AND (is_active OR $3) ORDER BY category NULLS FIRST, path LIMIT $2""";

    private static final String RECENT = "SELECT " + COLUMNS + " " + """
            FROM media_items WHERE tenant_id = $1 AND is_active ORDER BY created_at DESC, id DESC LIMIT $2""";

    /** The library's categories (its top-level folders, without case) with their active items. */
    private static final String CATEGORIES = """
            SELECT lower(category) AS category, count(*) AS items FROM media_items
             WHERE tenant_id = $1 AND is_active AND category IS NOT NULL GROUP BY 1 ORDER BY 1""";

    /** The index lock of one tenant's library, held by a session (see {@link MediaIndexer}). */
    private static final String TRY_LOCK_INDEX = "SELECT pg_try_advisory_lock(hashtextextended('storyline.media.index:' || $1, 0))";
    private static final String UNLOCK_INDEX = "SELECT pg_advisory_unlock(hashtextextended('storyline.media.index:' || $1, 0))";

    /** Active items ({@code videos} of them videos, the rest images), never posted, locked, with warnings, duplicates. */
    public record Counts(long active, long neverPosted, long locked, long withWarnings, long duplicates, long videos) {
        public long images() {
            return active - videos;
        }
    }

    /** A file to add or update: {@code source}, who added it and its Telegram id are kept from the first insert. */
    public record NewFile(String path, String source, ImageInspector.Examined image, String category, Metadata metadata,
                          String telegramFileUniqueId, Long addedBy) {
    }

    private final Pool pool;

    public MediaRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Counts> counts(long tenantId) {
        return pool.preparedQuery(COUNTS).execute(Tuple.of(tenantId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Counts(row.getLong("active"), row.getLong("never_posted"), row.getLong("locked"),
                    row.getLong("with_warnings"), row.getLong("duplicates"), row.getLong("videos"));
        });
    }

    /** The tenant's categories (lower case, sorted) and how many active items each holds. */
    public Future<java.util.SortedMap<String, Long>> categories(long tenantId) {
        return pool.preparedQuery(CATEGORIES).execute(Tuple.of(tenantId)).map(rows -> {
            java.util.SortedMap<String, Long> categories = new java.util.TreeMap<>();
            rows.forEach(r -> categories.put(r.getString("category"), r.getLong("items")));
            return categories;
        });
    }

    /** The tenant's items by path, as a scan compares them. */
    public static Future<Map<String, FolderScanner.Known>> known(SqlClient client, long tenantId) {
        return client.preparedQuery(KNOWN).execute(Tuple.of(tenantId)).map(rows -> {
            Map<String, FolderScanner.Known> known = new HashMap<>();
            for (Row row : rows) {
                MediaItem item = map(row);
                known.put(item.path(), new FolderScanner.Known(item.id(), item.path(), item.source(), item.size(),
                        Sql.instant(row, "file_modified_at"), item.hash(), item.category(), item.metadata(), item.active()));
            }
            return known;
        });
    }

    /** Takes the tenant's index lock on this connection's session; false when another session holds it. */
    public static Future<Boolean> tryLockIndex(SqlConnection conn, long tenantId) {
        return conn.preparedQuery(TRY_LOCK_INDEX).execute(Tuple.of(String.valueOf(tenantId))).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public static Future<Void> unlockIndex(SqlConnection conn, long tenantId) {
        return conn.preparedQuery(UNLOCK_INDEX).execute(Tuple.of(String.valueOf(tenantId))).mapEmpty();
    }

    public static Future<List<Long>> upsert(SqlClient client, long tenantId, List<NewFile> files) {
        if (files.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<Tuple> batch = new ArrayList<>(files.size());
        for (NewFile f : files) {
            ImageInspector.Examined image = f.image();
            Metadata m = f.metadata();
            batch.add(Tuple.from(Arrays.asList(tenantId, f.path(), f.source(), image.hash(), image.size(),
                    Sql.utc(image.modifiedAt()),
                    image.format().mimeType(), image.width(), image.height(), f.category(), m.title(), m.link(), m.caption(),
                    m.tags().toArray(String[]::new), m.requiresInteraction(), m.custom(), image.warnings().toArray(String[]::new),
                    f.telegramFileUniqueId(), f.addedBy(), image.video() ? (int) image.durationMillis() : null, image.codec())));
        }
        return client.preparedQuery(UPSERT).executeBatch(batch).map(MediaRepository::ids);
    }

    public static Future<Void> describe(SqlClient client, long tenantId, List<FolderScanner.Touched> touched) {
        if (touched.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> batch = new ArrayList<>(touched.size());
        for (FolderScanner.Touched t : touched) {
            Metadata m = t.metadata();
            batch.add(Tuple.from(Arrays.asList(tenantId, t.known().id(), t.category(), m.title(), m.link(), m.caption(),
                    m.tags().toArray(String[]::new), m.requiresInteraction(), m.custom())));
        }
        return client.preparedQuery(DESCRIBE).executeBatch(batch).mapEmpty();
    }

    /** Activates or deactivates items; returns how many changed. Items are never deleted: history points at them. */
    public static Future<Integer> setActive(SqlClient client, long tenantId, List<Long> ids, boolean active) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return client.preparedQuery(SET_ACTIVE).execute(Tuple.of(tenantId, ids.toArray(Long[]::new), active))
                .map(RowSet::rowCount);
    }

    public static Future<Void> markDuplicates(SqlClient client, long tenantId) {
        return client.preparedQuery(MARK_DUPLICATES).execute(Tuple.of(tenantId)).mapEmpty();
    }

    public Future<Optional<MediaItem>> byHash(long tenantId, String hash) {
        return one(BY_HASH, Tuple.of(tenantId, hash));
    }

    public Future<Optional<MediaItem>> byTelegramFile(long tenantId, String fileUniqueId) {
        return one(BY_UNIQUE_ID, Tuple.of(tenantId, fileUniqueId));
    }

    public Future<Optional<MediaItem>> byId(long tenantId, long id) {
        return one("SELECT " + COLUMNS + " FROM media_items WHERE tenant_id = $1 AND id = $2", Tuple.of(tenantId, id));
    }

    /** The library, by category and path; inactive items only when asked. */
    public Future<List<MediaItem>> list(long tenantId, int limit, boolean includeInactive) {
        return pool.preparedQuery(LIST).execute(Tuple.of(tenantId, limit, includeInactive)).map(MediaRepository::items);
    }

    public Future<List<MediaItem>> recent(long tenantId, int limit) {
        return pool.preparedQuery(RECENT).execute(Tuple.of(tenantId, limit)).map(MediaRepository::items);
    }

    /** Adds or refreshes files through this repository's pool (see {@link #upsert(SqlClient, long, List)}). */
    public Future<List<Long>> upsert(long tenantId, List<NewFile> files) {
        return upsert(pool, tenantId, files);
    }

    private Future<Optional<MediaItem>> one(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    private static List<Long> ids(RowSet<Row> rows) {
        List<Long> ids = new ArrayList<>();
        for (RowSet<Row> set = rows; set != null; set = set.next()) {
            for (Row row : set) {
                ids.add(row.getLong(0));
            }
        }
        return ids;
    }

    private static List<MediaItem> items(RowSet<Row> rows) {
        List<MediaItem> items = new ArrayList<>(rows.size());
        rows.forEach(row -> items.add(map(row)));
        return items;
    }

    static MediaItem map(Row row) {
        Metadata metadata = new Metadata(row.getString("title"), row.getString("link"), row.getString("caption"),
                Arrays.asList(row.getArrayOfStrings("tags")), row.getBoolean("requires_interaction"),
                (JsonObject) row.getValue("custom_metadata"));
        return new MediaItem(row.getLong("id"), row.getLong("tenant_id"), row.getString("path"), row.getString("source"),
                row.getString("file_hash"), row.getLong("file_size"), row.getString("mime_type"), row.getInteger("width"),
                row.getInteger("height"), row.getString("category"), metadata, Arrays.asList(row.getArrayOfStrings("warnings")),
                row.getLong("duplicate_of"), row.getBoolean("is_active"), row.getInteger("times_posted"),
                Sql.instant(row, "last_posted_at"), Sql.instant(row, "created_at"),
                row.getInteger("duration_ms") == null ? 0 : row.getInteger("duration_ms"));
    }
}
