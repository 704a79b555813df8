package dev.storyline.media;

import dev.storyline.testing.TestImages;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageInspectorTest {
    @TempDir
    Path dir;

    private static ImageInspector.Examined examine(Path file) throws Exception {
        return ImageInspector.examine(file, Files.size(file), Instant.EPOCH, MediaRoots.DEFAULT_MAX_PIXELS);
    }

    @Test
    @DisplayName("JPEG, PNG and GIF: format and size from the header, SHA-256 of the content")
    void realImages() throws Exception {
        for (String format : new String[] {"jpg", "png", "gif"}) {
            Path file = TestImages.write(dir.resolve("story." + format), format, 1080, 1920, Color.ORANGE);
            ImageInspector.Examined e = examine(file);

            assertThat(e.format().extension()).isEqualTo(format);
            assertThat(e.width()).isEqualTo(1080);
            assertThat(e.height()).isEqualTo(1920);
            assertThat(e.warnings()).as(format).isEmpty();
            assertThat(e.hash()).isEqualTo(HexFormat.of().formatHex(ImageInspector.sha256().digest(Files.readAllBytes(file))))
                    .hasSize(64).isLowerCase();
        }
    }

    @Test
    @DisplayName("a JPEG turned a quarter by its EXIF orientation is known by its upright size (a phone's portrait photo)")
    void exifOrientation() throws Exception {
        assertThat(examine(TestImages.quadrants(dir.resolve("plain.jpg"), 0))).extracting("width", "height").containsExactly(160, 90);
        assertThat(examine(TestImages.quadrants(dir.resolve("upside-down.jpg"), 3))).extracting("width", "height").containsExactly(160, 90);
        for (int orientation : new int[] {5, 6, 7, 8}) {
            assertThat(examine(TestImages.quadrants(dir.resolve("turned-" + orientation + ".jpg"), orientation)))
                    .as("orientation " + orientation).extracting("width", "height").containsExactly(90, 160);
        }
    }

    @Test
    @DisplayName("the content decides the format, not the extension")
    void contentNotExtension() throws Exception {
        Path file = TestImages.bytes(dir.resolve("really-a-png.jpg"), TestImages.encode("png", 720, 1280, Color.BLUE));
        assertThat(examine(file).format()).isEqualTo(MediaFormat.PNG);
    }

    @Test
    @DisplayName("an image over MAX_IMAGE_PIXELS is refused from its header, with its size and the limit")
    void tooManyPixels() {
        Path bomb = TestImages.hugePng(dir.resolve("bomb.png"), 20_000, 20_000);
        assertThat(bomb.toFile().length()).isLessThan(5L * 1024 * 1024);
        assertThatThrownBy(() -> examine(bomb))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("Too large: 20000×20000, the limit is 50 MP")
                .matches(e -> ((InvalidImageException) e).tooLarge());
        assertThatThrownBy(() -> ImageInspector.examine(bomb, bomb.toFile().length(), Instant.EPOCH, 2_500_000))
                .hasMessage("Too large: 20000×20000, the limit is 2.5 MP");
    }

    @Test
    @DisplayName("WebP: lossy (VP8), lossless (VP8L) and extended (VP8X) headers")
    void webp() throws Exception {
        assertThat(examine(TestImages.webp(dir.resolve("x.webp"), 1080, 1920)))
                .extracting(ImageInspector.Examined::format, ImageInspector.Examined::width, ImageInspector.Examined::height)
                .containsExactly(MediaFormat.WEBP, 1080, 1920);

        ByteBuffer lossy = riff("VP8 ");
        lossy.position(20).put(new byte[] {0x10, 0x02, 0x00, (byte) 0x9D, 0x01, 0x2A}).putShort((short) 1080).putShort((short) 1920);
        assertThat(examine(TestImages.bytes(dir.resolve("lossy.webp"), lossy.array())).height()).isEqualTo(1920);

        ByteBuffer lossless = riff("VP8L");
        lossless.position(20).put((byte) 0x2F).putInt((720 - 1) | (1280 - 1) << 14);
        ImageInspector.Examined e = examine(TestImages.bytes(dir.resolve("lossless.webp"), lossless.array()));
        assertThat(e.width()).isEqualTo(720);
        assertThat(e.height()).isEqualTo(1280);
    }

    private static ByteBuffer riff(String chunk) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(56).put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put(chunk.getBytes(StandardCharsets.US_ASCII)).putInt(40);
        return b;
    }

    @Test
    @DisplayName("R32 warnings: low resolution and an aspect ratio outside 9:16…1.91")
    void warnings() throws Exception {
        assertThat(examine(TestImages.write(dir.resolve("tiny.png"), "png", 1, 1, Color.WHITE)).warnings())
                .containsExactly("Low resolution: 1x1. Minimum recommended: 720x1280");
        assertThat(examine(TestImages.write(dir.resolve("wide.jpg"), "jpg", 4000, 1000, Color.WHITE)).warnings())
                .containsExactly("Non-ideal aspect ratio: 4.00. Instagram prefers 9:16 (0.56)",
                        "Low resolution: 4000x1000. Minimum recommended: 720x1280");
        assertThat(ImageInspector.warnings(1440, 2560)).isEmpty();
        assertThat(ImageInspector.warnings(1910, 1000)).containsExactly("Low resolution: 1910x1000. Minimum recommended: 720x1280");
    }

    @Test
    @DisplayName("a JPEG cut short keeps its header but gets a warning")
    void truncated() throws Exception {
        byte[] full = TestImages.encode("jpg", 1080, 1920, Color.GREEN);
        Path cut = TestImages.bytes(dir.resolve("cut.jpg"), Arrays.copyOf(full, full.length - 100));
        assertThat(examine(cut).warnings()).singleElement().asString().contains("truncated");
    }

    @Test
    @DisplayName("errors: not an image, a corrupt JPEG, an empty file, a file over 100 MB")
    void errors() throws IOException {
        assertThatThrownBy(() -> examine(TestImages.text(dir.resolve("notes.jpg"), "hello")))
                .isInstanceOf(InvalidImageException.class).hasMessageStartingWith("Unsupported format");
        assertThatThrownBy(() -> examine(TestImages.corruptJpeg(dir.resolve("broken.jpg"))))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("Failed to open image: corrupt JPEG");
        assertThatThrownBy(() -> examine(TestImages.bytes(dir.resolve("empty.png"), new byte[0])))
                .isInstanceOf(InvalidImageException.class);
        Path huge = dir.resolve("huge.jpg");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(101L * 1024 * 1024); // sparse: costs no disk
        }
        assertThatThrownBy(() -> examine(huge)).isInstanceOf(InvalidImageException.class)
                .hasMessage("File too large: 101.0MB (max 100MB)");
    }
}
