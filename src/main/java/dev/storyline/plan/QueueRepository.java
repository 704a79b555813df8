package dev.storyline.plan;

import dev.storyline.db.Sql;
import dev.storyline.media.MediaItem;
import dev.storyline.media.Metadata;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code posting_queue} and {@code posting_history} (D8): claiming due slots, recording what Telegram
 * said, and ending a slot, which moves it to history in the same statement that deletes it, with its
 * lock (D13) and counters. Every statement is filtered by {@code tenant_id}. A slot's {@code route} is
 * NULL until dispatch decides it (product.md §3); 'telegram' once it went to the chat or Instagram gave
 * up on it (so a retry goes to the chat again); 'instagram' while publishing.
 */
public final class QueueRepository {
    /** The columns a {@link QueueItem} is read from ({@code QueueItem.map}). */
    static final String COLUMNS = """
            id, tenant_id, slot_key, local_date, slot_index, scheduled_for, due_at, media_item_id, route, state, is_manual,
            dry_run, attempts, next_attempt_at, last_error, claimed_at, notified_at, telegram_message_id, instagram_container_id,
            claim_token""";
    private static final String NEXT_DUE = "SELECT min(due_at) FROM posting_queue WHERE tenant_id = $1 AND state = 'planned'";

    /** Issue 19: the active teams with a planned slot due in a window, for the due wheel (one read for every team). */
    private static final String DUE_TENANTS = "SELECT DISTINCT q.tenant_id FROM posting_queue q WHERE q.state = 'planned' "
            + "AND q.due_at > $1 AND q.due_at <= $2 "
            + "AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = q.tenant_id AND t.state = 'approved' AND NOT t.is_paused)";

    /**
     * Claims the oldest due slot (D10); SKIP LOCKED lets a second claimer pass by instead of waiting. Only while the tenant is
     * active: a scheduler that has not yet been stopped after a pause (or one deployed from a read made before it) claims nothing.
     */
    private static final String CLAIM = "UPDATE posting_queue SET state = 'claimed', claimed_at = $2, attempts = attempts + 1, "
            + "claim_token = nextval('posting_claim_seq'), claim_epoch = $5, "
            + "updated_at = now() WHERE id IN (SELECT id FROM posting_queue WHERE tenant_id = $1 AND state = 'planned' "
            + "AND due_at <= $2 AND EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND state = 'approved' AND NOT is_paused) "
            // D32: in a cluster, only under the tenant's current lease (an old owner that woke up claims nothing)
            + "AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND owner = $4 AND epoch = $5 "
            + "AND lease_until > now())) "
            + "ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS;

    private static final String CLAIM_ONE = "UPDATE posting_queue SET state = 'claimed', claimed_at = $3, attempts = attempts + 1, "
            + "claim_token = nextval('posting_claim_seq'), "
            + "updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = 'planned' RETURNING " + COLUMNS;

    /**
     * Claims whose process died between claim and record go back to the plan (due at once); a publish
     * keeps its container id, whose status decides what the next attempt does (D16). The claim's token
     * is void from now on (D24). $3 MAX_ATTEMPTS: a slot claimed more often (its retries used up) is given up instead (below).
     */
    private static final String RECLAIM = """
            UPDATE posting_queue SET state = 'planned', claimed_at = NULL, claim_token = NULL, updated_at = now()
             WHERE state IN ('claimed', 'publishing') AND claimed_at < $1 AND ($2::bigint IS NULL OR tenant_id = $2)
               AND (attempts <= $3 OR (state = 'publishing' AND instagram_container_id IS NOT NULL))""";

