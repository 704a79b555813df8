package dev.storyline.posting;

import dev.storyline.app.LogFields;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.InstagramPublish;
import dev.storyline.bus.TelegramCall;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaItem;
import dev.storyline.plan.QueueRepository;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * Recording a publish through Instagram as posted (route instagram), for the dispatch (a slot
 * published on its own) and the presses (🤖 Auto post). Holds nothing between calls.
 */
final class Published {
    private static final Logger LOG = LoggerFactory.getLogger(Published.class);
    private final QueueRepository queue;
    private final EventBusClient bus;
    private final AppConfig.SchedulingConfig scheduling;
    private final Clock clock;
    private final PostingMetrics metrics;

    Published(QueueRepository queue, EventBusClient bus, AppConfig.SchedulingConfig scheduling, Clock clock, PostingMetrics metrics) {
        this.queue = queue;
        this.bus = bus;
        this.scheduling = scheduling;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Ends the slot as posted by {@code actedBy} (null: Storyline); empty when its claim was lost meanwhile. */
    Future<Optional<QueueRepository.Finished>> record(Tenant tenant, long queueId, Long actedBy, InstagramPublish.Published result,
                                                      long claimToken) {
        return queue.published(tenant.id(), queueId, actedBy, clock.instant(), scheduling.repostTtlDays(), scheduling.skipTtlDays(),
                result.mediaId(), result.permalink(), claimToken).map(done -> {
                    done.ifPresent(f -> {
                        metrics.outcome("posted");
                        if (!f.dryRun()) {
                            metrics.published();
                        }
                    });
                    return done;
                });
    }

    /** A slot published on its own: recorded, and the chat gets a short message with the link. */
    Future<Void> byStoryline(Tenant tenant, long queueId, MediaItem image, InstagramPublish.Published result, long claimToken) {
        return record(tenant, queueId, null, result, claimToken).map(done -> {
            if (done.isEmpty()) {
                return null;
            }
            String link = result.permalink() == null ? "" : " (<a href=\"" + Html.escape(result.permalink()) + "\">link</a>)";
            String text = done.get().dryRun()
                    ? "🧪 DRY RUN: " + Html.bold(image.displayName()) + " would have been published to Instagram now (simulated: nothing was uploaded)."
                    : "🤖 Published " + Html.bold(image.displayName()) + " to Instagram" + link + ".";
            bus.telegram(TelegramCall.json("sendMessage", new JsonObject().put("chat_id", tenant.id()).put("text", text)
                            .put("parse_mode", "HTML").put("disable_web_page_preview", true)))
                    .onFailure(e -> {
                        LOG.warn("Tenant {}: the message that slot {} was published was not sent: {}", LogFields.tenant(tenant.id()),
                                LogFields.slot(queueId), e.getMessage());
                        metrics.failure("publish_notice");
                    });
            return null;
        });
    }
}
