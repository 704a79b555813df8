package dev.storyline.telegram;

import dev.storyline.notice.NoticeRepository;
import dev.storyline.notice.Notices;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends what waits in {@code outbox_messages} through the outbox: at start (what a crash interrupted),
 * when nudged, and every {@link Notices#SWEEP_SECONDS} (what the CLI wrote, what failed for a while).
 * A row is marked sent only once Telegram accepted it; a refusal (400, 403) ends it as failed; any
 * other trouble leaves it for the next sweep. Runs on the Telegram verticle's event loop.
 */
final class NoticeSender {
    private static final Logger LOG = LoggerFactory.getLogger(NoticeSender.class);
    private static final int BATCH = 100;

    private final NoticeRepository notices;
    private final Outbox outbox;
    private final Set<Long> inFlight = new HashSet<>();
    private boolean sweeping;
    private boolean again;

    NoticeSender(NoticeRepository notices, Outbox outbox) {
        this.notices = notices;
        this.outbox = outbox;
    }

    /** Sends what is pending and not already on its way; a sweep asked for during another runs right after it. */
    void sweep() {
        if (sweeping) {
            again = true;
            return;
        }
        sweeping = true;
        notices.pending(inFlight.toArray(Long[]::new), BATCH)
                .onSuccess(this::send)
                .onFailure(e -> LOG.warn("Pending notices could not be read: {}", e.getMessage()))
                .onComplete(done -> {
                    sweeping = false;
                    if (again) {
                        again = false;
                        sweep();
                    }
                });
    }

    private void send(List<NoticeRepository.Pending> pending) {
        for (NoticeRepository.Pending notice : pending) {
            if (!inFlight.add(notice.id())) {
                continue;
            }
            outbox.submit(Outbox.Request.json("sendMessage", notice.params()))
                    .transform(sent -> {
                        if (sent.succeeded()) {
                            return notices.sent(notice.id());
                        }
                        Throwable e = sent.cause();
                        boolean refused = e instanceof TelegramException t && !t.isTransient();
                        if (refused) {
                            LOG.warn("Notice {} to chat {} refused by Telegram: {}", notice.id(), notice.chatId(), e.getMessage());
                            return notices.failed(notice.id(), e.getMessage());
                        }
                        return notices.retryLater(notice.id(), String.valueOf(e.getMessage()));
                    })
                    .onFailure(e -> LOG.warn("Notice {}: its state could not be stored: {}", notice.id(), e.getMessage()))
                    .onComplete(done -> inFlight.remove(notice.id()));
        }
    }
}
