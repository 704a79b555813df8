package dev.storyline.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Real image files for tests: JPEG, PNG and GIF encoded by ImageIO, WebP headers written by hand. */
public final class TestImages {
    private TestImages() {
    }

    /**
     * What a {@link #quadrants} image with EXIF orientation {@code i} shows upright, quadrant by quadrant (top-left,
     * top-right, bottom-left, bottom-right), as {@link #quadrants(BufferedImage)} reads it.
     */
    public static final String[] UPRIGHT_QUADRANTS = {null, "RGBY", "GRYB", "YBGR", "BYRG", "RBGY", "BRYG", "YGBR", "GYRB"};

    /**
     * A 160×90 JPEG with quadrants red, green (top) and blue, yellow (bottom), carrying EXIF orientation
     * {@code orientation} (0: no EXIF at all), as a phone writes a photo it did not turn itself.
     */
    public static Path quadrants(Path file, int orientation) {
        BufferedImage image = new BufferedImage(160, 90, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        for (int q = 0; q < 4; q++) {
            g.setColor(colors[q]);
            g.fillRect(q % 2 * 80, q / 2 * 45, 80, 45);
        }
        g.dispose();
        try {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            ImageIO.write(image, "jpg", plain);
            byte[] jpeg = plain.toByteArray();
            if (orientation == 0) {
                return bytes(file, jpeg);
            }
            // APP1 "Exif": a big-endian TIFF header and one IFD with one entry, Orientation (0x0112, SHORT)
            byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
            ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + tiff.length).order(ByteOrder.BIG_ENDIAN);
            app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (app1.capacity() - 2)).put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put(tiff);
            int afterApp0 = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF)); // SOI, then ImageIO's JFIF APP0
            ByteArrayOutputStream tagged = new ByteArrayOutputStream();
            tagged.write(jpeg, 0, afterApp0);
            tagged.write(app1.array());
            tagged.write(jpeg, afterApp0, jpeg.length - afterApp0);
            return bytes(file, tagged.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The colour each quadrant of {@code image} shows most (R, G, B or Y): top-left, top-right, bottom-left, bottom-right. */
    public static String quadrants(BufferedImage image) {
        StringBuilder shown = new StringBuilder();
        for (int q = 0; q < 4; q++) {
            Color c = new Color(image.getRGB(q % 2 == 1 ? image.getWidth() * 3 / 4 : image.getWidth() / 4,
                    q >= 2 ? image.getHeight() * 3 / 4 : image.getHeight() / 4));
            boolean red = c.getRed() > 128;
            boolean green = c.getGreen() > 128;
            shown.append(red && green ? 'Y' : red ? 'R' : green ? 'G' : 'B');
        }
        return shown.toString();
    }

    /** A real image of that size and colour, in {@code format} (jpg, png or gif), written to {@code file}. */
    public static Path write(Path file, String format, int width, int height, Color colour) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, encode(format, width, height, colour));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(String format, int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("ImageIO cannot write " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An extended-format (VP8X) WebP header of that canvas size, padded: enough for a header reader. */
    public static Path webp(Path file, int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(56).put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).putInt(0);
        put24(b, width - 1);
        put24(b, height - 1);
        return bytes(file, b.array());
    }

    /** The start of a real JPEG followed by garbage: the marker structure breaks after the first segment. */
    public static Path corruptJpeg(Path file) {
        byte[] real = encode("jpg", 64, 64, Color.RED);
        byte[] broken = Arrays.copyOf(real, 2000);
        Arrays.fill(broken, 20, broken.length, (byte) 0x00);
        return bytes(file, broken);
    }

    public static Path bytes(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A real, black RGB PNG of any size, written row by row (so a 20000×20000 "bomb" costs a few MB on
     * disk and no heap here, and 1.2 GB to whoever decodes it whole).
     */
    public static Path hugePng(Path file, int width, int height) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                    .put((byte) 0).put((byte) 0).put((byte) 0).array());
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            byte[] row = new byte[1 + 3 * width]; // filter byte 0, then black pixels
            byte[] buffer = new byte[1 << 16];
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            for (int y = 0; y < height; y++) {
                deflater.setInput(row);
                while (!deflater.needsInput()) {
                    idat.write(buffer, 0, deflater.deflate(buffer));
                }
                if (idat.size() > 1 << 20) {
                    chunk(out, "IDAT", idat.toByteArray());
                    idat.reset();
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
            deflater.end();
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.write(name);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A real colour JPEG of that size (encoded here in one piece: mind the heap for very large ones). */
    public static Path largeJpeg(Path file, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        try {
            if (!ImageIO.write(image, "jpg", file.toFile())) {
                throw new IllegalStateException("no JPEG writer");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path text(Path file, String content) {
        return bytes(file, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void put24(ByteBuffer b, int value) {
        b.put((byte) (value & 0xFF)).put((byte) ((value >> 8) & 0xFF)).put((byte) ((value >> 16) & 0xFF));
    }
}