    /**
     * D24: a stale claim of a slot that was claimed more than $2 (MAX_ATTEMPTS) times, its first try and every retry, is not tried
     * again: it ends as failed and its image rests a day, so no image can stop the process for ever
     * (say, by crashing it). A publish with a container id is left to the container's status (D16).
     */
    private static final String ABANDON = """
            WITH q AS (
                DELETE FROM posting_queue WHERE state IN ('claimed', 'publishing') AND claimed_at < $1 AND attempts > $2
                   AND NOT (state = 'publishing' AND instagram_container_id IS NOT NULL) RETURNING *),
            h AS (
                INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route,
                                             dry_run, notified_at, completed_at, attempts, error, telegram_message_id)
                SELECT tenant_id, id, media_item_id, slot_key, scheduled_for, 'failed', route, dry_run, notified_at, $3, attempts,
                       'it was interrupted ' || attempts || ' times while being sent (Storyline stopped each time)', telegram_message_id
                  FROM q RETURNING *),
            l AS (
                INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until)
                SELECT tenant_id, media_item_id, 'failed', $3 + interval '1 day' FROM h WHERE media_item_id IS NOT NULL)
            SELECT h.tenant_id, h.queue_item_id, h.scheduled_for, h.error, m.title, m.path
              FROM h LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id""";

    /**
     * The story is in the chat. In a cluster it is recorded twice (D32), by the node that asked and by the node that sent it:
     * the second record finds the same message, keeps the first one's time and counts as held.
     */
    private static final String NOTIFIED = """
            UPDATE posting_queue SET state = 'notified', route = 'telegram', telegram_message_id = $4, media_item_id = $5,
                                     notified_at = CASE WHEN state = 'claimed' THEN $3 ELSE notified_at END, last_error = NULL, updated_at = now()
             WHERE tenant_id = $1 AND id = $2
               AND (state = 'claimed' AND claim_token = $6 OR state = 'notified' AND telegram_message_id = $4)""";

    /**
     * D32: a tenant taken over from another node: the claims made under an older lease go back to the
     * plan (a publish keeps its container id, whose status decides the next attempt, D16) once they
     * are stale ($3): a younger one may be on its way through a live node's outbox, and the node that
     * sends it records it. Their tokens are void, so the old owner can record nothing about them.
     */
    private static final String RECLAIM_OLDER_EPOCHS = """
            UPDATE posting_queue SET state = 'planned', claimed_at = NULL, claim_token = NULL, updated_at = now()
             WHERE tenant_id = $1 AND state IN ('claimed', 'publishing') AND claim_epoch < $2 AND claimed_at < $3""";

    /**
     * D32: the story never reached a Telegram verticle (in a cluster, while the node that sends for
     * Telegram changes): it goes back to the plan for a moment, and the try does not count.
     */
    private static final String DEFER = """
            UPDATE posting_queue SET state = 'planned', claimed_at = NULL, next_attempt_at = $3, due_at = $3, last_error = $4,
                                     claim_token = NULL, attempts = greatest(attempts - 1, 0), updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state = 'claimed' AND claim_token = $5""";

    private static final String RETRY = """
            UPDATE posting_queue SET state = 'planned', claimed_at = NULL, next_attempt_at = $3, due_at = $3, last_error = $4,
                                     claim_token = NULL, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state IN ('claimed', 'publishing') AND claim_token = $5""";

    /**
     * A claimed slot (dispatch, $5 its token) or a notified one (Auto post, $5 NULL: a new claim) starts
     * publishing; the claim time dates it for reclaiming. Answers the token the publish goes on with.
     */
    private static final String PUBLISHING = """
            UPDATE posting_queue SET state = 'publishing', route = 'instagram', claimed_at = $3, updated_at = now(),
                                     claim_token = CASE WHEN $5::bigint IS NULL THEN nextval('posting_claim_seq') ELSE claim_token END
             WHERE tenant_id = $1 AND id = $2 AND state = $4 AND ($5::bigint IS NULL OR claim_token = $5)
            RETURNING claim_token""";

    /** A publish still waiting for Instagram keeps its claim fresh, so no sweep takes the slot meanwhile (D29). */
    private static final String KEEP_CLAIM = """
            UPDATE posting_queue SET claimed_at = $3, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state = 'publishing' AND claim_token = $4""";

    private static final String CONTAINER = """
            UPDATE posting_queue SET instagram_container_id = $3, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state = 'publishing' AND claim_token = $4""";

