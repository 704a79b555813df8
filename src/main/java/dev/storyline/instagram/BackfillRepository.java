package dev.storyline.instagram;

import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a backfill (D31) writes beside the library item: a history row per imported post, posted at its
 * Instagram time with its media id, and what a post does to its image (the repost lock while it is in
 * force, the post counter and the last post time).
 */
final class BackfillRepository {
    /** Which of these media ids ($2) a history row of the tenant already names (published, matched or imported). */
    private static final String KNOWN = """
            SELECT instagram_media_id FROM posting_history WHERE tenant_id = $1 AND instagram_media_id = ANY($2)""";

    /**
     * $1 tenant, $2 item, $3 media id, $4 posted at, $5 permalink, $6 a live story (its insights series
     * runs; a post or an older story is 'missed'), $7 now, $8 repost days. Nothing when the media id is
     * recorded already (the backfill holds the library's lock, so no second run races this one).
     */
    private static final String RECORD = """
            WITH h AS (
                INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, completed_at,
                                             instagram_media_id, instagram_permalink, instagram_posted_at, insights_ended_at, insights_end)
                SELECT $1, nextval(pg_get_serial_sequence('posting_queue', 'id')), $2, 'instagram-' || $3, $4, 'posted', NULL, $4,
                       $3, $5, $4, CASE WHEN $6 THEN NULL ELSE $7 END, CASE WHEN $6 THEN NULL ELSE 'missed' END
                 WHERE NOT EXISTS (SELECT 1 FROM posting_history WHERE tenant_id = $1 AND instagram_media_id = $3)
                RETURNING tenant_id, media_item_id, completed_at),
            l AS (
                INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until, created_at)
                SELECT tenant_id, media_item_id, 'posted', completed_at + make_interval(days => $8), completed_at
                  FROM h WHERE completed_at + make_interval(days => $8) > $7),
            m AS (
                UPDATE media_items SET times_posted = times_posted + 1, last_posted_at = greatest(last_posted_at, h.completed_at),
                                       updated_at = now()
                  FROM h WHERE media_items.id = h.media_item_id AND media_items.tenant_id = h.tenant_id)
            SELECT count(*) AS recorded FROM h""";

    private final Pool pool;

    BackfillRepository(Pool pool) {
        this.pool = pool;
    }

    Future<Set<String>> known(long tenantId, List<String> mediaIds) {
        if (mediaIds.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return pool.preparedQuery(KNOWN).execute(Tuple.tuple().addLong(tenantId).addArrayOfString(mediaIds.toArray(String[]::new))).map(rows -> {
            Set<String> known = new HashSet<>();
            rows.forEach(r -> known.add(r.getString(0)));
            return known;
        });
    }

    /** Records media {@code media} as a post of item {@code itemId}; false when it was recorded before. */
    Future<Boolean> record(long tenantId, long itemId, GraphClient.Media media, boolean liveStory, Instant now, int repostDays) {
        return pool.preparedQuery(RECORD).execute(Tuple.from(Arrays.asList(tenantId, itemId, media.id(), Sql.utc(media.timestamp()),
                        media.permalink(), liveStory, Sql.utc(now), repostDays)))
                .map(rows -> rows.iterator().next().getLong("recorded") > 0);
    }
}
