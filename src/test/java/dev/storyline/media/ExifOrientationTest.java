package dev.storyline.media;

import dev.storyline.testing.TestImages;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ExifOrientationTest {
    @TempDir
    Path dir;

    /** {@code jpeg} with {@code count} APP2 segments of about 60 KB of noise put right after its JFIF APP0. */
    private Path withJunkFirst(Path jpeg, int count) throws Exception {
        byte[] bytes = Files.readAllBytes(jpeg);
        int afterApp0 = 4 + ((bytes[4] & 0xFF) << 8 | bytes[5] & 0xFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, afterApp0);
        byte[] junk = new byte[60_000];
        Arrays.fill(junk, (byte) 0x5A);
        for (int i = 0; i < count; i++) {
            out.write(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) ((junk.length + 2) >> 8), (byte) (junk.length + 2)});
            out.write(junk);
        }
        out.write(bytes, afterApp0, bytes.length - afterApp0);
        return Files.write(dir.resolve("junk-" + count + "-" + jpeg.getFileName()), out.toByteArray());
    }

    @Test
    @DisplayName("the orientation is read from the EXIF block at the head of a JPEG; anything else is as stored")
    void readsTheTag() throws Exception {
        for (int orientation = 1; orientation <= 8; orientation++) {
            assertThat(ExifOrientation.of(TestImages.quadrants(dir.resolve(orientation + ".jpg"), orientation))).isEqualTo(orientation);
        }
        assertThat(ExifOrientation.of(TestImages.quadrants(dir.resolve("none.jpg"), 0))).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(TestImages.write(dir.resolve("a.png"), "png", 10, 10, Color.RED))).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(dir.resolve("missing.jpg"))).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(withJunkFirst(TestImages.quadrants(dir.resolve("late.jpg"), 6), 1))).as("after 60 KB of other tags")
                .isEqualTo(6);
    }

    @Test
    @DisplayName("a hostile file is read no further than its first 128 KB: broken, cut or buried tags leave it as stored")
    void hostileFiles() throws Exception {
        Path turned = TestImages.quadrants(dir.resolve("turned.jpg"), 6);
        // 100 segments of 60 KB (6 MB of tags) before the EXIF block: not looked for past the head
        assertThat(ExifOrientation.of(withJunkFirst(turned, 100))).isEqualTo(ExifOrientation.NORMAL);

        byte[] bytes = Files.readAllBytes(turned);
        int exif = indexOf(bytes, "Exif".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] cut = Arrays.copyOf(bytes, exif + 12);
        assertThat(ExifOrientation.of(Files.write(dir.resolve("cut.jpg"), cut))).isEqualTo(ExifOrientation.NORMAL);

        byte[] broken = bytes.clone();
        Arrays.fill(broken, exif + 6, exif + 20, (byte) 0xFF); // the TIFF header and the entry count: noise
        assertThat(ExifOrientation.of(Files.write(dir.resolve("broken.jpg"), broken))).isEqualTo(ExifOrientation.NORMAL);

        byte[] wrongLength = bytes.clone();
        wrongLength[exif - 2] = (byte) 0xFF; // the APP1 claims 65 KB, past the file's end
        assertThat(ExifOrientation.of(Files.write(dir.resolve("long.jpg"), wrongLength))).isEqualTo(ExifOrientation.NORMAL);
    }

    private static int indexOf(byte[] bytes, byte[] what) {
        for (int i = 0; i + what.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
