package dev.storyline.bench;

import dev.storyline.media.FolderScanner;
import dev.storyline.media.IndexSummary;
import dev.storyline.media.MediaIndexer;
import dev.storyline.media.MediaRoots;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Folder indexing speed (issue 4): a first index of N generated images of about 1 MB each, as a
 * ratio to {@code sha256sum} over the same files in the same run, and a re-index of the unchanged
 * library. Run with {@code scripts/bench.sh media [files]} (default 3000); figures go to docs/benchmarks.md.
 * {@code scripts/bench.sh media videos [files] [MB]} (issue 15, D29) does the same with MP4 videos
 * (default 100 of 50 MB): their boxes are walked and the index read besides the hash.
 *
 * <p>The files are valid JPEG headers (1080×1920) followed by random data, so no two share a hash
 * and nothing compresses; both contestants read them from a warm page cache.
 */
public final class MediaBench {
    private static final int FILE_BYTES = 1024 * 1024;

    private MediaBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean videos = args.length > 0 && args[0].equals("videos");
        int numbers = videos ? 1 : 0;
        int files = args.length > numbers ? Integer.parseInt(args[numbers]) : videos ? 100 : 3000;
        long bytes = videos ? (args.length > numbers + 1 ? Long.parseLong(args[numbers + 1]) : 50) * 1024 * 1024 : FILE_BYTES;
        dev.storyline.app.Logging.quiet();
        TestDatabase db = TestDatabase.create();
        Path dataDir = Files.createTempDirectory("storyline-media-bench");
        Path root = dataDir.resolve("media").resolve("-777");
        System.out.printf("Storyline media benchmark: Java %s, %d cores, %d %s of %d KB, database: %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), files, videos ? "MP4 videos" : "images", bytes / 1024,
                TestDatabase.serverKind());
        try {
            List<Path> written = videos ? videos(root, files, bytes) : generate(root, files);
            long warm = sha256sum(written); // first pass warms the page cache for both contestants
            long sha = sha256sum(written);
            long openssl = hash("openssl dgst -sha256", written); // for context: an implementation using the CPU's SHA instructions
            db.insertTenant(-777L, "Bench team", "approved", false);
            Vertx vertx = Vertx.vertx();
            Pool pool = db.pool(vertx);
            Tenant tenant = new TenantRepository(pool).findById(-777L).await().orElseThrow();
            MediaIndexer indexer = new MediaIndexer(vertx, pool, new MediaRoots(dataDir.resolve("media"), dataDir),
                    Clock.systemUTC(), MediaIndexer.defaultThreads());

            long start = System.nanoTime();
            IndexSummary first = indexer.index(tenant, null, Trigger.CLI, null, FolderScanner.Progress.NONE).await();
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            List<Long> again = new ArrayList<>();
            IndexSummary second = null;
            for (int i = 0; i < 5; i++) {
                start = System.nanoTime();
                second = indexer.index(tenant, null, Trigger.CLI, null, FolderScanner.Progress.NONE).await();
                again.add((System.nanoTime() - start) / 1_000_000);
            }
            System.out.printf("sha256sum (warm-up pass %d ms): %d ms; openssl dgst -sha256: %d ms%n", warm, sha, openssl);
            System.out.printf("first index: %d ms, %d added, %d errors (%.2fx sha256sum, target <= 2x)%n", firstMillis, first.added(),
                    first.errors(), (double) firstMillis / sha);
            System.out.printf("re-index of the unchanged library: %s ms, %d unchanged (target < 1000 ms)%n", again, second.unchanged());
            pool.close().await();
            vertx.close().await();
        } finally {
            try (Stream<Path> walk = Files.walk(dataDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** 30 s H.264 MP4s (index first, as phones and editors write them for streaming) of {@code bytes} each. */
    private static List<Path> videos(Path root, int count, long bytes) throws IOException {
        List<Path> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Path file = root.resolve("reels" + (i % 3)).resolve(String.format("clip-%04d.mp4", i));
            Files.createDirectories(file.getParent());
            paths.add(dev.storyline.testing.TestVideos.write(file, 30, 1080, 1920, i % 2 == 0 ? "avc1" : "hvc1", bytes - 2048, false));
        }
        return paths;
    }

    private static List<Path> generate(Path root, int count) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        List<Path> paths = new ArrayList<>(count);
        byte[] chunk = new byte[65533];
        for (int i = 0; i < count; i++) {
            Path file = root.resolve("cat" + (i % 10)).resolve(String.format("story-%05d.jpg", i));
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(new byte[] {(byte) 0xFF, (byte) 0xD8});
                int written = 2;
                while (written < FILE_BYTES - 70_000) { // APP1 segments of random bytes, as big EXIF blocks are
                    fill(random, chunk);
                    out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) 0xFF, (byte) 0xFF});
                    out.write(chunk);
                    written += 4 + chunk.length;
                }
                ByteBuffer sof = ByteBuffer.allocate(12).put(new byte[] {(byte) 0xFF, (byte) 0xC0, 0, 8, 8})
                        .putShort((short) 1920).putShort((short) 1080).put((byte) 1);
                out.write(sof.array(), 0, 10);
                out.write(new byte[] {(byte) 0xFF, (byte) 0xD9});
            }
            paths.add(file);
        }
        return paths;
    }

    private static void fill(SplittableRandom random, byte[] bytes) {
        for (int i = 0; i < bytes.length; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < bytes.length; j++) {
                bytes[i + j] = (byte) (value >>> (8 * j));
            }
        }
    }

    private static long sha256sum(List<Path> files) throws IOException, InterruptedException {
        return hash("sha256sum", files);
    }

    /** A hashing command over every file, through xargs (batches of 500), in ms. */
    private static long hash(String command, List<Path> files) throws IOException, InterruptedException {
        Path list = Files.createTempFile("bench-files", ".txt");
        Files.write(list, files.stream().map(Path::toString).toList());
        long start = System.nanoTime();
        Process process = new ProcessBuilder("sh", "-c", "xargs -n 500 " + command + " < '" + list + "' > /dev/null")
                .inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " failed");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Files.delete(list);
        return millis;
    }
}
