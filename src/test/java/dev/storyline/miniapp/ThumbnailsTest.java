package dev.storyline.miniapp;

import dev.storyline.media.TurboJpeg;
import dev.storyline.testing.TestImages;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thumbnails through libturbojpeg's scaled decode (scripts/test.sh installs libturbojpeg0, as run.sh
 * and the systemd installer do) look like the ones ImageIO makes, and a hostile file costs neither
 * path more than a refusal.
 */
class ThumbnailsTest {
    @TempDir
    Path dir;

    /** A phone-sized picture with something to see: a diagonal gradient and a dark band. */
    private Path picture(String name, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.fillRect(0, height / 3, width, height / 10);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return TestImages.bytes(dir.resolve(name), out.toByteArray());
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        long total = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    total += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return (double) total / (a.getWidth() * a.getHeight() * 3);
    }

    @Test
    @DisplayName("libturbojpeg is there and decodes a 1080×1920 picture at 3/8 (405 px), the smallest scale still 320 px wide")
    void scaledDecode() throws Exception {
        assertThat(TurboJpeg.available()).as("libturbojpeg0 installed (scripts/test.sh does it)").isTrue();
        BufferedImage decoded = TurboJpeg.decodeAtLeast(Files.readAllBytes(picture("a.jpg", 1080, 1920)), Thumbnails.WIDTH, Thumbnails.MAX_SOURCE_PIXELS).orElseThrow();
        assertThat(decoded.getWidth()).isEqualTo(405);
        assertThat(decoded.getHeight()).isEqualTo(720);
        BufferedImage narrow = TurboJpeg.decodeAtLeast(Files.readAllBytes(picture("b.jpg", 300, 500)), Thumbnails.WIDTH, Thumbnails.MAX_SOURCE_PIXELS).orElseThrow();
        assertThat(narrow.getWidth()).as("narrower than a thumbnail: full size").isEqualTo(300);
    }

    @Test
    @DisplayName("the fast thumbnail is 320 px wide and looks like ImageIO's (mean difference under 3 of 255 a channel)")
    void sameAsImageIo() throws Exception {
        Path source = picture("c.jpg", 1080, 1920);
        Path fast = dir.resolve("thumbs").resolve("fast.jpg");
        Path slow = dir.resolve("thumbs").resolve("slow.jpg");
        Thumbnails.make(source, fast, true);
        Thumbnails.make(source, slow, false);

        BufferedImage a = ImageIO.read(fast.toFile());
        BufferedImage b = ImageIO.read(slow.toFile());
        assertThat(a.getWidth()).isEqualTo(Thumbnails.WIDTH);
        assertThat(a.getHeight()).isEqualTo(569);
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        assertThat(meanDifference(a, b)).isLessThan(3.0);
        assertThat(Files.list(fast.getParent()).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("fast.jpg", "slow.jpg");
    }

    @Test
    @DisplayName("a photo turned by its EXIF orientation gets an upright thumbnail, through libturbojpeg and through ImageIO")
    void exifOrientation() throws Exception {
        for (boolean fast : new boolean[] {true, false}) {
            for (int orientation : new int[] {3, 6, 8}) {
                Path source = TestImages.quadrants(dir.resolve("turned-" + orientation + ".jpg"), orientation);
                Path target = dir.resolve("thumb-" + fast + "-" + orientation + ".jpg");
                Thumbnails.make(source, target, fast);
                BufferedImage thumb = ImageIO.read(target.toFile());
                assertThat(thumb.getWidth()).isEqualTo(Thumbnails.WIDTH);
                assertThat(thumb.getHeight()).as("orientation " + orientation).isEqualTo(orientation == 3 ? 180 : 569);
                assertThat(TestImages.quadrants(thumb)).as("orientation " + orientation + (fast ? ", libturbojpeg" : ", ImageIO"))
                        .isEqualTo(TestImages.UPRIGHT_QUADRANTS[orientation]);
            }
        }
    }

    @Test
    @DisplayName("a truncated JPEG, one claiming 65,000 × 65,000 pixels and a PNG each end in a thumbnail or a clean IOException")
    void hostileFiles() throws Exception {
        byte[] whole = Files.readAllBytes(picture("d.jpg", 1080, 1920));
        Path truncated = TestImages.bytes(dir.resolve("cut.jpg"), Arrays.copyOf(whole, whole.length / 3));
        byte[] huge = whole.clone();
        for (int i = 2; i + 8 < huge.length; i++) { // the SOF0 header's height and width
            if ((huge[i] & 0xFF) == 0xFF && (huge[i + 1] & 0xFF) == 0xC0) {
                huge[i + 5] = (byte) 0xFD;
                huge[i + 6] = (byte) 0xE8;
                huge[i + 7] = (byte) 0xFD;
                huge[i + 8] = (byte) 0xE8;
                break;
            }
        }
        assertThat(TurboJpeg.decodeAtLeast(huge, Thumbnails.WIDTH, Long.MAX_VALUE)).as("8,125 × 8,125 after 1/8: over the cap").isEmpty();
        assertThat(TurboJpeg.decodeAtLeast(huge, Thumbnails.WIDTH, Thumbnails.MAX_SOURCE_PIXELS)).isEmpty();
        Path giant = TestImages.bytes(dir.resolve("giant.jpg"), huge);
        Path png = TestImages.write(dir.resolve("e.png"), "png", 640, 1136, Color.GREEN);

        for (Path source : new Path[] {truncated, giant, png}) {
            Path target = dir.resolve("out").resolve(source.getFileName() + ".jpg");
            try {
                Thumbnails.make(source, target);
                assertThat(ImageIO.read(target.toFile()).getWidth()).isEqualTo(Thumbnails.WIDTH);
            } catch (java.io.IOException refused) {
                assertThat(target).doesNotExist();
            }
        }
        assertThat(ImageIO.read(dir.resolve("out").resolve("e.png.jpg").toFile()).getWidth()).isEqualTo(Thumbnails.WIDTH);
    }
}
