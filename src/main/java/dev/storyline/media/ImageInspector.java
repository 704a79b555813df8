package dev.storyline.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Checks and fingerprints one image file (R21, R32), blocking: call it on a worker thread. The
 * format is recognised from the content, the dimensions are read from the image's own header (no
 * full decode, so a 100 MB file costs one read), and the SHA-256 of the content is streamed.
 * Problems that make the file unusable throw {@link InvalidImageException}; problems Instagram
 * merely dislikes become warnings kept on the item.
 */
public final class ImageInspector {
    /** R32: files above 100 MB (MB = 1024 × 1024 bytes) are refused. */
    public static final long MAX_BYTES = 100L * 1024 * 1024;
    public static final double MIN_ASPECT = 9.0 / 16.0;
    public static final double MAX_ASPECT = 1.91;
    public static final int MIN_WIDTH = 720;
    public static final int MIN_HEIGHT = 1280;
    private static final int BUFFER = 128 * 1024;
    private static final int MAX_JPEG_SEGMENTS = 4096;

    /** What {@link #examine} learned about a file. */
    /** {@code durationMillis} and {@code codec} (H.264, HEVC) for a video; 0 and null for an image. */
    public record Examined(String hash, long size, Instant modifiedAt, MediaFormat format, int width, int height,
                           List<String> warnings, long durationMillis, String codec) {
        public Examined(String hash, long size, Instant modifiedAt, MediaFormat format, int width, int height, List<String> warnings) {
            this(hash, size, modifiedAt, format, width, height, warnings, 0, null);
        }

        public boolean video() {
            return format.video();
        }
    }

    private record Header(MediaFormat format, int width, int height) {
    }

    private ImageInspector() {
    }

    /**
     * @param maxPixels {@code MAX_IMAGE_PIXELS}: a larger image is refused before anything else is read,
     *                  since a small file can decode to gigabytes (lessons.md)
     */
    public static Examined examine(Path file, long size, Instant modifiedAt, long maxPixels) throws InvalidImageException {
        if (size > MAX_BYTES) {
            throw new InvalidImageException(String.format(Locale.ROOT, "File too large: %.1fMB (max 100MB)", size / 1024.0 / 1024.0));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (VideoInspector.looksLikeVideo(read(channel, 0, 12))) {
                VideoInspector.Video video = VideoInspector.inspect(channel, size);
                List<String> warnings = new ArrayList<>(warnings(video.width(), video.height()));
                if (size > VideoInspector.MAX_TELEGRAM_UPLOAD_BYTES) {
                    warnings.add(String.format(Locale.ROOT, "Larger than 50 MB (%.1f MB): Telegram takes no bigger file from a bot, "
                            + "so this video can only go to Instagram", size / 1024.0 / 1024.0));
                }
                return new Examined(sha256(channel), size, modifiedAt, video.format(), video.width(), video.height(),
                        List.copyOf(warnings), video.durationMillis(), video.codec());
            }
            Header stored = header(channel, size);
            // a phone's portrait photo is stored landscape and turned by its EXIF tag: the library knows it as it is seen
            Header header = stored.format() == MediaFormat.JPEG && ExifOrientation.turned(ExifOrientation.of(file))
                    ? new Header(stored.format(), stored.height(), stored.width()) : stored;
            if ((long) header.width() * header.height() > maxPixels) {
                throw InvalidImageException.tooLarge(tooManyPixels(header.width(), header.height(), maxPixels));
            }
            String hash = sha256(channel);
            ByteBuffer tail = read(channel, Math.max(0, size - 16), 16);
            List<String> warnings = new ArrayList<>(warnings(header.width(), header.height()));
            if (!endsWell(header.format(), tail)) {
                warnings.add("The file looks truncated: its " + header.format().name() + " end marker is missing");
            }
            return new Examined(hash, size, modifiedAt, header.format(), header.width(), header.height(), List.copyOf(warnings));
        } catch (NoSuchFileException e) {
            throw new InvalidImageException("Failed to open image: the file disappeared");
        } catch (IOException e) {
            throw new InvalidImageException("Failed to open image: " + e.getMessage());
        }
    }

    /** "Too large: 20000×20000, the limit is 50 MP" (megapixels of 1,000,000 pixels). */
    public static String tooManyPixels(int width, int height, long maxPixels) {
        return "Too large: " + width + "×" + height + ", the limit is " + megapixels(maxPixels) + " MP";
    }

    private static String megapixels(long pixels) {
        return pixels % 1_000_000 == 0 ? String.valueOf(pixels / 1_000_000)
                : String.format(Locale.ROOT, "%.1f", pixels / 1_000_000.0);
    }

