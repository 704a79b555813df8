package dev.storyline.instagram;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Deleting the files a crash left in Storyline's own working folders (blocking: run it off the event loop). */
final class Leftovers {
    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

    private Leftovers() {
    }

    /** Regular files directly in {@code dir} last changed more than {@code age} ago (real time); how many went. */
    static int delete(Path dir, Duration age) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        FileTime before = FileTime.from(Instant.now().minus(age));
        List<Path> old;
        try (Stream<Path> files = Files.list(dir)) {
            old = files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(before) < 0;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
        int deleted = 0;
        for (Path file : old) {
            if (Files.deleteIfExists(file)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("Removed {} leftover file(s) from {}", deleted, dir);
        }
        return deleted;
    }
}
