package dev.storyline.media;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Walks a tenant's folder and says what changed since the library was last indexed (R19–R33), without
 * touching the database: blocking, run it on a worker. A file whose size and modification time match
 * its item is not read again; new and changed files are checked and hashed on {@code threads} threads.
 * Hidden files and folders, and the folder Telegram uploads are kept in, are left out of the walk.
 */
public final class FolderScanner {

    /** An item of the library as the database has it. */
    public record Known(long id, String path, String source, long size, Instant modifiedAt, String hash,
                       String category, Metadata metadata, boolean active) {
        boolean fromTelegram() {
            return MediaItem.SOURCE_TELEGRAM.equals(source);
        }
    }

    /** A new file, or a file whose content changed (then {@code known} is its item). */
    public record Fresh(Path path, String category, Metadata metadata, ImageInspector.Examined image, Known known) {
    }

    /** A file whose content is unchanged but whose metadata or category changed, or which came back. */
    public record Touched(Known known, String category, Metadata metadata) {
    }

    /** The outcome of a walk. */
    public record Scan(List<Fresh> fresh, List<Touched> touched, List<Known> gone, int unchanged, int skipped,
                       int errors, List<String> problems) {
    }

    /** Told how far a scan is; called from worker threads. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        default void total(int files) {
        }

        default void step(String file) {
        }
    }

    private record FileEntry(Path file, BasicFileAttributes attributes) {
    }

    private record Candidate(Path path, String category, long size, Instant modifiedAt, Metadata metadata) {
    }

    private final Path root;
    private final Path excluded;
    private final Map<String, Known> known;
    private final long maxPixels;
    private final List<String> problems = new ArrayList<>();
    private int skipped;
    private int errors;

    /**
     * @param root     the folder to walk
     * @param excluded a folder below it to leave out (Telegram uploads), or null
     * @param known    the tenant's items by absolute path
     * @param maxPixels larger images are refused ({@code MAX_IMAGE_PIXELS})
     */
    public FolderScanner(Path root, Path excluded, Map<String, Known> known, long maxPixels) {
        this.root = root.toAbsolutePath().normalize();
        this.excluded = excluded == null ? null : excluded.toAbsolutePath().normalize();
        this.known = known;
        this.maxPixels = maxPixels;
    }

    public Scan scan(int threads, Progress progress) throws IOException {
        List<Candidate> candidates = walk();
        candidates.sort(Comparator.comparing(c -> c.path().toString()));
        progress.total(candidates.size());
        List<Fresh> fresh = new ArrayList<>();
        List<Touched> touched = new ArrayList<>();
        List<Candidate> toExamine = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int unchanged = 0;
        for (Candidate c : candidates) {
            Known item = known.get(c.path().toString());
            if (item != null && item.size() == c.size() && c.modifiedAt().equals(item.modifiedAt())) {
                seen.add(item.path());
                Metadata metadata = item.fromTelegram() ? item.metadata() : c.metadata();
                String category = item.fromTelegram() ? item.category() : c.category();
                if (!item.active() || !metadata.sameAs(item.metadata()) || !Objects.equals(category, item.category())) {
                    touched.add(new Touched(item, category, metadata));
                } else {
                    unchanged++;
                }
                progress.step(c.path().toString());
            } else {
                toExamine.add(c);
            }
        }
        for (Examination e : examineAll(toExamine, threads, progress)) {
            if (e.image() != null) {
                Known item = known.get(e.candidate().path().toString());
                Metadata metadata = item != null && item.fromTelegram() ? item.metadata() : e.candidate().metadata();
                fresh.add(new Fresh(e.candidate().path(), e.candidate().category(), metadata, e.image(), item));
                seen.add(e.candidate().path().toString());
            } else {
                errors++;
                problems.add(shown(e.candidate().path()) + ": " + e.error());
            }
        }
        List<Known> gone = new ArrayList<>();
        for (Known item : known.values()) {
            Path path = Path.of(item.path());
            boolean inWalk = path.startsWith(root) && (excluded == null || !path.startsWith(excluded));
            if (item.active() && inWalk && !item.fromTelegram() && !seen.contains(item.path())) {
                gone.add(item);
            }
        }
        return new Scan(fresh, touched, gone, unchanged, skipped, errors, List.copyOf(problems));
    }

    /** Uploads live outside the walk: each is checked for its file alone (gone, or back). */
    public static List<Known> uploadsGone(Collection<Known> items) {
        return items.stream().filter(k -> k.fromTelegram() && k.active() && !Files.isRegularFile(Path.of(k.path()))).toList();
    }

