package dev.storyline.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Real image files for tests: JPEG, PNG and GIF encoded by ImageIO, WebP headers written by hand. */
public final class TestImages {
    private TestImages() {
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

    public static Path text(Path file, String content) {
        return bytes(file, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void put24(ByteBuffer b, int value) {
        b.put((byte) (value & 0xFF)).put((byte) ((value >> 8) & 0xFF)).put((byte) ((value >> 16) & 0xFF));
    }
}
