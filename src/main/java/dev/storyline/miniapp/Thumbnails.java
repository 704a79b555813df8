package dev.storyline.miniapp;

import javax.crypto.Mac;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import dev.storyline.media.ExifOrientation;
import dev.storyline.media.TurboJpeg;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The planner's thumbnails (D30): a 320 px wide JPEG of each library image, made once from the
 * original with a bounded decode (TurboJPEG's scaled decode when the host has libturbojpeg, else
 * ImageIO reading every n-th pixel, so a 100 MP file never fills the heap) and kept
 * under {@code <data dir>/thumbs/<tenant>/<item>-<hash>.jpg} (a changed file gets a new name). A page
 * gets signed links ({@code /app/thumbs/<tenant>/<name>?exp=&sig=}) because an {@code <img>} cannot
 * carry the API's header; a link lives for a week and stays the same for a day, so browsers cache it.
 */
public final class Thumbnails {
    public static final int WIDTH = 320;
    public static final String ROUTE = "/app/thumbs/";
    private static final Pattern NAME = Pattern.compile("(\\d{1,18})-([0-9a-f]{12})\\.jpg");
    private static final Duration LIFE = Duration.ofDays(7);
    /** Larger JPEGs are not read into memory whole for TurboJPEG; ImageIO streams them. */
    private static final long MAX_FAST_BYTES = 32L * 1024 * 1024;
    /** A picture larger than this (a header's claim) is not decoded at all: no library image is this large (MAX_IMAGE_PIXELS). */
    static final long MAX_SOURCE_PIXELS = 250_000_000L;

    /** A checked request for a thumbnail: the tenant, the item and the file name. */
    public record Wanted(long tenantId, long mediaItemId, String name) {
    }

    private final Path root;
    private final byte[] key;

    public Thumbnails(Path dataDir, String botToken) {
        this.root = dataDir.resolve("thumbs");
        this.key = InitData.hmac("StorylineThumbnails".getBytes(StandardCharsets.UTF_8), botToken.getBytes(StandardCharsets.UTF_8));
    }

    /** The file name of an item's thumbnail; empty for a video (no frame can be read without ffmpeg: the page draws a ▶). */
    public static Optional<String> name(long mediaItemId, String fileHash, String mimeType) {
        if (fileHash == null || mimeType == null || !mimeType.startsWith("image/") || fileHash.length() < 12) {
            return Optional.empty();
        }
        return Optional.of(mediaItemId + "-" + fileHash.substring(0, 12).toLowerCase(java.util.Locale.ROOT) + ".jpg");
    }

    /** A signed link to an item's thumbnail, or null when it has none. */
    public String link(long tenantId, long mediaItemId, String fileHash, String mimeType, Instant now) {
        return name(mediaItemId, fileHash, mimeType).map(name -> {
            long day = 86_400;
            long expires = (now.plus(LIFE).getEpochSecond() / day + 1) * day;
            return ROUTE + tenantId + "/" + name + "?exp=" + expires + "&sig=" + sign(tenantId + "/" + name + "/" + expires);
        }).orElse(null);
    }

    /** A thumbnail request whose signature holds and has not expired; empty otherwise. */
    public Optional<Wanted> check(String tenant, String name, String expires, String sig, Instant now) {
        Matcher m = name == null ? null : NAME.matcher(name);
        if (m == null || !m.matches() || tenant == null || !tenant.matches("-?\\d{1,18}") || expires == null || !expires.matches("\\d{1,12}")
                || sig == null) {
            return Optional.empty();
        }
        if (!java.security.MessageDigest.isEqual(sign(tenant + "/" + name + "/" + expires).getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII)) || Long.parseLong(expires) < now.getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(new Wanted(Long.parseLong(tenant), Long.parseLong(m.group(1)), name));
    }

    public Path file(long tenantId, String name) {
        return root.resolve(Long.toString(tenantId)).resolve(name);
    }

    /** Makes the thumbnail of {@code source} at {@code target} unless it is there. Blocking: call it on a worker. */
    public static void make(Path source, Path target) throws IOException {
        make(source, target, true);
    }

    /** {@code fast = false}: ImageIO alone, as on a host without libturbojpeg. */
    static void make(Path source, Path target, boolean fast) throws IOException {
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        BufferedImage read = fast ? fast(source).orElse(null) : null;
        if (read == null) {
            read = slow(source);
        }
        int orientation = ExifOrientation.of(source); // a phone's portrait photo, stored landscape, is shown upright
        boolean turned = ExifOrientation.turned(orientation);
        int uprightWidth = turned ? read.getHeight() : read.getWidth();
        int uprightHeight = turned ? read.getWidth() : read.getHeight();
        int height = Math.max(1, (int) Math.round((double) uprightHeight * WIDTH / uprightWidth));
        BufferedImage small = new BufferedImage(WIDTH, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.drawImage(read, ExifOrientation.uprightAt(orientation, read.getWidth(), read.getHeight(), WIDTH, height), null);
        } finally {
            g.dispose();
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.deleteIfExists(part);
        Optional<byte[]> encoded = fast ? TurboJpeg.encode(small, 80) : Optional.empty();
        if (encoded.isPresent()) {
            Files.write(part, encoded.get());
        } else {
            write(small, part);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A JPEG decoded by TurboJPEG at the smallest scale still {@link #WIDTH} wide; empty for other files or without the library. */
    private static Optional<BufferedImage> fast(Path source) throws IOException {
        if (!TurboJpeg.available() || Files.size(source) > MAX_FAST_BYTES) {
            return Optional.empty();
        }
        byte[] data = Files.readAllBytes(source);
        if (data.length < 3 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            return Optional.empty();
        }
        return TurboJpeg.decodeAtLeast(data, WIDTH, MAX_SOURCE_PIXELS);
    }

    /** Any picture ImageIO reads, decoded reading every n-th pixel so that it stays at least twice {@link #WIDTH} wide. */
    private static BufferedImage slow(Path source) throws IOException {
        BufferedImage read;
        try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("the image cannot be read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                if ((long) width * reader.getHeight(0) > MAX_SOURCE_PIXELS) {
                    throw new IOException("the image is too large for a thumbnail: " + width + "×" + reader.getHeight(0));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, width / (WIDTH * 2));
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                read = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
        return read;
    }

    private static void write(BufferedImage small, Path part) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(part.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.8f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(small, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private String sign(String what) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            byte[] full = mac.doFinal(what.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 18));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
