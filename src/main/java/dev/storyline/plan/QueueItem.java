package dev.storyline.plan;

import dev.storyline.db.Sql;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A row of {@code posting_queue}: a planned slot, or one being sent or waiting for a person (D8).
 * {@code claimToken} is the fencing token of the current claim (D24): every update by the claimer names it.
 */
public record QueueItem(long id, long tenantId, String slotKey, LocalDate localDate, Integer slotIndex, Instant scheduledFor,
                        Instant dueAt, Long mediaItemId, String route, String state, boolean manual, boolean dryRun,
                        int attempts, Instant nextAttemptAt, String lastError, Instant claimedAt, Instant notifiedAt,
                        Long telegramMessageId, String instagramContainerId, Long claimToken) {
    public static final String PLANNED = "planned";
    public static final String CLAIMED = "claimed";
    public static final String NOTIFIED = "notified";
    /** Being published through the Graph API (the row's {@code instagram_container_id} settles a crash, D16). */
    public static final String PUBLISHING = "publishing";

    /** A {@code posting_queue} row selected with {@code QueueRepository.COLUMNS}. */
    static QueueItem map(Row row) {
        return new QueueItem(row.getLong("id"), row.getLong("tenant_id"), row.getString("slot_key"), row.getLocalDate("local_date"),
                row.getInteger("slot_index"), Sql.instant(row, "scheduled_for"), Sql.instant(row, "due_at"), row.getLong("media_item_id"),
                row.getString("route"), row.getString("state"), row.getBoolean("is_manual"), row.getBoolean("dry_run"),
                row.getInteger("attempts"), Sql.instant(row, "next_attempt_at"), row.getString("last_error"),
                Sql.instant(row, "claimed_at"), Sql.instant(row, "notified_at"), row.getLong("telegram_message_id"),
                row.getString("instagram_container_id"), row.getLong("claim_token"));
    }
}