    /**
     * Instagram gave up on a slot: it goes to the chat instead ({@code to} 'claimed' to send it, 'notified' after an Auto post).
     * The container id stays: when the outcome was unknown, the next Auto post asks that container first and publishes nothing twice (D16).
     */
    private static final String UNPUBLISH = """
            UPDATE posting_queue SET state = $3, route = 'telegram', last_error = $4,
                                     attempts = CASE WHEN $3 = 'claimed' THEN 1 ELSE attempts END, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND state = 'publishing' AND claim_token = $5""";

    /** Which of these Instagram media ids ($2) a history row of the tenant already names. */
    private static final String KNOWN_MEDIA = """
            SELECT instagram_media_id FROM posting_history WHERE tenant_id = $1 AND instagram_media_id = ANY($2)""";

    private static final String SET_ITEM = """
            UPDATE posting_queue SET media_item_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2""";

    /**
     * Ends a slot: delete the queue row (only in the expected state: the first press wins), write its
     * history row, and for a real outcome on a real (not dry-run) slot, the lock and the counters.
     * $1 tenant, $2 queue id, $3 outcome, $4 acted by, $5 now, $6 repost days, $7 skip days, $8 error, $9 expected states,
     * $10 Instagram media id, $11 permalink, $12 the claim's token (NULL: a person's press or the expiry, not a claimer).
     */
    /**
     * What an outcome does besides history (D13), for {@link #FINISH} and {@link #FINISH_PRESSES}: the
     * lock (30 days, 3 days, for good) and the image's post counter; nothing for dry-run slots.
     * Needs a CTE {@code h} of history rows and $5 now, $6 repost days, $7 skip days.
     */
    private static final String LOCK_AND_COUNT = """
            l AS (
                INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until, created_by)
                SELECT h.tenant_id, h.media_item_id, h.outcome,
                       CASE h.outcome WHEN 'posted' THEN $5 + make_interval(days => $6)
                                      WHEN 'skipped' THEN $5 + make_interval(days => $7)
                                      ELSE 'infinity'::timestamptz END, h.acted_by
                  FROM h WHERE h.media_item_id IS NOT NULL AND NOT h.dry_run AND h.outcome IN ('posted', 'skipped', 'rejected')),
            m AS (
                UPDATE media_items SET times_posted = times_posted + 1, last_posted_at = $5, updated_at = now()
                  FROM h WHERE media_items.id = h.media_item_id AND media_items.tenant_id = h.tenant_id
                   AND h.outcome = 'posted' AND NOT h.dry_run),
            """;

    private static final String FINISH = """
            WITH q AS (
                DELETE FROM posting_queue WHERE tenant_id = $1 AND id = $2 AND state = ANY($9)
                   AND ($12::bigint IS NULL OR claim_token = $12) RETURNING *),
            h AS (
                INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route,
                                             dry_run, acted_by, notified_at, completed_at, attempts, error, telegram_message_id,
                                             instagram_media_id, instagram_permalink)
                SELECT tenant_id, id, media_item_id, slot_key, scheduled_for, $3, route, dry_run, $4, notified_at, $5, attempts,
                       coalesce($8, last_error), telegram_message_id, $10, $11
                  FROM q RETURNING *),
""" + LOCK_AND_COUNT + """
            u AS (
                UPDATE users SET total_posts = total_posts + 1 FROM h WHERE users.id = h.acted_by AND h.outcome = 'posted' AND NOT h.dry_run
                   AND h.route IS DISTINCT FROM 'instagram')
            SELECT h.id, h.media_item_id, h.outcome, h.notified_at, h.completed_at, h.telegram_message_id, h.dry_run, h.slot_key,
                   h.scheduled_for, m.path, m.source, m.title, m.link, m.caption, m.tags
              FROM h LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id""";