    /** R32 warnings: aspect ratio outside 9:16…1.91, resolution below 720×1280. */
    public static List<String> warnings(int width, int height) {
        List<String> warnings = new ArrayList<>(2);
        double aspect = (double) width / height;
        if (aspect < MIN_ASPECT - 0.005 || aspect > MAX_ASPECT + 0.005) {
            warnings.add(String.format(Locale.ROOT, "Non-ideal aspect ratio: %.2f. Instagram prefers 9:16 (0.56)", aspect));
        }
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            warnings.add("Low resolution: " + width + "x" + height + ". Minimum recommended: 720x1280");
        }
        return warnings;
    }

    /** The SHA-256 of the whole file as 64 lowercase hex digits. */
    static String sha256(FileChannel channel) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        long position = 0;
        int read;
        while ((read = channel.read(buffer.clear(), position)) >= 0) {
            position += read;
            digest.update(buffer.array(), 0, read);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static Header header(FileChannel channel, long size) throws IOException, InvalidImageException {
        ByteBuffer start = read(channel, 0, 32);
        if (start.remaining() >= 3 && u8(start, 0) == 0xFF && u8(start, 1) == 0xD8 && u8(start, 2) == 0xFF) {
            return jpeg(channel, size);
        }
        if (start.remaining() >= 24 && startsWith(start, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
            if (!"IHDR".equals(ascii(start, 12, 4))) {
                throw new InvalidImageException("Failed to open image: corrupt PNG (no IHDR header)");
            }
            return checked(MediaFormat.PNG, start.order(ByteOrder.BIG_ENDIAN).getInt(16), start.getInt(20));
        }
        if (start.remaining() >= 10 && (ascii(start, 0, 6).equals("GIF87a") || ascii(start, 0, 6).equals("GIF89a"))) {
            ByteBuffer le = start.order(ByteOrder.LITTLE_ENDIAN);
            return checked(MediaFormat.GIF, le.getShort(6) & 0xFFFF, le.getShort(8) & 0xFFFF);
        }
        if (start.remaining() >= 30 && ascii(start, 0, 4).equals("RIFF") && ascii(start, 8, 4).equals("WEBP")) {
            return webp(start.order(ByteOrder.LITTLE_ENDIAN));
        }
        throw new InvalidImageException("Unsupported format: not a " + MediaFormat.accepted() + " image");
    }

    /** Walks the JPEG's marker segments up to the frame header (SOFn), which holds the dimensions. */
    private static Header jpeg(FileChannel channel, long size) throws IOException, InvalidImageException {
        long position = 2;
        for (int segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
            ByteBuffer marker = read(channel, position, 2);
            if (marker.remaining() < 2 || u8(marker, 0) != 0xFF) {
                throw new InvalidImageException("Failed to open image: corrupt JPEG (bad marker at byte " + position + ")");
            }
            int code = u8(marker, 1);
            if (code == 0xFF) { // fill byte
                position++;
                continue;
            }
            if (code == 0x01 || code >= 0xD0 && code <= 0xD7) { // markers without a length
                position += 2;
                continue;
            }
            if (code == 0xD9 || code == 0xDA) {
                throw new InvalidImageException("Failed to open image: corrupt JPEG (no frame header)");
            }
            ByteBuffer segmentHeader = read(channel, position + 2, 7).order(ByteOrder.BIG_ENDIAN);
            if (segmentHeader.remaining() < 2) {
                throw new InvalidImageException("Failed to open image: corrupt JPEG (truncated header)");
            }
            int length = segmentHeader.getShort(0) & 0xFFFF;
            if (length < 2 || position + 2 + length > size) {
                throw new InvalidImageException("Failed to open image: corrupt JPEG (bad segment length at byte " + position + ")");
            }
            boolean frame = code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
            if (frame) {
                if (segmentHeader.remaining() < 7) {
                    throw new InvalidImageException("Failed to open image: corrupt JPEG (truncated frame header)");
                }
                return checked(MediaFormat.JPEG, segmentHeader.getShort(5) & 0xFFFF, segmentHeader.getShort(3) & 0xFFFF);
            }
            position += 2 + length;
        }
        throw new InvalidImageException("Failed to open image: corrupt JPEG (no frame header)");
    }

    private static Header webp(ByteBuffer b) throws InvalidImageException {
        String chunk = ascii(b, 12, 4);
        switch (chunk) {
            case "VP8 " -> {
                if (u8(b, 23) != 0x9D || u8(b, 24) != 0x01 || u8(b, 25) != 0x2A) {
                    throw new InvalidImageException("Failed to open image: corrupt WebP (bad VP8 frame)");
                }
                return checked(MediaFormat.WEBP, b.getShort(26) & 0x3FFF, b.getShort(28) & 0x3FFF);
            }
            case "VP8L" -> {
                if (u8(b, 20) != 0x2F) {
                    throw new InvalidImageException("Failed to open image: corrupt WebP (bad VP8L signature)");
                }
                int bits = b.getInt(21);
                return checked(MediaFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
            }
            case "VP8X" -> {
                int width = (u8(b, 24) | u8(b, 25) << 8 | u8(b, 26) << 16) + 1;
                int height = (u8(b, 27) | u8(b, 28) << 8 | u8(b, 29) << 16) + 1;
                return checked(MediaFormat.WEBP, width, height);
            }
            default -> throw new InvalidImageException("Failed to open image: corrupt WebP (unknown chunk " + chunk.strip() + ")");
        }
    }

    private static Header checked(MediaFormat format, int width, int height) throws InvalidImageException {
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException("Failed to open image: corrupt " + format.name() + " (size " + width + "x" + height + ")");
        }
        return new Header(format, width, height);
    }

    /** JPEG ends with EOI (FF D9), PNG with its IEND chunk; trailing zero padding is tolerated. */
    private static boolean endsWell(MediaFormat format, ByteBuffer tail) {
        int end = tail.limit();
        while (end > 0 && tail.get(end - 1) == 0) {
            end--;
        }
        return switch (format) {
            case JPEG -> end >= 2 && u8(tail, end - 2) == 0xFF && u8(tail, end - 1) == 0xD9;
            case PNG -> end >= 8 && ascii(tail, end - 8, 4).equals("IEND");
            case GIF -> end >= 1 && u8(tail, end - 1) == 0x3B;
            case WEBP, MP4, MOV -> true;
        };
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                break;
            }
        }
        buffer.flip();
        return buffer;
    }

    private static int u8(ByteBuffer b, int index) {
        return b.get(index) & 0xFF;
    }

    private static boolean startsWith(ByteBuffer b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(ByteBuffer b, int offset, int length) {
        if (b.limit() < offset + length) {
            return "";
        }
        byte[] bytes = new byte[length];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
