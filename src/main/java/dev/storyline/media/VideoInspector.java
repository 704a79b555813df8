package dev.storyline.media;

import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.MovieHeaderBox;
import org.mp4parser.boxes.iso14496.part12.SampleDescriptionBox;
import org.mp4parser.boxes.iso14496.part12.TrackBox;
import org.mp4parser.boxes.iso14496.part12.TrackHeaderBox;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;
import org.mp4parser.support.Matrix;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * What a story video is (D29), read from its MP4/QuickTime boxes without decoding a frame: duration,
 * dimensions (as shown, rotation applied) and codec. The top-level boxes are walked here, so a
 * hostile file's box sizes are checked against the file before anything is allocated; only the
 * {@code moov} box (the index, at most {@link #MAX_INDEX_BYTES}) is read into memory and handed to
 * mp4parser. Refused with the reason: shorter than 3 s or longer than 60 s, not H.264 or HEVC, no
 * video track, a broken structure.
 */
final class VideoInspector {
    static final double MIN_SECONDS = 3;
    static final double MAX_SECONDS = 60;
    /** The Bot API takes files up to 50 MB from bots: a larger video can only be published to Instagram. */
    static final long MAX_TELEGRAM_UPLOAD_BYTES = 50L * 1024 * 1024;
    /** A story's index is a few hundred KB at most; more is a broken or hostile file. */
    static final int MAX_INDEX_BYTES = 16 * 1024 * 1024;
    private static final int MAX_TOP_LEVEL_BOXES = 10_000;
    private static final Map<String, String> CODECS = Map.of("avc1", "H.264", "avc3", "H.264", "hvc1", "HEVC", "hev1", "HEVC");

    /** A readable story video. {@code codec} H.264 or HEVC. */
    record Video(MediaFormat format, int width, int height, long durationMillis, String codec) {
    }

    private VideoInspector() {
    }

    /** Is this the start of an ISO base media file (a {@code ftyp} box first)? */
    static boolean looksLikeVideo(ByteBuffer start) {
        return start.remaining() >= 12 && "ftyp".equals(new String(new byte[]{start.get(4), start.get(5), start.get(6), start.get(7)},
                StandardCharsets.ISO_8859_1));
    }

    static Video inspect(FileChannel channel, long size) throws IOException, InvalidImageException {
        MediaFormat format = MediaFormat.MP4;
        long moovAt = -1;
        long moovSize = 0;
        long position = 0;
        for (int boxes = 0; position < size; boxes++) {
            if (boxes >= MAX_TOP_LEVEL_BOXES) {
                throw corrupt("too many boxes");
            }
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
            while (header.hasRemaining() && channel.read(header, position + header.position()) > 0) {
                // fill what the file has
            }
            if (header.position() < 8) {
                throw corrupt("a box header is cut off at byte " + position);
            }
            long boxSize = header.getInt(0) & 0xFFFFFFFFL;
            String type = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
            if (boxSize == 1) {
                if (header.position() < 16) {
                    throw corrupt("a box header is cut off at byte " + position);
                }
                boxSize = header.getLong(8);
            } else if (boxSize == 0) {
                boxSize = size - position;
            }
            if (boxSize < 8 || boxSize > size - position) {
                throw corrupt("the " + printable(type) + " box at byte " + position + " claims " + boxSize + " bytes");
            }
            if (position == 0 && "ftyp".equals(type) && header.position() >= 12
                    && "qt  ".equals(new String(header.array(), 8, 4, StandardCharsets.ISO_8859_1))) {
                format = MediaFormat.MOV;
            }
            if ("moov".equals(type)) {
                moovAt = position;
                moovSize = boxSize;
            }
            position += boxSize;
        }
        if (moovAt < 0) {
            throw corrupt("it has no index (moov box); was it cut off while recording?");
        }
        if (moovSize > MAX_INDEX_BYTES) {
            throw corrupt("its index is " + moovSize / 1024 / 1024 + " MB");
        }
        ByteBuffer moov = ByteBuffer.allocate((int) moovSize);
        while (moov.hasRemaining() && channel.read(moov, moovAt + moov.position()) > 0) {
            // read the whole index
        }
        try (IsoFile iso = new IsoFile(Channels.newChannel(new ByteArrayInputStream(moov.array())))) {
            return describe(format, iso.getMovieBox());
        } catch (InvalidImageException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            throw corrupt("its index cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Video describe(MediaFormat format, MovieBox movie) throws InvalidImageException {
        if (movie == null || movie.getMovieHeaderBox() == null) {
            throw corrupt("it has no movie header");
        }
        MovieHeaderBox header = movie.getMovieHeaderBox();
        if (header.getTimescale() <= 0) {
            throw corrupt("its time scale is " + header.getTimescale());
        }
        long millis = header.getDuration() * 1000 / header.getTimescale();
        for (TrackBox track : movie.getBoxes(TrackBox.class)) {
            if (track.getMediaBox() == null || track.getMediaBox().getHandlerBox() == null
                    || !"vide".equals(track.getMediaBox().getHandlerBox().getHandlerType())) {
                continue;
            }
            SampleDescriptionBox stsd = track.getSampleTableBox() == null ? null : track.getSampleTableBox().getSampleDescriptionBox();
            if (stsd == null || stsd.getBoxes().isEmpty()) {
                throw corrupt("its video track describes no samples");
            }
            String fourcc = stsd.getBoxes().get(0).getType();
            String codec = CODECS.get(fourcc);
            if (codec == null) {
                throw InvalidImageException.video("Unsupported video codec: " + printable(fourcc) + "; Instagram and Telegram need H.264 or HEVC");
            }
            checkDuration(millis);
            int width;
            int height;
            if (stsd.getBoxes().get(0) instanceof VisualSampleEntry entry && entry.getWidth() > 0 && entry.getHeight() > 0) {
                width = entry.getWidth();
                height = entry.getHeight();
            } else {
                TrackHeaderBox tkhd = track.getTrackHeaderBox();
                width = tkhd == null ? 0 : (int) tkhd.getWidth();
                height = tkhd == null ? 0 : (int) tkhd.getHeight();
            }
            TrackHeaderBox tkhd = track.getTrackHeaderBox();
            if (tkhd != null && (Matrix.ROTATE_90.equals(tkhd.getMatrix()) || Matrix.ROTATE_270.equals(tkhd.getMatrix()))) {
                int swap = width; // a phone's portrait video: stored landscape, shown turned
                width = height;
                height = swap;
            }
            if (width <= 0 || height <= 0) {
                throw corrupt("its video track has no dimensions");
            }
            return new Video(format, width, height, millis, codec);
        }
        throw InvalidImageException.video("Not a video story: the file has no video track");
    }

    /** Refuses a duration outside 3–60 s with the figure. */
    static void checkDuration(long millis) throws InvalidImageException {
        double seconds = millis / 1000.0;
        if (seconds < MIN_SECONDS) {
            throw InvalidImageException.video(String.format(Locale.ROOT, "Too short: %.1f s; a story video lasts 3–60 s", seconds));
        }
        if (seconds > MAX_SECONDS) {
            throw InvalidImageException.video(String.format(Locale.ROOT, "Too long: %.1f s; a story video lasts 3–60 s", seconds));
        }
    }

    private static InvalidImageException corrupt(String why) {
        return InvalidImageException.video("Failed to open video: " + why);
    }

    private static String printable(String fourcc) {
        return fourcc.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
