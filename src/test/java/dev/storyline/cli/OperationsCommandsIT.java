package dev.storyline.cli;

import dev.storyline.backup.Backup;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import dev.storyline.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's commands against a real database: tenants, users, runs, telegram test, backup and restore. */
class OperationsCommandsIT {
    @TempDir
    static Path workDir;
    private static TestDatabase db;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        db.insertTenant(-8201, "Ops team", "pending", false);
        db.execute("INSERT INTO users (id, username, first_name) VALUES (8301, 'olga', 'Olga')");
    }

    private static CliRun cli(String... args) {
        return CliRun.against(db, workDir, args);
    }

    @Test
    @DisplayName("tenants approve, pause and resume change the row, are recorded, and refuse unknown tenants")
    void tenants() {
        CliRun approved = cli("tenants", "approve", "-8201");
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("Approved Ops team (-8201)");
        assertThat(cli("tenants", "approve", "-8201").err()).contains("approved already");
        assertThat(cli("tenants", "pause", "-8201").exit()).isZero();
        assertThat(db.column("SELECT is_paused FROM tenants WHERE id = -8201")).containsExactly(true);
        assertThat(cli("tenants", "resume", "-8201").exit()).isZero();
        assertThat(db.column("SELECT is_paused FROM tenants WHERE id = -8201")).containsExactly(false);
        assertThat(db.column("SELECT source FROM tenant_settings_history WHERE tenant_id = -8201")).contains("cli");
        CliRun unknown = cli("tenants", "pause", "-8999");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown tenant -8999");
        assertThat(cli("tenants", "pause").exit()).isEqualTo(2);

        CliRun runs = cli("runs", "list", "--service", "tenants.pause");
        assertThat(runs.exit()).isZero();
        assertThat(runs.out()).contains("tenants.pause").contains("-8201").contains("completed").contains("cli");
        assertThat(cli("runs", "list", "--status", "maybe").exit()).isEqualTo(2);
    }

    @Test
    @DisplayName("users promote an unknown user says they must talk to the bot first; a known one becomes admin; deactivate; list")
    void users() {
        CliRun unknown = cli("users", "promote", "@nobody");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("must talk to the bot first");
        CliRun promoted = cli("users", "promote", "@Olga");
        assertThat(promoted.exit()).as(promoted.err()).isZero();
        assertThat(promoted.out()).contains("@olga (8301) is a Storyline admin now");
        assertThat(db.column("SELECT role FROM users WHERE id = 8301")).containsExactly("admin");
        assertThat(cli("users", "deactivate", "8301").exit()).isZero();
        assertThat(db.column("SELECT role || ' ' || is_active FROM users WHERE id = 8301")).containsExactly("member false");
        CliRun list = cli("users", "list");
        assertThat(list.out()).contains("USER ID").contains("@olga").contains("no");
        assertThat(db.column("SELECT service FROM service_runs WHERE service LIKE 'users.%' AND inputs ->> 'user' = '8301' ORDER BY id"))
                .containsExactly("users.promote", "users.deactivate");
    }

    @Test
    @DisplayName("telegram test: getMe, then a test message to the admin chat")
    void telegramTest() {
        try (FakeTelegram fake = new FakeTelegram(TestConfig.TOKEN)) {
            CliRun run = CliRun.run(workDir, TestConfig.keys(db, workDir).put("TELEGRAM_API_BASE_URL", fake.baseUrl()), "telegram", "test");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("Bot: @" + FakeTelegram.BOT_USERNAME).contains("Sent a test message");
            assertThat(fake.textsIn(TestConfig.ADMIN_CHAT)).anyMatch(t -> t.contains("Test message from storyline telegram test"));
            assertThat(run.out() + run.err()).doesNotContain(TestConfig.TOKEN);
        }
    }

    @Test
    @DisplayName("backup, then restore into a fresh database: the same row counts and the same media files")
    void backupAndRestore() throws Exception {
        TestImages.write(workDir.resolve("media/-8201/a.jpg"), "jpg", 100, 200, Color.RED);
        TestImages.write(workDir.resolve("media/-8201/sub/b.png"), "png", 100, 200, Color.BLUE);
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type) "
                + "VALUES (-8201, ?, 'folder', 'h1', 10, 'image/jpeg')", workDir.resolve("media/-8201/a.jpg").toString());
        db.execute("INSERT INTO alerts (alert_key, message) VALUES ('k', 'm')");
        // a slot that ended left the queue (empty now); its history row keeps the id it had
        db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, slot_key, scheduled_for, outcome) "
                + "VALUES (-8201, 5000, 'ended', now(), 'posted')");
        Files.createDirectories(workDir.resolve("backups"));
        Files.writeString(workDir.resolve("backups/" + Backup.PREFIX + "20200101-000000.zip"), "old");

        CliRun backup = cli("backup");
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("verified").contains("Deleted old backup " + Backup.PREFIX + "20200101-000000.zip");
        Path file;
        try (Stream<Path> files = Files.list(workDir.resolve("backups"))) {
            file = files.filter(p -> p.getFileName().toString().endsWith(".zip")).findFirst().orElseThrow();
        }

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");

        TestDatabase fresh = TestDatabase.create();
        // a backup is input too: a manifest naming a column the schema lacks, or a folder outside the media roots, changes nothing
        Path hostileColumn = tampered(file, manifest -> manifest.getJsonObject("columns").getJsonArray("alerts")
                .add("message) FROM STDIN; DROP TABLE tenants; --"));
        CliRun refused = CliRun.against(fresh, workDir.resolve("other"), "restore", hostileColumn.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("names a column that table alerts does not have");
        Path hostileFolder = tampered(file, manifest -> manifest.getJsonArray("folders").getJsonObject(0)
                .put("path", workDir.resolve("etc-cron").toString()));
        CliRun outside = CliRun.against(fresh, workDir.resolve("other"), "restore", hostileFolder.toString());
        assertThat(outside.exit()).isEqualTo(1);
        assertThat(outside.err()).contains("which is no media folder");
        assertThat(Files.exists(workDir.resolve("etc-cron"))).isFalse();
        assertThat(fresh.count("SELECT count(*) FROM tenants")).isZero();

        Path restoredMedia = workDir.resolve("restored");
        CliRun restore = CliRun.against(fresh, workDir.resolve("other"), "restore", file.toString(), "--media-to", restoredMedia.toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        for (String table : Backup.TABLES) {
            assertThat(fresh.count("SELECT count(*) FROM " + table)).as(table).isEqualTo(db.count("SELECT count(*) FROM " + table));
        }
        assertThat(Files.readAllBytes(restoredMedia.resolve("0/-8201/a.jpg"))).isEqualTo(Files.readAllBytes(workDir.resolve("media/-8201/a.jpg")));
        assertThat(Files.readAllBytes(restoredMedia.resolve("0/-8201/sub/b.png")))
                .isEqualTo(Files.readAllBytes(workDir.resolve("media/-8201/sub/b.png")));
        fresh.execute("INSERT INTO alerts (alert_key, message) VALUES ('after', 'restore')"); // sequences continue after the restored ids
        assertThat(fresh.column("SELECT nextval(pg_get_serial_sequence('posting_queue', 'id'))").get(0))
                .as("a new slot never takes an id a history row holds").isEqualTo(5001L);

        CliRun again = CliRun.against(fresh, workDir.resolve("other"), "restore", file.toString(), "--media-to", restoredMedia.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("fresh database");
        assertThat(CliRun.against(fresh, workDir, "restore", "/no/such.zip").err()).contains("No such backup file");
    }

    @Test
    @DisplayName("locks list shows what rests and why; locks remove brings a rejected image back; users reactivate undoes deactivate; "
            + "each change is recorded")
    void undo() {
        db.insertTenant(-8202, "Undo team", "approved", false);
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, title) "
                + "VALUES (-8202, '/x/undo.jpg', 'folder', 'undo', 10, 'image/jpeg', 'Sunset')");
        long item = (Long) db.column("SELECT id FROM media_items WHERE tenant_id = -8202").get(0);
        db.execute("INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until) VALUES (-8202, ?, 'rejected', 'infinity')", item);

        CliRun list = cli("locks", "list", "--tenant", "-8202");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains(String.valueOf(item)).contains("Sunset").contains("rejected").contains("forever");
        CliRun removed = cli("locks", "remove", "--tenant", "-8202", "--item", String.valueOf(item));
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("Lifted the rejected lock");
        assertThat(db.count("SELECT count(*) FROM media_locks WHERE tenant_id = -8202")).isZero();
        CliRun again = cli("locks", "remove", "--tenant", "-8202", "--item", String.valueOf(item));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("is not locked");
        assertThat(cli("locks", "list", "--tenant", "-8202").out()).contains("No image of Undo team is locked");
        assertThat(cli("locks").exit()).isEqualTo(2);

        db.execute("INSERT INTO users (id, username, first_name, is_active) VALUES (8302, 'hana', 'Hana', false)");
        CliRun back = cli("users", "reactivate", "@hana");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).contains("may use Storyline again");
        assertThat(db.column("SELECT is_active FROM users WHERE id = 8302")).containsExactly(true);
        assertThat(db.column("SELECT service || ' ' || status FROM service_runs WHERE service IN ('locks.remove', 'users.reactivate') "
                + "ORDER BY id")).contains("locks.remove completed", "users.reactivate completed");
    }

    /** A copy of the backup with its manifest changed. */
    private static Path tampered(Path backup, java.util.function.Consumer<io.vertx.core.json.JsonObject> change) throws Exception {
        Path copy = backup.resolveSibling("tampered-" + System.nanoTime() + ".zip");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(backup));
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("manifest.json")) {
                    io.vertx.core.json.JsonObject manifest = new io.vertx.core.json.JsonObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                    change.accept(manifest);
                    bytes = manifest.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return copy;
    }

    @Test
    @DisplayName("the backup knows every table of the schema")
    void everyTable() {
        List<Object> tables = db.column("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() "
                + "AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'");
        assertThat(Backup.TABLES).containsExactlyInAnyOrderElementsOf(tables.stream().map(String::valueOf).toList());
    }
}
