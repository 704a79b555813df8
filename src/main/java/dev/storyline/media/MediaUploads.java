package dev.storyline.media;

import dev.storyline.app.LogFields;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaUpload;
import dev.storyline.bus.MediaUploadResult;
import dev.storyline.bus.TelegramDownload;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Adds a photo or image file sent in a tenant chat to its library (D4): fetched from Telegram into
 * {@code STORYLINE_DATA_DIR/media/<chat id>/telegram/}, checked like any indexed file, refused when
 * it is not an image or already in the library, and recorded in {@code service_runs}. The file is
 * written under a temporary name first, so a refused or failed upload leaves nothing behind.
 */
public final class MediaUploads {
    public static final String SERVICE = "media.upload";
    /** The Bot API lets bots download files up to 20 MB. */
    public static final long MAX_DOWNLOAD_BYTES = 20L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MediaUploads.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Vertx vertx;
    private final MediaRepository media;
    private final MediaRoots roots;
    private final EventBusClient bus;
    private final ServiceRunRepository runs;
    private final Clock clock;
    private final CategoryMixRepository mixes;

    public MediaUploads(Vertx vertx, MediaRepository media, ServiceRunRepository runs, MediaRoots roots, EventBusClient bus, Clock clock,
                        CategoryMixRepository mixes) {
        this.mixes = mixes;
        this.vertx = vertx;
        this.media = media;
        this.roots = roots;
        this.bus = bus;
        this.runs = runs;
        this.clock = clock;
    }

    /** Why this attachment cannot be an image of the library, judged before downloading it; null if it may be. */
    public static String refusalBeforeDownload(boolean photo, String fileName, String mimeType, long fileSize) {
        String name = fileName == null || fileName.isBlank() ? "This file" : fileName;
        if (!photo && MediaFormat.byMimeType(mimeType).isEmpty() && (fileName == null || MediaFormat.byFileName(fileName).isEmpty())) {
            return name + " is not an image or video I can use" + (mimeType == null ? "" : " (" + mimeType + ")")
                    + ": send a " + MediaFormat.acceptedAll() + ".";
        }
        if (fileSize > MAX_DOWNLOAD_BYTES) {
            return String.format(Locale.ROOT, "%s is too large (%.1f MB): Telegram lets bots fetch files up to 20 MB. "
                    + "Put it in the team's media folder instead.", name, fileSize / 1024.0 / 1024.0);
        }
        return null;
    }

    public Future<MediaUploadResult> add(Tenant tenant, MediaUpload upload) {
        String refusal = upload.received() ? null : refusalBeforeDownload(upload.photo(), upload.fileName(), upload.mimeType(), upload.fileSize());
        if (refusal != null) {
            return Future.succeededFuture(MediaUploadResult.refused(refusal));
        }
        JsonObject inputs = new JsonObject().put("fileUniqueId", upload.fileUniqueId()).put("fileName", upload.fileName());
        return runs.start(tenant.id(), SERVICE, upload.received() ? Trigger.APP : Trigger.TELEGRAM, upload.userId(), inputs)
                .compose(run -> (upload.received() ? addReceived(tenant, upload) : fetchAndAdd(tenant, upload))
                .compose(result -> runs.completed(run, result.toJson()).map(result),
                        e -> runs.failed(run, String.valueOf(e.getMessage())).transform(x -> Future.failedFuture(e))));
    }

    private Future<MediaUploadResult> fetchAndAdd(Tenant tenant, MediaUpload upload) {
        return media.byTelegramFile(tenant.id(), upload.fileUniqueId()).compose(known -> {
            if (known.isPresent()) {
                return duplicate(tenant, known.get());
            }
            Path dir = roots.uploads(tenant.id());
            String safeId = upload.fileUniqueId().replaceAll("[^A-Za-z0-9_-]", "_");
            return bus.telegramDownload(new TelegramDownload(upload.fileId(), tenant.id()))
                    .recover(e -> Future.failedFuture(downloadFailure(e)))
                    .compose(done -> {
                        Path incoming = roots.incoming(tenant.id(), done.uploadId());
                        return examine(incoming)
                                .compose(checked -> checked.refusal() != null ? Future.succeededFuture(MediaUploadResult.refused(checked.refusal()))
                                        : media.byHash(tenant.id(), checked.image().hash()).compose(same -> same.isPresent()
                                                ? duplicate(tenant, same.get())
                                                : store(tenant, upload, incoming, dir.resolve(STAMP.format(clock.instant()) + "-" + safeId
                                                        + "." + checked.image().format().extension()))))
                                .eventually(() -> vertx.fileSystem().delete(incoming.toString()).otherwiseEmpty());
                    });
        });
    }

