package dev.storyline.instagram;

import dev.storyline.testing.TestImages;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JpegPreparerTest {
    /** A real 1×1 lossy WebP. */
    private static final String WEBP = "UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=";

    @TempDir
    Path dir;

    private static boolean isJpeg(Path file) throws Exception {
        byte[] head = Files.readAllBytes(file);
        return head.length > 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8;
    }

    @Test
    @DisplayName("a JPEG under 8 MB is used as it is")
    void jpegAsIs() throws Exception {
        Path source = TestImages.write(dir.resolve("a.jpg"), "jpg", 1080, 1920, Color.ORANGE);
        Path target = dir.resolve("out.jpg");
        JpegPreparer.prepare(source, "image/jpeg", target);
        assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
    }

    @Test
    @DisplayName("a transparent PNG becomes a JPEG flattened on white, same size")
    void pngOnWhite() throws Exception {
        BufferedImage png = new BufferedImage(90, 160, BufferedImage.TYPE_INT_ARGB); // fully transparent
        Path source = dir.resolve("clear.png");
        ImageIO.write(png, "png", source.toFile());
        Path target = dir.resolve("out.jpg");
        JpegPreparer.prepare(source, "image/png", target);
        assertThat(isJpeg(target)).isTrue();
        BufferedImage out = ImageIO.read(target.toFile());
        assertThat(out.getWidth()).isEqualTo(90);
        assertThat(out.getHeight()).isEqualTo(160);
        Color corner = new Color(out.getRGB(5, 5));
        assertThat(corner.getRed() + corner.getGreen() + corner.getBlue()).isGreaterThan(3 * 245);
    }

    @Test
    @DisplayName("GIF and WebP become JPEG")
    void gifAndWebp() throws Exception {
        Path gif = TestImages.write(dir.resolve("a.gif"), "gif", 60, 100, Color.BLUE);
        JpegPreparer.prepare(gif, "image/gif", dir.resolve("gif.jpg"));
        assertThat(isJpeg(dir.resolve("gif.jpg"))).isTrue();
        Path webp = TestImages.bytes(dir.resolve("a.webp"), Base64.getDecoder().decode(WEBP));
        JpegPreparer.prepare(webp, "image/webp", dir.resolve("webp.jpg"));
        assertThat(isJpeg(dir.resolve("webp.jpg"))).isTrue();
    }

    @Test
    @DisplayName("an image that would be over 8 MB is encoded again until it fits")
    void tooLarge() throws Exception {
        BufferedImage noise = new BufferedImage(3000, 3000, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        Path source = dir.resolve("noise.png");
        ImageIO.write(noise, "png", source.toFile());
        assertThat(Files.size(source)).isGreaterThan(JpegPreparer.MAX_BYTES);
        Path target = dir.resolve("out.jpg");
        JpegPreparer.prepare(source, "image/png", target);
        assertThat(isJpeg(target)).isTrue();
        assertThat(Files.size(target)).isLessThanOrEqualTo(JpegPreparer.MAX_BYTES);
        assertThat(ImageIO.read(target.toFile()).getWidth()).isLessThanOrEqualTo(3000);
    }

    @Test
    @DisplayName("a file that is no image fails with a message")
    void notAnImage() {
        Path text = TestImages.text(dir.resolve("x.png"), "not an image");
        assertThatThrownBy(() -> JpegPreparer.prepare(text, "image/png", dir.resolve("x.jpg"))).hasMessageContaining("cannot be read");
    }
}
