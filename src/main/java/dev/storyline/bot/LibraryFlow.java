package dev.storyline.bot;

import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.InstagramBackfill;
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

    /**
     * {@code /backfill [days] [limit]} (administrators, D31): imports what the team's Instagram account
     * posted in the last {@code days} (default 30; {@code all} for as far back as Instagram lists), at
     * most {@code limit} (default 200). One message shows the progress and then the outcome.
     */
    Future<Void> backfill(Incoming in, Tenant tenant, String args) {
        return s.mayChange(in).compose(allowed -> {
            if (!allowed) {
                return s.replies().send(in.chatId(), "Only the chat's administrators can do that.");
            }
            InstagramBackfill request;
            try {
                request = backfillRequest(tenant.id(), args, s.clock().instant(), in.person() == null ? null : in.person().userId(), in.chatId());
            } catch (IllegalArgumentException e) {
                return s.replies().send(in.chatId(), "🤔 " + Html.escape(e.getMessage())
                        + "\nUse /backfill [days] [limit], e.g. <code>/backfill 30 200</code> or <code>/backfill all 1000</code>.");
            }
            InstagramBackfill asked = request;
            s.replies().deliver(in.chatId(), "📥 Reading what your Instagram account posted…", null).onComplete(sent -> {
                Long messageId = sent.succeeded() && sent.result() instanceof io.vertx.core.json.JsonObject m ? m.getLong("message_id") : null;
                InstagramBackfill withMessage = new InstagramBackfill(asked.tenantId(), asked.since(), asked.limit(), asked.trigger(),
                        asked.userId(), messageId == null ? null : in.chatId(), messageId);
                s.bus().instagramBackfill(withMessage).onComplete(result -> {
                    String text = result.succeeded() ? backfilled(result.result()) : backfillFailure(result.cause());
                    if (messageId != null) {
                        s.replies().edit(in.chatId(), messageId, text, null);
                    } else {
                        s.replies().send(in.chatId(), text);
                    }
                });
            });
            return Future.succeededFuture();
        });
    }

    /** The words after {@code /backfill}: a number of days or {@code all}, then a limit; both optional. */
    static InstagramBackfill backfillRequest(long tenantId, String args, java.time.Instant now, Long userId, long chatId) {
        String[] words = args == null || args.isBlank() ? new String[0] : args.trim().split("\\s+");
        if (words.length > 2) {
            throw new IllegalArgumentException("That is more than I understand.");
        }
        java.time.Instant since = now.minus(java.time.Duration.ofDays(30));
        int limit = InstagramBackfill.DEFAULT_LIMIT;
        if (words.length >= 1) {
            if (words[0].equalsIgnoreCase("all")) {
                since = null;
            } else if (words[0].matches("\\d{1,4}") && Integer.parseInt(words[0]) >= 1) {
                since = now.minus(java.time.Duration.ofDays(Integer.parseInt(words[0])));
            } else {
                throw new IllegalArgumentException("“" + words[0] + "” is not a number of days (1 to 9999) or “all”.");
            }
        }
        if (words.length == 2) {
            if (!words[1].matches("\\d{1,5}") || Integer.parseInt(words[1]) < 1 || Integer.parseInt(words[1]) > InstagramBackfill.MAX_LIMIT) {
                throw new IllegalArgumentException("“" + words[1] + "” is not a limit from 1 to " + InstagramBackfill.MAX_LIMIT + ".");
            }
            limit = Integer.parseInt(words[1]);
        }
        return new InstagramBackfill(tenantId, since, limit, dev.storyline.run.Trigger.TELEGRAM, userId, chatId, null);
    }

    private static String backfilled(InstagramBackfill.Summary r) {
        StringBuilder text = new StringBuilder(r.imported() > 0 ? "✅ Imported " + Html.bold(r.imported() + (r.imported() == 1 ? " post" : " posts"))
                + " from Instagram into the library's <code>instagram</code> folder." : "✅ Nothing new on Instagram to import.");
        text.append("\n").append(r.listed()).append(" listed");
        if (r.known() > 0) {
            text.append(", ").append(r.known()).append(" already here");
        }
        if (r.duplicates() > 0) {
            text.append(", ").append(r.duplicates()).append(" already in the library as another file");
        }
        if (r.skipped() > 0) {
            text.append(", ").append(r.skipped()).append(" skipped");
        }
        if (r.failed() > 0) {
            text.append(", ").append(r.failed()).append(" could not be downloaded (the next /backfill tries again)");
        }
        text.append(".\nThey count as posted when Instagram says they were, so they rest before coming round again.");
        r.problems().stream().limit(5).forEach(p -> text.append("\n• ").append(Html.escape(p)));
        return text.toString();
    }

    private static String backfillFailure(Throwable e) {
        ErrorCode code = ErrorCode.of(e);
        return switch (code) {
            case INSTAGRAM_NOT_CONNECTED -> "🔌 No Instagram account is connected to this chat: connect one in /settings first.";
            case CONFLICT -> "⏳ " + Html.escape(e.getMessage());
            case INSTAGRAM_TOKEN_INVALID, INSTAGRAM_REJECTED, INSTAGRAM_RATE_LIMITED ->
                    "⚠️ Instagram would not list the account's posts: " + Html.escape(e.getMessage());
            default -> "⚠️ The import did not work just now (" + Html.escape(String.valueOf(e.getMessage())) + "). Please try again later.";
        };
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
