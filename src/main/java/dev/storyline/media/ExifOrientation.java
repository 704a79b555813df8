package dev.storyline.media;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;

import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A JPEG's EXIF orientation: a phone's portrait photo is usually stored landscape with "turn a quarter
 * clockwise" (6) in its tags. Whatever decodes the pixels (the JPEG made for Instagram, the planner's
 * thumbnails) draws them upright with {@link #upright}; ImageIO and TurboJPEG read the pixels as stored.
 */
public final class ExifOrientation {
    /** As stored. */
    public static final int NORMAL = 1;

    private ExifOrientation() {
    }

    /** The JPEG's orientation, 1 to 8; {@link #NORMAL} when it has none, or tags that cannot be read. Blocking. */
    public static int of(Path jpeg) {
        try {
            Metadata metadata = JpegMetadataReader.readMetadata(jpeg.toFile(), List.of(new ExifReader()));
            ExifIFD0Directory tags = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (tags == null || !tags.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return NORMAL;
            }
            int orientation = tags.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            return orientation >= 1 && orientation <= 8 ? orientation : NORMAL;
        } catch (JpegProcessingException | MetadataException | IOException | RuntimeException e) {
            return NORMAL; // not a JPEG, or a hostile or broken tag block: the pixels are what they are
        }
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
