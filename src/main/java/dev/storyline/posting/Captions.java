package dev.storyline.posting;

import dev.storyline.app.LogFields;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.TelegramCall;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.plan.QueueItem;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Editing a story notification's caption to its final status, shared by the presses (a person
 * answered) and the sweep (expired, or an edit a crash lost). Holds nothing between calls.
 */
final class Captions {
    private static final Logger LOG = LoggerFactory.getLogger(Captions.class);
    private final EventBusClient bus;
    private final MediaRepository media;
    private final int expiryHours;

    Captions(EventBusClient bus, MediaRepository media, int expiryHours) {
        this.bus = bus;
        this.media = media;
        this.expiryHours = expiryHours;
    }

    /** What an expired story's caption says. */
    String expired() {
        return "⌛ EXPIRED: nobody answered within " + expiryHours + " h";
    }

    /** The final status line of an outcome (posted, skipped, rejected by someone; or expired). */
    String status(String outcome, String who, Instant completedAt, Instant notifiedAt, ZoneId zone) {
        return "expired".equals(outcome) ? expired() : StoryMessage.status(outcome, who, completedAt, notifiedAt, zone);
    }

    Future<Optional<MediaItem>> image(Tenant tenant, Long mediaItemId) {
        return mediaItemId == null ? Future.succeededFuture(Optional.empty()) : media.byId(tenant.id(), mediaItemId);
    }

    /**
     * Edits a story's caption to its final status and removes the buttons; completes with whether
     * Telegram took it (never fails; "not modified" counts as done).
     */
    Future<Boolean> edit(Tenant tenant, long messageId, Long mediaItemId, String slotKey, Instant scheduledFor, long queueId,
                         boolean dryRun, String status) {
        return edit(tenant, messageId, image(tenant, mediaItemId), slotKey, scheduledFor, queueId, dryRun, status);
    }

    Future<Boolean> edit(Tenant tenant, long messageId, Future<Optional<MediaItem>> image, String slotKey,
                         Instant scheduledFor, long queueId, boolean dryRun, String status) {
        if (messageId == 0) {
            return Future.succeededFuture(false);
        }
        return image
                .compose(item -> {
                    QueueItem slot = new QueueItem(queueId, tenant.id(), slotKey, null, null, scheduledFor, scheduledFor,
                            item.map(MediaItem::id).orElse(null),
                            "telegram", "done", false, dryRun, 0, null, null, null, null, messageId, null, null);
                    return bus.telegram(TelegramCall.json("editMessageCaption", new JsonObject().put("chat_id", tenant.id())
                            .put("message_id", messageId).put("parse_mode", "HTML")
                            .put("caption", StoryMessage.caption(item.orElse(null), slot, ZoneId.of(tenant.timezone()), status))
                            .put("reply_markup", StoryMessage.noButtons())));
                })
                .map(true)
                .recover(e -> {
                    boolean notModified = String.valueOf(e.getMessage()).contains("message is not modified");
                    if (!notModified) {
                        LOG.info("Tenant {}: caption of message {} not edited: {}", LogFields.tenant(tenant.id()), messageId, e.getMessage());
                    }
                    return Future.succeededFuture(notModified);
                });
    }
}
