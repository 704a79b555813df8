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
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    @DisplayName("a JPEG turned by its EXIF orientation (a phone's portrait photo) is made upright for Instagram, in each of the eight cases")
    void exifOrientation() throws Exception {
        String[] upright = TestImages.UPRIGHT_QUADRANTS;
        for (int orientation = 1; orientation <= 8; orientation++) {
            Path source = TestImages.quadrants(dir.resolve("turned-" + orientation + ".jpg"), orientation);
            assertThat(dev.storyline.media.ExifOrientation.of(source)).isEqualTo(orientation);
            Path target = dir.resolve("upright-" + orientation + ".jpg");
            JpegPreparer.prepare(source, "image/jpeg", target);
            BufferedImage out = ImageIO.read(target.toFile());
            boolean turned = orientation >= 5;
            assertThat(out.getWidth()).as("width, orientation " + orientation).isEqualTo(turned ? 90 : 160);
            assertThat(out.getHeight()).as("height, orientation " + orientation).isEqualTo(turned ? 160 : 90);
            String shown = "" + TestImages.quadrants(out);
            assertThat(shown).as("orientation " + orientation).isEqualTo(upright[orientation]);
        }
        Path plain = TestImages.quadrants(dir.resolve("plain-source.jpg"), 0);
        assertThat(dev.storyline.media.ExifOrientation.of(plain)).isEqualTo(1);
        Path target = dir.resolve("plain.jpg");
        JpegPreparer.prepare(plain, "image/jpeg", target);
        assertThat(Files.readAllBytes(target)).as("an upright JPEG is still used as it is").isEqualTo(Files.readAllBytes(plain));
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
    @DisplayName("the subsampling step brings any image within the decode budget, and leaves small ones whole")
    void subsamplingStep() {
        assertThat(JpegPreparer.subsampling(1080, 1920)).isEqualTo(1);
        assertThat(JpegPreparer.subsampling(12_000, 9_000)).isEqualTo(4); // 108 MP → 6.75 MP
        assertThat(JpegPreparer.subsampling(20_000, 20_000)).isEqualTo(8);
        assertThat(JpegPreparer.subsampling(65_535, 65_535)).isEqualTo(24);
        for (int[] size : new int[][] {{12_000, 9_000}, {20_000, 20_000}, {7_071, 7_071}, {65_535, 1}}) {
            int step = JpegPreparer.subsampling(size[0], size[1]);
            assertThat(Math.ceil(size[0] / (double) step) * Math.ceil(size[1] / (double) step))
                    .isLessThanOrEqualTo(JpegPreparer.MAX_DECODED_PIXELS);
        }
    }

    @Test
    @DisplayName("a 108 MP JPEG and a 50 MP PNG are prepared inside a 256 MB heap, as JPEGs of at most 8 MP")
    void hugeImagesInSmallHeap() throws Exception {
        Path jpeg = TestImages.largeJpeg(dir.resolve("huge.jpg"), 12_000, 9_000);
        Path png = TestImages.hugePng(dir.resolve("huge.png"), 7_500, 6_667);
        assertThat(prepareInSmallHeap(jpeg, "image/jpeg")).contains("prepared 3000x2250");
        assertThat(prepareInSmallHeap(png, "image/png")).contains("prepared 2500x2223");
    }

    /** Runs {@link PrepareProbe} in a JVM of 256 MB that exits on OutOfMemoryError, as the systemd unit does. */
    private String prepareInSmallHeap(Path source, String mimeType) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve(source.getFileName() + ".log");
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), PrepareProbe.class.getName(),
                source.toString(), mimeType, dir.resolve(source.getFileName() + ".out.jpg").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the probe finishes").isTrue();
        String output = Files.readString(log);
        System.out.println(source.getFileName() + ": " + output.strip());
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    @DisplayName("a file that is no image fails with a message")
    void notAnImage() {
        Path text = TestImages.text(dir.resolve("x.png"), "not an image");
        assertThatThrownBy(() -> JpegPreparer.prepare(text, "image/png", dir.resolve("x.jpg"))).hasMessageContaining("cannot be read");
    }
}
