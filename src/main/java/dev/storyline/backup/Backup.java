package dev.storyline.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyline.app.Version;
import dev.storyline.db.ConnectionSettings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Backups without client tools (the embedded server is PostgreSQL 17; a system {@code pg_dump} is
 * often older and refuses it): every table is copied with {@code COPY … TO STDOUT} inside one
 * read-only REPEATABLE READ transaction (one consistent snapshot), and the media folders are added,
 * all in one compressed zip {@code storyline-backup-<UTC time>.zip} with a manifest of row counts.
 * The file is read back and checked after it is written; backups older than 30 days are deleted.
 * {@link #restore} loads one into an empty database at the same or a newer schema. Blocking.
 */
public final class Backup {
    /** Every table, parents before children (the restore order). A test checks none is missing. */
    public static final List<String> TABLES = List.of("tenants", "users", "tenant_members", "tenant_settings_history", "category_mix",
            "pending_inputs", "media_items", "media_locks", "posting_queue", "posting_history", "telegram_state", "interactions",
            "service_runs", "instagram_accounts", "alerts", "outbox_messages", "telegram_dead_letters", "instagram_token_drafts", "runway_warnings",
            "app_logins", "instagram_post_metrics",
            // D32: a cluster's state; the leases' epochs must only grow, so a restore keeps them (the leases themselves run out)
            "cluster_nodes", "tenant_leases", "cluster_leases");
    public static final Duration RETENTION = Duration.ofDays(30);
    public static final String PREFIX = "storyline-backup-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A folder of images archived under {@code entry} and restored to {@code path}. */
    public record Folder(String entry, Path path) {
    }

    /** What a backup holds. */
    public record Summary(Path file, long bytes, Map<String, Long> rows, long mediaFiles, List<Path> deleted) {
    }

    private Backup() {
    }

    /** Writes, verifies and rotates a backup; {@code progress} hears each step. */
    public static Summary write(ConnectionSettings db, List<Path> mediaFolders, Path backupDir, Clock clock, Consumer<String> progress)
            throws IOException, SQLException {
        Files.createDirectories(backupDir);
        ownerOnly(backupDir, "rwx------");
        Instant now = clock.instant();
        Path file = backupDir.resolve(PREFIX + STAMP.format(LocalDateTime.ofInstant(now, ZoneOffset.UTC)) + ".zip");
        Path partial = backupDir.resolve(file.getFileName() + ".partial");
        // a backup holds every team's data and the encrypted tokens: only the service user may read it
        Files.deleteIfExists(partial);
        Files.createFile(partial);
        ownerOnly(partial, "rw-------");
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        String schema;
        long mediaFiles = 0;
        List<Folder> folders = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out);
             Connection conn = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
            BackupRepository repo = new BackupRepository(conn);
            repo.snapshot();
            schema = repo.schemaVersion();
            for (String table : TABLES) {
                progress.accept("table " + table);
                List<String> cols = repo.columns(table);
                columns.put(table, cols);
                zip.putNextEntry(new ZipEntry("db/" + table + ".tsv"));
                CountingStream counting = new CountingStream(zip);
                repo.copyOut(table, cols, counting);
                zip.closeEntry();
                rows.put(table, counting.lines);
            }
            conn.commit();
            int index = 0;
            for (Path folder : mediaFolders) {
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                String entry = "media/" + index++;
                folders.add(new Folder(entry, folder.toAbsolutePath().normalize()));
                progress.accept("media " + folder);
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                        if (f.startsWith(backupDir)) {
                            continue;
                        }
                        zip.putNextEntry(new ZipEntry(entry + "/" + folder.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, zip);
                        zip.closeEntry();
                        mediaFiles++;
                    }
                }
            }
            ObjectNode manifest = JSON.createObjectNode().put("format", 1).put("storyline", Version.current()).put("schema", schema)
                    .put("createdAt", now.toString()).put("mediaFiles", mediaFiles);
            ObjectNode rowNode = manifest.putObject("rows");
            rows.forEach(rowNode::put);
            ObjectNode columnNode = manifest.putObject("columns");
            columns.forEach((t, c) -> columnNode.putArray(t).addAll(c.stream().map(JSON.getNodeFactory()::textNode).toList()));
            var folderNode = manifest.putArray("folders");
            folders.forEach(f -> folderNode.addObject().put("entry", f.entry()).put("path", f.path().toString()));
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            zip.closeEntry();
        } catch (IOException | SQLException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        progress.accept("verifying");
        verify(partial);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        List<Path> deleted = rotate(backupDir, now);
        return new Summary(file, Files.size(file), rows, mediaFiles, deleted);
    }

    /** Reads every entry back (the zip's CRCs) and compares each table's lines with the manifest. */
    public static Map<String, Long> verify(Path file) throws IOException {
        Map<String, Long> counted = new LinkedHashMap<>();
        byte[] manifest = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getName().equals("manifest.json")) {
                    manifest = zip.readAllBytes();
                } else if (entry.getName().startsWith("db/")) {
                    CountingStream lines = new CountingStream(OutputStream.nullOutputStream());
                    zip.transferTo(lines);
                    counted.put(entry.getName().substring(3, entry.getName().length() - 4), lines.lines);
                } else {
                    zip.transferTo(OutputStream.nullOutputStream());
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new IOException(file + " has no manifest.json: it is not a Storyline backup");
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        JSON.readTree(manifest).get("rows").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asLong()));
        if (!expected.equals(counted)) {
            throw new IOException(file + " does not match its manifest: rows " + counted + ", expected " + expected);
        }
        return expected;
    }

    /**
     * Loads a backup into a database that holds no tenants yet (the schema is migrated first by the
     * caller), then puts the media folders back where they were (or under {@code mediaTarget}). A backup
     * is input like any other: every table and column its manifest names must be the schema's, and a
     * folder goes back only inside {@code mediaRoots} or a tenant's own media folder from the backup.
     */
    public static Map<String, Long> restore(Path file, ConnectionSettings db, Path mediaTarget, List<Path> mediaRoots,
                                            Consumer<String> progress) throws IOException, SQLException {
        Map<String, Long> rows = verify(file);
        var manifest = JSON.readTree(readEntry(file, "manifest.json"));
        List<Path> folderTargets = new ArrayList<>();
        try (Connection conn = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
            BackupRepository repo = new BackupRepository(conn);
            checkColumns(manifest, repo);
            conn.setAutoCommit(false);
            if (repo.tenantCount() > 0) {
                throw new IOException("the database already holds tenants: restore into a fresh database (see docs/operations.md)");
            }
            // telegram_state and friends may hold rows written by a server that ran once: the backup replaces them
            repo.truncate(TABLES);
            for (String table : TABLES) {
                if (!manifest.get("columns").has(table)) {
                    continue;
                }
                progress.accept("table " + table);
                List<String> cols = new ArrayList<>();
                manifest.get("columns").get(table).forEach(c -> cols.add(c.asText()));
                repo.copyIn(table, cols, new ByteArrayInputStream(readEntry(file, "db/" + table + ".tsv")));
                if (cols.contains("id")) {
                    repo.resetSequence(table);
                }
            }
            repo.resetQueueSequence();
            List<Path> roots = new ArrayList<>(mediaRoots);
            roots.addAll(repo.tenantMediaDirs());
            for (var folder : manifest.path("folders")) {
                String entry = folder.path("entry").asText("");
                if (!entry.matches("media/[A-Za-z0-9_.-]+") || entry.contains("..")) {
                    throw new IOException("the backup's manifest names an unsafe media entry: " + entry);
                }
                Path target = (mediaTarget != null ? mediaTarget.resolve(entry.substring(6)) : Path.of(folder.path("path").asText("")))
                        .toAbsolutePath().normalize();
                if (mediaTarget == null && roots.stream().map(r -> r.toAbsolutePath().normalize()).noneMatch(target::startsWith)) {
                    throw new IOException("the backup would write media to " + target + ", which is no media folder of this "
                            + "installation or of a tenant in the backup; use --media-to DIR");
                }
                folderTargets.add(target);
            }
            conn.commit();
        }
        int i = 0;
        for (var folder : manifest.path("folders")) {
            String entry = folder.get("entry").asText() + "/";
            Path target = folderTargets.get(i++);
            progress.accept("media " + target);
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (e.getName().startsWith(entry) && !e.isDirectory()) {
                        Path out = target.resolve(e.getName().substring(entry.length())).normalize();
                        if (!out.startsWith(target)) {
                            throw new IOException("unsafe path in backup: " + e.getName());
                        }
                        Files.createDirectories(out.getParent());
                        Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return rows;
    }

    /** POSIX permissions where the file system has them (on others the folder's own rules apply). */
    private static void ownerOnly(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        }
    }

    /** Deletes this directory's backups older than {@link #RETENTION}. */
    static List<Path> rotate(Path backupDir, Instant now) throws IOException {
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> files = Files.list(backupDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().endsWith(".zip")).toList()) {
                String stamp = f.getFileName().toString().substring(PREFIX.length(), f.getFileName().toString().length() - 4);
                try {
                    Instant at = LocalDateTime.parse(stamp, STAMP).toInstant(ZoneOffset.UTC);
                    if (at.isBefore(now.minus(RETENTION))) {
                        Files.delete(f);
                        deleted.add(f);
                    }
                } catch (java.time.format.DateTimeParseException ignored) {
                    // not one of ours
                }
            }
        }
        return deleted;
    }

    private static byte[] readEntry(Path file, String name) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return zip.readAllBytes();
                }
            }
        }
        throw new IOException(file + " has no " + name);
    }

    /** Every table and column the manifest names is one of this schema's (they are put into SQL). */
    private static void checkColumns(com.fasterxml.jackson.databind.JsonNode manifest, BackupRepository repo) throws IOException, SQLException {
        var tables = manifest.path("columns");
        for (var it = tables.fieldNames(); it.hasNext(); ) {
            String table = it.next();
            if (!TABLES.contains(table)) {
                throw new IOException("the backup's manifest names a table Storyline does not have: " + table);
            }
            List<String> known = repo.columns(table);
            for (var column : tables.get(table)) {
                if (!known.contains(column.asText())) {
                    throw new IOException("the backup's manifest names a column that table " + table + " does not have: " + column.asText());
                }
            }
        }
    }

    /** Passes bytes on (without closing the target) and counts lines. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream target;
        long lines;

        CountingStream(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                lines++;
            }
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    lines++;
                }
            }
            target.write(b, off, len);
        }

        @Override
        public void close() {
            // the zip entry is closed by its owner
        }
    }
}