    /**
     * Ends many pressed slots in one statement (a group commit of presses): $1 tenants, $2 queue ids,
     * $3 outcomes, $4 people (parallel arrays, in arrival order), $5 now, $6 repost days, $7 skip days.
     * Two presses on one slot: the first in arrival order wins, as with {@link #FINISH}.
     */
    private static final String FINISH_PRESSES = """
            WITH p AS (
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) WITH ORDINALITY AS p(tenant_id, id, outcome, acted_by, n)),
            first AS (
                SELECT DISTINCT ON (tenant_id, id) tenant_id, id, outcome, acted_by FROM p ORDER BY tenant_id, id, n),
            q AS (
                DELETE FROM posting_queue pq USING first f
                 WHERE pq.tenant_id = f.tenant_id AND pq.id = f.id AND pq.state = 'notified'
                RETURNING pq.*, f.outcome AS new_outcome, f.acted_by AS new_actor),
            h AS (
                INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route,
                                             dry_run, acted_by, notified_at, completed_at, attempts, error, telegram_message_id)
                SELECT tenant_id, id, media_item_id, slot_key, scheduled_for, new_outcome, route, dry_run, new_actor, notified_at, $5,
                       attempts, last_error, telegram_message_id
                  FROM q RETURNING *),
""" + LOCK_AND_COUNT + """
            u AS (
                UPDATE users SET total_posts = total_posts + c.posts
                  FROM (SELECT acted_by, count(*) AS posts FROM h WHERE h.outcome = 'posted' AND NOT h.dry_run GROUP BY acted_by) c
                 WHERE users.id = c.acted_by)
            SELECT h.tenant_id, h.queue_item_id, h.acted_by, h.id, h.media_item_id, h.outcome, h.notified_at, h.completed_at,
                   h.telegram_message_id, h.dry_run, h.slot_key, h.scheduled_for, m.path, m.source, m.title, m.link, m.caption, m.tags
              FROM h LEFT JOIN media_items m ON m.id = h.media_item_id AND m.tenant_id = h.tenant_id""";



    private static final String BY_ID = "SELECT " + COLUMNS + " FROM posting_queue WHERE tenant_id = $1 AND id = $2";

    private static final String UPCOMING = "SELECT " + COLUMNS + " FROM posting_queue WHERE tenant_id = $1 "
            + "AND state = 'planned' ORDER BY due_at, id LIMIT $2";

    private static final String OVERDUE = "SELECT " + COLUMNS + " FROM posting_queue WHERE tenant_id = $1 "
            + "AND state = 'planned' AND attempts = 0 AND due_at < $2 ORDER BY due_at";

    private static final String EXPIRING = "SELECT " + COLUMNS + " FROM posting_queue WHERE state = 'notified' "
            + "AND notified_at < $1 ORDER BY notified_at LIMIT 500";

    private static final String MANUAL = """
            INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, route, is_manual, dry_run)
            VALUES ($1, $2, $3, $3, $4, NULL, true, $5) RETURNING """ + " " + COLUMNS;

    /** $1 tenant ids, $2 history ids (pairs), $3 when. */
    private static final String CAPTIONS_EDITED = """
            UPDATE posting_history h SET caption_edited_at = $3
              FROM unnest($1::bigint[], $2::bigint[]) AS e(tenant_id, id)
             WHERE h.tenant_id = e.tenant_id AND h.id = e.id AND h.caption_edited_at IS NULL""";








    /** How a slot ended, as written to history. */
    public record Finished(long historyId, Long mediaItemId, String outcome, Instant notifiedAt, Instant completedAt,
                           Long telegramMessageId, boolean dryRun, String slotKey, Instant scheduledFor, Optional<MediaItem> item) {
    }


    private final Pool pool;

    public QueueRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Optional<Instant>> nextDue(long tenantId) {
        return pool.preparedQuery(NEXT_DUE).execute(Tuple.of(tenantId))
                .map(rows -> Optional.ofNullable(Sql.instant(rows.iterator().next(), "min")));
    }

    /** The active tenants with a planned slot due after {@code from} and until {@code until}. */
    public Future<List<Long>> dueTenants(Instant from, Instant until) {
        return pool.preparedQuery(DUE_TENANTS).execute(Tuple.of(Sql.utc(from), Sql.utc(until))).map(rows -> {
            List<Long> ids = new ArrayList<>(rows.size());
            rows.forEach(row -> ids.add(row.getLong(0)));
            return ids;
        });
    }

    /** A tenant's lease in a cluster (D32): the node that holds it and its epoch. */
    public record Lease(String owner, long epoch) {
    }

