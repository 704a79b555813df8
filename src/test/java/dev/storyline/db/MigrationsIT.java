package dev.storyline.db;

import dev.storyline.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema Flyway creates enforces what the rest of Storyline relies on. */
class MigrationsIT {
    private static final List<String> TENANT_OWNED = List.of("tenant_members", "tenant_settings_history", "pending_inputs",
            "media_items", "media_locks", "posting_queue", "posting_history", "interactions", "instagram_accounts", "instagram_post_metrics");
    private static TestDatabase db;

    @BeforeAll
    static void schema() {
        db = TestDatabase.create();
        db.insertTenant(-100L, "Team", "approved", false);
    }

    @Test
    @DisplayName("migrating is idempotent: a second run finds nothing to do")
    void idempotent() {
        assertThat(Migrations.migrate(db.settings())).isEqualTo("16");
        assertThat(Migrations.migrate(db.settings())).isEqualTo("16");
    }

    @Test
    @DisplayName("a schema with every shipped migration is known current from one query; a newer build or a failed migration runs Flyway")
    void cheapCheck() {
        assertThat(Migrations.newestShipped()).hasValue(16);
        assertThat(Migrations.upToDate(db.settings())).contains("16");
        TestDatabase fresh = TestDatabase.createEmpty();
        assertThat(Migrations.upToDate(fresh.settings())).as("no history yet").isEmpty();
        // the server's start asks on its lock's Vert.x connection, with the same answers
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (ServerLock current = ServerLock.acquire(vertx, db.settings(), "the test database", true);
             ServerLock empty = ServerLock.acquire(vertx, fresh.settings(), "a new database", true)) {
            assertThat(current.currentSchema()).contains("16");
            assertThat(empty.currentSchema()).as("no history yet").isEmpty();
            db.execute("UPDATE flyway_schema_history SET success = false WHERE version = '15'");
            assertThat(current.currentSchema()).as("a failed migration").isEmpty();
        } finally {
            db.execute("UPDATE flyway_schema_history SET success = true WHERE version = '15'");
            vertx.close().await();
        }
        // Flyway would refuse an applied migration whose checksum changed; a current schema is not validated again
        db.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        try {
            assertThat(Migrations.migrate(db.settings())).isEqualTo("16");
        } finally {
            db.execute("UPDATE flyway_schema_history SET checksum = checksum - 1 WHERE version = '1'");
        }
        db.execute("UPDATE flyway_schema_history SET success = false WHERE version = '15'");
        try {
            assertThat(Migrations.upToDate(db.settings())).as("a failed migration").isEmpty();
        } finally {
            db.execute("UPDATE flyway_schema_history SET success = true WHERE version = '15'");
        }
    }

    @Test
    @DisplayName("the server's pool ends any statement after 30 s (statement_timeout) and names itself")
    void statementTimeout() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.sqlclient.Pool pool = db.pool(vertx);
            io.vertx.sqlclient.Row row = pool.query("SELECT current_setting('statement_timeout') AS t, "
                    + "current_setting('application_name') AS a").execute().await().iterator().next();
            assertThat(row.getString("t")).isEqualTo("30s");
            assertThat(row.getString("a")).isEqualTo("storyline");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    @DisplayName("every table of the domain exists")
    void tables() {
        List<Object> tables = db.column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");

        assertThat(tables).contains("tenants", "tenant_settings_history", "users", "tenant_members", "media_items",
                "media_locks", "posting_queue", "posting_history", "telegram_state", "interactions", "service_runs",
                "instagram_accounts", "alerts");
    }

    @Test
    @DisplayName("tenant-owned tables carry tenant_id NOT NULL with a foreign key to tenants")
    void tenantOwnership() {
        for (String table : TENANT_OWNED) {
            assertThat(db.column("""
                    SELECT is_nullable FROM information_schema.columns
                     WHERE table_name = ? AND column_name = 'tenant_id'""", table)).as(table).containsExactly("NO");
            assertThat(db.count("""
                    SELECT count(*) FROM information_schema.referential_constraints rc
                      JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name
                     WHERE k.table_name = ? AND k.column_name = 'tenant_id'""", table)).as(table).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("every timestamp column is timestamptz")
    void timestamps() {
        assertThat(db.column("""
                SELECT table_name || '.' || column_name FROM information_schema.columns
                 WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'
                   AND table_name <> 'flyway_schema_history'""")).isEmpty();
    }

    @Test
    @DisplayName("posts per day must be 1-50 and hours 0-23")
    void rangeChecks() {
        assertThat(db.sqlStateOf("UPDATE tenants SET posts_per_day = 0 WHERE id = -100")).isEqualTo("23514");
        assertThat(db.sqlStateOf("UPDATE tenants SET posts_per_day = 51 WHERE id = -100")).isEqualTo("23514");
        assertThat(db.sqlStateOf("UPDATE tenants SET posting_hours_start = 24 WHERE id = -100")).isEqualTo("23514");
        assertThat(db.sqlStateOf("UPDATE tenants SET posting_hours_end = -1 WHERE id = -100")).isEqualTo("23514");
        assertThat(db.sqlStateOf("UPDATE tenants SET posts_per_day = 50, posting_hours_end = 0 WHERE id = -100")).isNull();
    }

    @Test
    @DisplayName("a slot key is planned once per tenant, and a queue item has at most one outcome")
    void idempotencyConstraints() {
        String slot = "INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at) VALUES (-100, '2026-11-22#0', now(), now())";
        assertThat(db.sqlStateOf(slot)).isNull();
        assertThat(db.sqlStateOf(slot)).isEqualTo("23505");

        String outcome = """
                INSERT INTO posting_history (tenant_id, queue_item_id, slot_key, scheduled_for, outcome)
                VALUES (-100, 77, '2026-11-22#0', now(), 'posted')""";
        assertThat(db.sqlStateOf(outcome)).isNull();
        assertThat(db.sqlStateOf(outcome)).isEqualTo("23505");
    }

    @Test
    @DisplayName("a row without a tenant is refused")
    void tenantRequired() {
        assertThat(db.sqlStateOf("""
                INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type)
                VALUES (NULL, '/a.jpg', 'folder', 'h', 1, 'image/jpeg')""")).isEqualTo("23502");
        assertThat(db.sqlStateOf("""
                INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type)
                VALUES (-999, '/a.jpg', 'folder', 'h', 1, 'image/jpeg')""")).isEqualTo("23503");
    }

    @Test
    @DisplayName("moving a tenant to a new chat id (supergroup migration) moves everything it owns in one statement")
    void chatMigrationCascades() {
        db.insertTenant(-200L, "Old group", "approved", false);
        db.execute("""
                INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type)
                VALUES (-200, '/m/a.jpg', 'folder', 'abc', 10, 'image/jpeg')""");
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at) VALUES (-200, 'k', now(), now())");

        db.execute("UPDATE tenants SET id = -1002000 WHERE id = -200");

        assertThat(db.count("SELECT count(*) FROM media_items WHERE tenant_id = -1002000")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -1002000")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM media_items WHERE tenant_id = -200")).isZero();
    }

    @Test
    @DisplayName("the indexes later queries need exist")
    void indexes() {
        assertThat(db.column("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"))
                .contains("tenants_active_idx", "posting_queue_due_idx", "media_items_eligible_idx",
                        "media_locks_item_idx", "posting_queue_claimed_idx", "posting_queue_notified_idx",
                        "posting_history_media_idx");
    }
}