    public static List<Known> uploadsBack(Collection<Known> items) {
        return items.stream().filter(k -> k.fromTelegram() && !k.active() && Files.isRegularFile(Path.of(k.path()))).toList();
    }

    /** Postgres keeps microseconds; file systems may keep nanoseconds. */
    public static Instant modifiedAt(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.MICROS);
    }

    private record Examination(Candidate candidate, ImageInspector.Examined image, String error) {
    }

    private List<Examination> examineAll(List<Candidate> candidates, int threads, Progress progress) throws IOException {
        if (candidates.isEmpty()) {
            return List.of();
        }
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, candidates.size())), r -> {
            Thread t = new Thread(r, "storyline-media-hash-" + names.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Examination>> futures = new ArrayList<>(candidates.size());
            for (Candidate c : candidates) {
                futures.add(pool.submit(() -> {
                    try {
                        return new Examination(c, ImageInspector.examine(c.path(), c.size(), c.modifiedAt(), maxPixels), null);
                    } catch (InvalidImageException e) {
                        return new Examination(c, null, e.getMessage());
                    } finally {
                        progress.step(c.path().toString());
                    }
                }));
            }
            List<Examination> results = new ArrayList<>(futures.size());
            for (Future<Examination> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("indexing was interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("indexing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Candidate> walk() throws IOException {
        List<Candidate> candidates = new ArrayList<>();
        Deque<MetadataFiles.Defaults> defaults = new ArrayDeque<>();
        Deque<MetadataFiles.Folder> folders = new ArrayDeque<>();
        Deque<List<FileEntry>> files = new ArrayDeque<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root) && (hidden(dir) || dir.equals(excluded))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path file = dir.resolve(MetadataFiles.FOLDER_FILE);
                MetadataFiles.Folder folder = Files.isRegularFile(file)
                        ? MetadataFiles.readFolder(file, shown(file), problem -> {
                            problems.add(problem);
                            errors++;
                        })
                        : MetadataFiles.Folder.NONE;
                MetadataFiles.Defaults parent = defaults.isEmpty() ? MetadataFiles.Defaults.NONE : defaults.peek();
                defaults.push(parent.under(folder.defaults()));
                folders.push(folder);
                files.push(new ArrayList<>());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !hidden(file)) {
                    files.peek().add(new FileEntry(file, attrs));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                errors++;
                problems.add(shown(file) + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                folder(files.pop(), folders.pop(), defaults.pop(), candidates);
                return FileVisitResult.CONTINUE;
            }
        });
        return candidates;
    }

    /** Sorts one folder's files into images (with their metadata), metadata files and the rest (skipped). */
    private void folder(List<FileEntry> entries, MetadataFiles.Folder folder, MetadataFiles.Defaults inherited, List<Candidate> out) {
        Set<String> imageBases = new HashSet<>();
        for (FileEntry entry : entries) {
            String name = entry.file().getFileName().toString();
            if (MediaFormat.byFileName(name).isPresent()) {
                imageBases.add(base(name));
            }
        }
        for (FileEntry entry : entries) {
            Path file = entry.file();
            BasicFileAttributes attrs = entry.attributes();
            String name = file.getFileName().toString();
            if (MediaFormat.byFileName(name).isEmpty()) {
                boolean metadata = name.equals(MetadataFiles.FOLDER_FILE) || name.endsWith(".json") && imageBases.contains(base(name));
                if (!metadata) {
                    skipped++;
                }
                continue;
            }
            Path sidecarFile = file.resolveSibling(base(name) + ".json");
            MetadataFiles.Entry sidecar = Files.isRegularFile(sidecarFile)
                    ? MetadataFiles.readSidecar(sidecarFile, shown(sidecarFile), problem -> {
                        problems.add(problem);
                        errors++;
                    })
                    : null;
            Metadata metadata = MetadataFiles.resolve(inherited, folder.items().get(name), sidecar);
            out.add(new Candidate(file.toAbsolutePath().normalize(), category(file), attrs.size(), modifiedAt(attrs), metadata));
        }
    }

    /** R31: the top-level folder below the root; none for files at the root. */
    private String category(Path file) {
        Path relative = root.relativize(file.toAbsolutePath().normalize());
        return relative.getNameCount() > 1 ? relative.getName(0).toString() : null;
    }

    private String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }

    private static boolean hidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }

    private static String base(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
