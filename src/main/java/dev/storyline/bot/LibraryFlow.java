package dev.storyline.bot;

import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.MediaUpload;
import dev.storyline.bus.MediaUploadResult;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.plan.Runway;
import dev.storyline.media.MediaUploads;
import dev.storyline.telegram.Html;
import dev.storyline.telegram.Update;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The library from the chat (D4): photos and image files members send are added to it, and
 * {@code /library} shows its size and the latest additions. An upload is handed to the media
 * verticle and answered when it is done, so a large download never holds up other chats' updates.
 */
final class LibraryFlow {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryFlow.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);
    private final BotServices s;

    LibraryFlow(BotServices services) {
        this.s = services;
    }

    /** A photo or a file in an approved tenant's chat. Completes at once; the answer follows when the upload is done. */
    Future<Void> upload(Incoming in, Tenant tenant, Update.Message message) {
        Update.Attachment file = message.attachment();
        String refusal = MediaUploads.refusalBeforeDownload(file.photo(), file.fileName(), file.mimeType(), file.fileSize());
        if (refusal != null) {
            return s.replies().reply(in.chatId(), message.messageId(), "🚫 " + Html.escape(refusal));
        }
        MediaUpload upload = new MediaUpload(tenant.id(), in.person() == null ? null : in.person().userId(), file.photo(), file.fileId(),
                file.fileUniqueId(), file.fileName(), file.mimeType(), file.fileSize(), message.caption());
        s.bus().uploadMedia(upload).onComplete(result -> {
            String text = result.succeeded() ? answer(result.result()) : failure(result.cause());
            s.replies().reply(in.chatId(), message.messageId(), text);
        });
        return Future.succeededFuture();
    }

    private static String answer(MediaUploadResult result) {
        return switch (result.outcome()) {
            case ADDED -> "📥 Added " + Html.bold(result.name()) + " to the library"
                    + (result.category() == null ? "" : " as " + Html.escape(result.category())) + " (" + items(result.libraryActive()) + ")."
                    + result.warnings().stream().map(w -> "\n⚠️ " + Html.escape(w)).reduce("", String::concat);
            case DUPLICATE -> "♻️ Already in the library as " + Html.bold(result.name()) + ".";
            case REFUSED -> "🚫 Not added: " + Html.escape(result.reason());
        };
    }

    private static String failure(Throwable e) {
        ErrorCode code = ErrorCode.of(e);
        LOG.warn("Upload failed ({}): {}", code.key(), e.getMessage());
        return code == ErrorCode.TELEGRAM_REJECTED
                ? "🚫 Not added: " + Html.escape(e.getMessage())
                : "⚠️ I couldn't add that image just now. Please send it again in a few minutes.";
    }

    /** "\nRunway: merch: 4 days left ⚠️ · memes: 12 days left" (D28), for /status and /library; empty when it cannot be read. */
    Future<String> runwayLine(Tenant t) {
        return s.runways().figures(t).map(list -> list.isEmpty() ? ""
                : "\nRunway: " + Html.escape(String.join(" · ", list.stream().map(Runway::line).toList())))
                .otherwise("");
    }

    /** {@code /library}: counts, the categories, the runway and the last five additions. */
    Future<Void> library(Incoming in, Tenant tenant) {
        return Future.all(s.library().counts(tenant.id()), s.library().categories(tenant.id()), runwayLine(tenant),
                s.library().recent(tenant.id(), 5)).compose(all -> {
            MediaRepository.Counts counts = all.resultAt(0);
            java.util.SortedMap<String, Long> categories = all.resultAt(1);
            List<MediaItem> recent = all.resultAt(3);
            StringBuilder text = new StringBuilder("🖼 " + Html.bold("Library") + " of " + Html.escape(tenant.title()) + "\n")
                    .append(counts.active()).append(" active, ").append(counts.neverPosted()).append(" never posted, ")
                    .append(counts.locked()).append(" locked");
            if (counts.withWarnings() > 0) {
                text.append(", ").append(counts.withWarnings()).append(" with warnings");
            }
            text.append('\n').append(kinds(counts));
            if (!categories.isEmpty()) {
                text.append("\nCategories: ").append(Html.escape(String.join(" · ",
                        categories.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())));
            }
            text.append((String) all.resultAt(2));
            if (recent.isEmpty()) {
                text.append("\n\nNo images yet. Send a photo here (caption: <code>Title | https://link | #tag</code>)"
                        + " or put images in the team's media folder.");
            } else {
                ZoneId zone = ZoneId.of(tenant.timezone());
                text.append("\n\nLatest:");
                for (MediaItem item : recent) {
                    text.append("\n• ").append(Html.escape(item.displayName()))
                            .append(item.metadata().tags().isEmpty() ? "" : " " + Html.escape("#" + String.join(" #", item.metadata().tags())))
                            .append(" — ").append(DAY.format(item.createdAt().atZone(zone)));
                }
            }
            return s.replies().send(in.chatId(), text.toString());
        });
    }

    /** "9 images · 3 videos" (D29: the library counts them apart). */
    static String kinds(MediaRepository.Counts counts) {
        return counts.images() + (counts.images() == 1 ? " image · " : " images · ") + counts.videos()
                + (counts.videos() == 1 ? " video" : " videos");
    }

    private static String items(long n) {
        return n + (n == 1 ? " item" : " items");
    }
}