    public Future<List<QueueItem>> claimDue(long tenantId, Instant now, int limit) {
        return claimDue(tenantId, now, limit, null);
    }

    /** Due slots, claimed only while {@code lease} (null on a single node) is the tenant's current one. */
    public Future<List<QueueItem>> claimDue(long tenantId, Instant now, int limit, Lease lease) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(tenantId, Sql.utc(now), limit, lease == null ? null : lease.owner(),
                lease == null ? null : lease.epoch())).map(QueueRepository::items);
    }

    public Future<Optional<QueueItem>> claim(long tenantId, long id, Instant now) {
        return pool.preparedQuery(CLAIM_ONE).execute(Tuple.of(tenantId, id, Sql.utc(now))).map(rows -> first(rows));
    }

    /**
     * Claims older than {@code olderThan} go back to the plan, unless claimed more than
     * {@code maxAttempts} times (see {@link #abandonStale}); {@code tenantId} null = every tenant.
     */
    public Future<Integer> reclaimStale(Long tenantId, Instant olderThan, int maxAttempts) {
        return pool.preparedQuery(RECLAIM).execute(Tuple.of(Sql.utc(olderThan), tenantId, maxAttempts)).map(RowSet::rowCount);
    }

    /** A slot given up after too many interrupted tries. */
    public record Abandoned(long tenantId, long queueId, Instant scheduledFor, String reason, String title) {
    }

    /** Ends stale claims of slots claimed more than {@code maxAttempts} times as failed, their images resting a day. */
    public Future<List<Abandoned>> abandonStale(Instant olderThan, int maxAttempts, Instant now) {
        return pool.preparedQuery(ABANDON).execute(Tuple.of(Sql.utc(olderThan), maxAttempts, Sql.utc(now))).map(rows -> {
            List<Abandoned> list = new ArrayList<>();
            for (Row r : rows) {
                String title = r.getString("title") != null ? r.getString("title")
                        : r.getString("path") != null ? java.nio.file.Path.of(r.getString("path")).getFileName().toString() : null;
                list.add(new Abandoned(r.getLong("tenant_id"), r.getLong("queue_item_id"), Sql.instant(r, "scheduled_for"),
                        r.getString("error"), title));
            }
            return list;
        });
    }

    /** Records what Telegram said, if {@code claimToken} still holds the slot (D24). */
    public Future<Boolean> notified(long tenantId, long id, Instant now, long messageId, Long mediaItemId, long claimToken) {
        return pool.preparedQuery(NOTIFIED).execute(Tuple.from(Arrays.asList(tenantId, id, Sql.utc(now), messageId, mediaItemId, claimToken)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Claims of the tenant made under an older lease than {@code epoch} before {@code claimedBefore}, back to the plan; how many. */
    public Future<Integer> reclaimOtherEpochs(long tenantId, long epoch, Instant claimedBefore) {
        return pool.preparedQuery(RECLAIM_OLDER_EPOCHS).execute(Tuple.of(tenantId, epoch, Sql.utc(claimedBefore))).map(RowSet::rowCount);
    }

    /** Back to the plan until {@code at}, the try not counted (nothing was sent); false when the claim was taken over. */
    public Future<Boolean> defer(long tenantId, long id, Instant at, String error, long claimToken) {
        return pool.preparedQuery(DEFER).execute(Tuple.of(tenantId, id, Sql.utc(at), error, claimToken)).map(rows -> rows.rowCount() == 1);
    }

    public Future<Boolean> retry(long tenantId, long id, Instant at, String error, long claimToken) {
        return pool.preparedQuery(RETRY).execute(Tuple.of(tenantId, id, Sql.utc(at), error, claimToken)).map(rows -> rows.rowCount() == 1);
    }

    public Future<Void> setItem(long tenantId, long id, Long mediaItemId) {
        return pool.preparedQuery(SET_ITEM).execute(Tuple.from(Arrays.asList(tenantId, id, mediaItemId))).mapEmpty();
    }

    /**
     * Ends a slot that is in one of {@code states}; empty when it is not (anymore): someone else ended it first.
     */
    public Future<Optional<Finished>> finish(long tenantId, long id, String outcome, Long actedBy, Instant now, int repostDays,
                                             int skipDays, String error, String... states) {
        return end(tenantId, id, outcome, actedBy, now, repostDays, skipDays, error, null, null, null, states);
    }

    /** Ends a claimed slot as failed, if {@code claimToken} still holds it (D24). */
    public Future<Optional<Finished>> failed(long tenantId, long id, Instant now, String error, long claimToken) {
        return end(tenantId, id, "failed", null, now, 0, 0, error, null, null, claimToken, QueueItem.CLAIMED);
    }

    /** Ends a publishing slot as posted through Instagram, with what Graph said (both may be null, D16), if {@code claimToken} holds it. */
    public Future<Optional<Finished>> published(long tenantId, long id, Long actedBy, Instant now, int repostDays, int skipDays,
                                                String mediaId, String permalink, long claimToken) {
        return end(tenantId, id, "posted", actedBy, now, repostDays, skipDays, null, mediaId, permalink, claimToken, QueueItem.PUBLISHING);
    }

    /**
     * Starts publishing a slot in {@code fromState}: a claimed one whose claim {@code claimToken} still holds, or a
     * notified one ({@code claimToken} null: Auto post claims it anew). Empty when someone else has it; else the token.
     */
    public Future<Optional<Long>> publishing(long tenantId, long id, Instant now, String fromState, Long claimToken) {
        return pool.preparedQuery(PUBLISHING).execute(Tuple.from(Arrays.asList(tenantId, id, Sql.utc(now), fromState, claimToken)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("claim_token")));
    }

    /** Stored before {@code media_publish}, so the container decides after a crash or a timeout (D16); false when the claim is void. */
    /** Dates the publishing claim {@code now}; false when the claim was taken over. */
    public Future<Boolean> keepClaim(long tenantId, long id, long claimToken, Instant now) {
        return pool.preparedQuery(KEEP_CLAIM).execute(Tuple.of(tenantId, id, Sql.utc(now), claimToken)).map(rows -> rows.rowCount() == 1);
    }

    public Future<Boolean> containerCreated(long tenantId, long id, String containerId, long claimToken) {
        return pool.preparedQuery(CONTAINER).execute(Tuple.of(tenantId, id, containerId, claimToken)).map(rows -> rows.rowCount() == 1);
    }

    /** A slot Instagram could not publish goes back to the chat route, {@code toState} claimed (send it) or notified. */
    public Future<Boolean> unpublish(long tenantId, long id, String toState, String reason, long claimToken) {
        return pool.preparedQuery(UNPUBLISH).execute(Tuple.of(tenantId, id, toState, reason, claimToken)).map(rows -> rows.rowCount() == 1);
    }

    /** The media ids among {@code mediaIds} that the tenant's history already records. */
    public Future<Set<String>> knownMediaIds(long tenantId, List<String> mediaIds) {
        return pool.preparedQuery(KNOWN_MEDIA).execute(Tuple.of(tenantId).addArrayOfString(mediaIds.toArray(String[]::new))).map(rows -> {
            Set<String> known = new HashSet<>();
            rows.forEach(row -> known.add(row.getString(0)));
            return known;
        });
    }

    private Future<Optional<Finished>> end(long tenantId, long id, String outcome, Long actedBy, Instant now, int repostDays,
                                           int skipDays, String error, String mediaId, String permalink, Long claimToken,
                                           String... states) {
        return pool.preparedQuery(FINISH).execute(Tuple.from(Arrays.asList(tenantId, id, outcome, actedBy, Sql.utc(now), repostDays,
                skipDays, error, states, mediaId, permalink, claimToken))).map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    return Optional.of(finished(tenantId, rows.iterator().next()));
                });
    }

    /** One press to end: the slot, the outcome and who pressed. */
    public record Press(long tenantId, long queueId, String outcome, Long actedBy) {
    }

    /**
     * Ends pressed slots together; the answer holds the presses that won (by their index in
     * {@code presses}); a press absent from it was late, as {@link #finish} would have said.
     */
    public Future<java.util.Map<Integer, Finished>> finishPresses(List<Press> presses, Instant now, int repostDays, int skipDays) {
        Tuple params = Tuple.of(presses.stream().map(Press::tenantId).toArray(Long[]::new), presses.stream().map(Press::queueId).toArray(Long[]::new),
                presses.stream().map(Press::outcome).toArray(String[]::new), presses.stream().map(Press::actedBy).toArray(Long[]::new),
                Sql.utc(now), repostDays).addInteger(skipDays);
        return pool.preparedQuery(FINISH_PRESSES).execute(params).map(rows -> {
            java.util.Map<Integer, Finished> won = new java.util.HashMap<>();
            for (Row r : rows) {
                long tenantId = r.getLong("tenant_id");
                long queueId = r.getLong("queue_item_id");
                Long actor = r.getLong("acted_by");
                for (int i = 0; i < presses.size(); i++) {
                    Press p = presses.get(i);
                    if (p.tenantId() == tenantId && p.queueId() == queueId && java.util.Objects.equals(p.actedBy(), actor)
                            && r.getString("outcome").equals(p.outcome())) {
                        won.put(i, finished(tenantId, r));
                        break;
                    }
                }
            }
            return won;
        });
    }

    private static Finished finished(long tenantId, Row r) {
        // what the caption shows of the image, read in the same statement
        Optional<MediaItem> item = r.getString("path") == null ? Optional.empty() : Optional.of(new MediaItem(
                r.getLong("media_item_id"), tenantId, r.getString("path"), r.getString("source"), null, 0, null, null, null, null,
                new Metadata(r.getString("title"), r.getString("link"), r.getString("caption"),
                        Arrays.asList(r.getArrayOfStrings("tags")), false, null),
                List.of(), null, true, 0, null, null, 0));
        return new Finished(r.getLong("id"), r.getLong("media_item_id"), r.getString("outcome"),
                Sql.instant(r, "notified_at"), Sql.instant(r, "completed_at"), r.getLong("telegram_message_id"),
                r.getBoolean("dry_run"), r.getString("slot_key"), Sql.instant(r, "scheduled_for"), item);
    }



    public Future<Optional<QueueItem>> byId(long tenantId, long id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(tenantId, id)).map(QueueRepository::first);
    }

    public Future<List<QueueItem>> upcoming(long tenantId, int limit) {
        return pool.preparedQuery(UPCOMING).execute(Tuple.of(tenantId, limit)).map(QueueRepository::items);
    }

    /** Planned slots that were never tried and are due since before {@code before} (missed during downtime). */
    public Future<List<QueueItem>> overdue(long tenantId, Instant before) {
        return pool.preparedQuery(OVERDUE).execute(Tuple.of(tenantId, Sql.utc(before))).map(QueueRepository::items);
    }

    /** Notifications nobody answered since before {@code before}, across tenants (paused ones too, D22). */
    public Future<List<QueueItem>> expiring(Instant before) {
        return pool.preparedQuery(EXPIRING).execute(Tuple.of(Sql.utc(before))).map(QueueRepository::items);
    }

    public Future<QueueItem> manual(long tenantId, Instant now, long mediaItemId, boolean dryRun) {
        return pool.preparedQuery(MANUAL).execute(Tuple.of(tenantId, "manual-" + now.toEpochMilli() + "-" + mediaItemId, Sql.utc(now),
                mediaItemId, dryRun)).map(rows -> QueueItem.map(rows.iterator().next()));
    }

    /** Records many caption edits in one statement: {@code tenantIds[i]} owns {@code historyIds[i]}. */
    public Future<Void> captionsEdited(Long[] tenantIds, Long[] historyIds, Instant at) {
        return pool.preparedQuery(CAPTIONS_EDITED).execute(Tuple.of(tenantIds, historyIds, Sql.utc(at))).mapEmpty();
    }



    private static Optional<QueueItem> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(QueueItem.map(rows.iterator().next()));
    }

    private static List<QueueItem> items(RowSet<Row> rows) {
        List<QueueItem> items = new ArrayList<>(rows.size());
        rows.forEach(r -> items.add(QueueItem.map(r)));
        return items;
    }
}
