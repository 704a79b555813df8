package dev.storyline.instagram;

import dev.storyline.media.ExifOrientation;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;

/**
 * Makes a story image acceptable to Instagram (lessons.md: JPEG, at most 8 MB): a JPEG within the
 * limit is copied as it is; PNG, GIF and WebP are flattened on white and encoded as JPEG; anything
 * over 8 MB is encoded again, at lower quality and then smaller, until it fits. The aspect ratio is
 * kept (a 9:16 canvas is recommended, not forced). Blocking: run it on a worker thread.
 *
 * <p>Memory is bounded whatever the file (D25, lessons.md: a 1 MB PNG can decode to gigabytes): the
 * image is read with subsampling to at most {@link #MAX_DECODED_PIXELS}, so the decoded image and its
 * flattened copy together stay near 64 MB. A JPEG larger than that is encoded again, smaller: Instagram
 * shows stories at 1080×1920 anyway.
 *
 * <p>A JPEG whose EXIF orientation turns or mirrors it (a phone's portrait photo is usually stored
 * landscape with "rotate 90°" in its tags) is encoded again upright: the JPEG made here carries no
 * tags, and a copy would leave the turning to whoever reads it.
 */
public final class JpegPreparer {
    public static final long MAX_BYTES = 8L * 1024 * 1024;
    /** At most 4 bytes a pixel, twice (decoded and flattened): about 64 MB of heap. */
    public static final long MAX_DECODED_PIXELS = 8_000_000L;
    private static final float[] QUALITIES = {0.92f, 0.85f, 0.75f};

    private JpegPreparer() {
    }

    /** Writes the JPEG to {@code target}; {@code mimeType} is the library's ({@code image/jpeg}, {@code image/png}...). */
    public static void prepare(Path source, String mimeType, Path target) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("the image cannot be read (" + mimeType + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                int orientation = "image/jpeg".equals(mimeType) ? ExifOrientation.of(source) : ExifOrientation.NORMAL;
                if ("image/jpeg".equals(mimeType) && orientation == ExifOrientation.NORMAL && Files.size(source) <= MAX_BYTES
                        && (long) width * height <= MAX_DECODED_PIXELS) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    return;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width, height);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage read = reader.read(0, param);
                boolean turned = ExifOrientation.turned(orientation);
                encode(flatten(read, turned ? read.getHeight() : read.getWidth(), turned ? read.getWidth() : read.getHeight(),
                        orientation), target);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The smallest whole step (every n-th pixel of every n-th row) that brings the image within {@link #MAX_DECODED_PIXELS}. */
    static int subsampling(int width, int height) {
        int step = 1;
        while (ceilDiv(width, step) * ceilDiv(height, step) > MAX_DECODED_PIXELS) {
            step++;
        }
        return step;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static void encode(BufferedImage flattened, Path target) throws IOException {
        BufferedImage image = flattened;
        while (true) {
            for (float quality : QUALITIES) {
                write(image, quality, target);
                if (Files.size(target) <= MAX_BYTES) {
                    return;
                }
            }
            if (image.getWidth() < 320) {
                throw new IOException("the image cannot be made smaller than 8 MB");
            }
            image = flatten(image, image.getWidth() * 3 / 4, image.getHeight() * 3 / 4, ExifOrientation.NORMAL);
        }
    }

    /** An RGB copy at the given size, upright ({@link ExifOrientation}), transparent parts on white: one copy however it is turned. */
    private static BufferedImage flatten(BufferedImage source, int width, int height, int orientation) {
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(source, ExifOrientation.uprightAt(orientation, source.getWidth(), source.getHeight(), width, height), null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private static void write(BufferedImage image, float quality, Path target) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        Files.deleteIfExists(target); // a file image stream writes over a file without truncating it
        try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
