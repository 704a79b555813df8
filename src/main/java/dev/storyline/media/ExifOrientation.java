package dev.storyline.media;

import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;

import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A JPEG's EXIF orientation: a phone's portrait photo is usually stored landscape with "turn a quarter
 * clockwise" (6) in its tags. Whatever decodes the pixels (the JPEG made for Instagram, the planner's
 * thumbnails) draws them upright with {@link #upright}; ImageIO and TurboJPEG read the pixels as stored.
 */
public final class ExifOrientation {
    /** As stored. */
    public static final int NORMAL = 1;
    /** How much of a file is looked through for the EXIF block. */
    static final int SCAN_BYTES = 128 * 1024;
    private static final byte[] PREAMBLE = ExifReader.JPEG_SEGMENT_PREAMBLE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ExifOrientation() {
    }

    /**
     * The JPEG's orientation, 1 to 8; {@link #NORMAL} when it has none, or tags that cannot be read. Blocking. Only the
     * file's first {@value #SCAN_BYTES} bytes are read (cameras write the EXIF block first): a hostile file of 100 MB of
     * tag segments costs no more than a photo.
     */
    public static int of(Path jpeg) {
        byte[] head;
        try (InputStream in = Files.newInputStream(jpeg)) {
            head = in.readNBytes(SCAN_BYTES);
        } catch (IOException e) {
            return NORMAL;
        }
        try {
            byte[] exif = exifSegment(head);
            if (exif == null) {
                return NORMAL;
            }
            Metadata metadata = new Metadata();
            new ExifReader().readJpegSegments(List.of(exif), metadata, JpegSegmentType.APP1);
            ExifIFD0Directory tags = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (tags == null || !tags.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return NORMAL;
            }
            int orientation = tags.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            return orientation >= 1 && orientation <= 8 ? orientation : NORMAL;
        } catch (MetadataException | RuntimeException e) {
            return NORMAL; // a hostile or broken tag block: the pixels are what they are
        }
    }

    /** The first APP1 "Exif" segment's content before the image data, if it lies within {@code head}; null otherwise. */
    private static byte[] exifSegment(byte[] head) {
        if (head.length < 4 || (head[0] & 0xFF) != 0xFF || (head[1] & 0xFF) != 0xD8) {
            return null; // not a JPEG
        }
        int at = 2;
        while (at + 4 <= head.length) {
            if ((head[at] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = head[at + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                at++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null; // the image data (or the end) before any EXIF block
            }
            int length = (head[at + 2] & 0xFF) << 8 | head[at + 3] & 0xFF;
            if (length < 2 || at + 2 + length > head.length) {
                return null;
            }
            if (marker == 0xE1 && length >= 2 + PREAMBLE.length
                    && Arrays.equals(head, at + 4, at + 4 + PREAMBLE.length, PREAMBLE, 0, PREAMBLE.length)) {
                return Arrays.copyOfRange(head, at + 4, at + 2 + length); // with its preamble, as ExifReader takes it
            }
            at += 2 + length;
        }
        return null;
    }

    /** Whether the orientation turns the image by a quarter (5 to 8): width and height change places. */
    public static boolean turned(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * What draws a {@code width}×{@code height} image stored with {@code orientation} upright: EXIF's eight cases,
     * mirrored and turned by quarters (6: a quarter clockwise, 8: a quarter anticlockwise).
     */
    public static AffineTransform upright(int orientation, int width, int height) {
        return switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, width, 0);
            case 3 -> new AffineTransform(-1, 0, 0, -1, width, height);
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, height);
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
            case 6 -> new AffineTransform(0, 1, -1, 0, height, 0);
            case 7 -> new AffineTransform(0, -1, -1, 0, height, width);
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, width);
            default -> new AffineTransform();
        };
    }

    /** Draws {@code width}×{@code height} of the image, upright: the scale to that size after {@link #upright}. */
    public static AffineTransform uprightAt(int orientation, int sourceWidth, int sourceHeight, int width, int height) {
        boolean turned = turned(orientation);
        AffineTransform draw = AffineTransform.getScaleInstance((double) width / (turned ? sourceHeight : sourceWidth),
                (double) height / (turned ? sourceWidth : sourceHeight));
        draw.concatenate(upright(orientation, sourceWidth, sourceHeight));
        return draw;
    }
}
