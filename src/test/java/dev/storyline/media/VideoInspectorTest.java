package dev.storyline.media;

import dev.storyline.testing.TestVideos;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** D29: what a story video is, read from its boxes; what is refused and why. */
class VideoInspectorTest {
    @TempDir
    Path dir;

    private static ImageInspector.Examined examine(Path file) throws Exception {
        return ImageInspector.examine(file, Files.size(file), Instant.EPOCH, MediaRoots.DEFAULT_MAX_PIXELS);
    }

    @Test
    @DisplayName("an H.264 MP4 of 10 s and an HEVC MOV of 59.5 s: format, duration, dimensions, codec, SHA-256 of the whole file")
    void readable() throws Exception {
        ImageInspector.Examined mp4 = examine(TestVideos.mp4(dir.resolve("clip.mp4"), 10));
        assertThat(mp4.format()).isEqualTo(MediaFormat.MP4);
        assertThat(mp4.video()).isTrue();
        assertThat(mp4.durationMillis()).isEqualTo(10_000);
        assertThat(mp4.codec()).isEqualTo("H.264");
        assertThat(mp4.width()).isEqualTo(1080);
        assertThat(mp4.height()).isEqualTo(1920);
        assertThat(mp4.warnings()).isEmpty();
        assertThat(mp4.hash()).hasSize(64);

        ImageInspector.Examined mov = examine(TestVideos.write(dir.resolve("phone.mov"), 59.5, 720, 1280, "hvc1", 4096, true));
        assertThat(mov.format()).isEqualTo(MediaFormat.MOV);
        assertThat(mov.format().mimeType()).isEqualTo("video/quicktime");
        assertThat(mov.codec()).isEqualTo("HEVC");
        assertThat(mov.durationMillis()).isEqualTo(59_500);
        ImageInspector.Examined wide = examine(TestVideos.write(dir.resolve("thin.mp4"), 5, 480, 1920, "hev1", 4096, false));
        assertThat(wide.warnings()).anyMatch(w -> w.startsWith("Non-ideal aspect ratio"));
        ImageInspector.Examined large = examine(TestVideos.write(dir.resolve("large.mp4"), 20, 1080, 1920, "avc1", 51L * 1024 * 1024, false));
        assertThat(large.warnings()).containsExactly("Larger than 50 MB (51.0 MB): Telegram takes no bigger file from a bot, "
                + "so this video can only go to Instagram");
    }

    @Test
    @DisplayName("refused with the reason: 90 s, 2 s, MPEG-4 Part 2, over 100 MB, no index")
    void refused() throws Exception {
        assertThatThrownBy(() -> examine(TestVideos.mp4(dir.resolve("long.mp4"), 90)))
                .isInstanceOf(InvalidImageException.class).hasMessage("Too long: 90.0 s; a story video lasts 3–60 s");
        assertThatThrownBy(() -> examine(TestVideos.mp4(dir.resolve("short.mp4"), 2)))
                .hasMessage("Too short: 2.0 s; a story video lasts 3–60 s");
        assertThatThrownBy(() -> examine(TestVideos.write(dir.resolve("old.mp4"), 10, 1080, 1920, "mp4v", 1024, false)))
                .hasMessage("Unsupported video codec: mp4v; Instagram and Telegram need H.264 or HEVC");
        Path big = TestVideos.mp4(dir.resolve("big.mp4"), 10);
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(101L * 1024 * 1024); // sparse: no disk used
        }
        assertThatThrownBy(() -> examine(big)).hasMessageStartingWith("File too large: 101.0MB (max 100MB)");
        Path headless = dir.resolve("cut.mp4");
        Files.write(headless, Files.readAllBytes(TestVideos.mp4(dir.resolve("whole.mp4"), 10)));
        byte[] bytes = Files.readAllBytes(headless);
        int moov = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("moov");
        bytes[moov] = 'f'; // the index renamed away: "free"
        bytes[moov + 1] = 'r';
        bytes[moov + 2] = 'e';
        bytes[moov + 3] = 'e';
        Files.write(headless, bytes);
        assertThatThrownBy(() -> examine(headless)).hasMessage("Failed to open video: it has no index (moov box); was it cut off while recording?");
    }

    @Test
    @DisplayName("hostile boxes: a size past the end, a 4 GB index claim, garbage inside the index; refused, nothing huge allocated")
    void hostile() throws Exception {
        byte[] good = Files.readAllBytes(TestVideos.mp4(dir.resolve("good.mp4"), 10));
        int moov = new String(good, StandardCharsets.ISO_8859_1).indexOf("moov") - 4;

        byte[] past = good.clone();
        past[moov] = 0x7f; // the index claims 2 GB in a small file
        Files.write(dir.resolve("past.mp4"), past);
        assertThatThrownBy(() -> examine(dir.resolve("past.mp4"))).hasMessageStartingWith("Failed to open video: the moov box at byte")
                .hasMessageContaining("claims");

        byte[] garbage = good.clone();
        for (int i = moov + 8; i < moov + 200; i++) {
            garbage[i] = (byte) 0xff;
        }
        Files.write(dir.resolve("garbage.mp4"), garbage);
        assertThatThrownBy(() -> examine(dir.resolve("garbage.mp4"))).isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("Failed to open video:");
    }
}