    /** A file uploaded in the planner (D30): already under {@code .incoming/}, checked and stored as one from the chat. */
    private Future<MediaUploadResult> addReceived(Tenant tenant, MediaUpload upload) {
        Path incoming = roots.incoming(tenant.id(), upload.uploadId());
        String safeId = upload.uploadId().replaceAll("[^A-Za-z0-9_-]", "_");
        return examine(incoming)
                .compose(checked -> checked.refusal() != null ? Future.succeededFuture(MediaUploadResult.refused(checked.refusal()))
                        : media.byHash(tenant.id(), checked.image().hash()).compose(same -> same.isPresent() ? duplicate(tenant, same.get())
                                : store(tenant, upload, incoming, roots.uploads(tenant.id()).resolve(STAMP.format(clock.instant()) + "-app-"
                                        + safeId + "." + checked.image().format().extension()))))
                .eventually(() -> vertx.fileSystem().delete(incoming.toString()).otherwiseEmpty());
    }

    /** An upload's check: the image, or why it was refused (said to the sender). */
    private record Checked(ImageInspector.Examined image, String refusal) {
    }

    /** The file's check on a worker; a refusal says why in the sender's words (not an image, too many pixels). */
    private Future<Checked> examine(Path file) {
        return vertx.executeBlocking(() -> {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            try {
                return new Checked(ImageInspector.examine(file, attrs.size(), FolderScanner.modifiedAt(attrs), roots.maxPixels()), null);
            } catch (InvalidImageException e) {
                LOG.info("Upload refused: {}", e.getMessage());
                String reason = e.tooLarge()
                        ? Character.toLowerCase(e.getMessage().charAt(0)) + e.getMessage().substring(1) + "."
                        : "it is not a " + MediaFormat.accepted() + " image I can read.";
                return new Checked(null, reason);
            }
        }, false);
    }

    private Future<MediaUploadResult> store(Tenant tenant, MediaUpload upload, Path incoming, Path target) {
        Metadata caption = Caption.parse(upload.caption());
        Metadata metadata = caption.title() != null || upload.fileName() == null ? caption
                : new Metadata(Metadata.clip(upload.fileName().replaceFirst("\\.[^.]*$", ""), Metadata.MAX_TITLE), caption.link(),
                        caption.caption(), caption.tags(), caption.requiresInteraction(), caption.custom());
        return vertx.executeBlocking(() -> {
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class);
            return ImageInspector.examine(target, attrs.size(), FolderScanner.modifiedAt(attrs), roots.maxPixels());
        }, false).compose(image -> category(tenant, metadata).compose(category -> media.upsert(tenant.id(), List.of(new MediaRepository.NewFile(
                        target.toString(), MediaItem.SOURCE_TELEGRAM, image, category, metadata,
                        upload.fileUniqueId(), upload.userId())))
                .compose(ids -> media.counts(tenant.id()).map(counts -> {
                    String name = metadata.title() != null ? metadata.title() : image.video() ? "your video" : "your photo";
                    LOG.info("Tenant {}: added upload {} as item {}", LogFields.tenant(tenant.id()), target.getFileName(), ids.get(0));
                    return MediaUploadResult.added(ids.get(0), name, image.warnings(), counts.active(),
                            MediaItem.SOURCE_TELEGRAM.equals(category) ? null : category);
                }))));
    }

    /**
     * D27: an upload's category is the first of its caption's #tags that names one of the team's
     * categories (a top-level folder of the library, or one its mix names); else {@code telegram}.
     */
    private Future<String> category(Tenant tenant, Metadata metadata) {
        if (metadata.tags().isEmpty()) {
            return Future.succeededFuture(MediaItem.SOURCE_TELEGRAM);
        }
        return Future.all(media.categories(tenant.id()), mixes.current(tenant.id())).map(both -> {
            java.util.SortedMap<String, Long> library = both.resultAt(0);
            dev.storyline.tenant.CategoryMix mix = both.resultAt(1);
            return metadata.tags().stream().map(t -> t.toLowerCase(Locale.ROOT))
                    .filter(t -> library.containsKey(t) || mix.percents().containsKey(t))
                    .findFirst().orElse(MediaItem.SOURCE_TELEGRAM);
        });
    }

    private Future<MediaUploadResult> duplicate(Tenant tenant, MediaItem item) {
        return media.counts(tenant.id()).map(counts -> MediaUploadResult.duplicate(item.id(), item.displayName(), counts.active()));
    }

    private static Throwable downloadFailure(Throwable e) {
        ErrorCode code = ErrorCode.of(e);
        if (code == ErrorCode.TELEGRAM_REJECTED) {
            return new MediaException(ErrorCode.TELEGRAM_REJECTED, "Telegram would not hand the file over ("
                    + (e instanceof ReplyException r ? r.getMessage() : "refused") + ")");
        }
        return new MediaException(ErrorCode.TELEGRAM_UNAVAILABLE, "Telegram could not be reached to fetch the file");
    }
}
