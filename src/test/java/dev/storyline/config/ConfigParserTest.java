package dev.storyline.config;

import dev.storyline.config.AppConfig.ExternalDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigParserTest {
    @TempDir
    Path dir;

    private JsonObject minimal() {
        return new JsonObject()
                .put("TELEGRAM_BOT_TOKEN", "123456:ABC-def_ghi")
                .put("ADMIN_TELEGRAM_CHAT_ID", "-1001234567890")
                .put("STORYLINE_DATA_DIR", dir.resolve("data").toString());
    }

    @Test
    @DisplayName("a token and an admin chat are enough: everything else has a working default, and the embedded database is chosen")
    void defaults() {
        AppConfig config = ConfigParser.parse(minimal(), ConfigParser.Purpose.SERVE);

        assertThat(config.database().embedded()).isTrue();
        assertThat(config.paths().embeddedDatabaseDir()).isEqualTo(dir.resolve("data/pg"));
        assertThat(config.paths().mediaDir()).isEqualTo(dir.resolve("data/media"));
        assertThat(config.paths().backupDir()).isEqualTo(dir.resolve("data/backups"));
        assertThat(config.telegram().adminChatId()).contains(-1001234567890L);
        assertThat(config.telegram().registration()).isEqualTo(AppConfig.Registration.APPROVAL);
        assertThat(config.tenantDefaults()).isEqualTo(new AppConfig.TenantDefaults(false, false, 3, 9, 21, ZoneId.of("UTC")));
        assertThat(config.orchestrator().heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.orchestrator().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().adminEnabled()).isFalse();
        assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();
    }

    @Test
    @DisplayName("every problem is reported at once, each naming its key")
    void everyErrorAtOnce() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        JsonObject keys = new JsonObject()
                .put("POSTS_PER_DAY", "lots")
                .put("POSTING_HOURS_START", "25")
                .put("POSTING_TIMEZONE", "Mars/Olympus")
                .put("HTTP_PORT", "70000")
                .put("TENANT_REGISTRATION", "maybe")
                .put("DRY_RUN_MODE", "perhaps")
                .put("STORYLINE_DATA_DIR", notADirectory.resolve("sub").toString())
                .put("ENCRYPTION_KEY", "too-short")
                .put("TELEGRAM_API_BASE_URL", "ftp://nope");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigParser.parse(keys, ConfigParser.Purpose.SERVE));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("TELEGRAM_BOT_TOKEN is required"))
                .anySatisfy(p -> assertThat(p).startsWith("ADMIN_TELEGRAM_CHAT_ID is required"))
                .anySatisfy(p -> assertThat(p).isEqualTo("POSTS_PER_DAY must be a whole number between 1 and 50, not 'lots'"))
                .anySatisfy(p -> assertThat(p).isEqualTo("POSTING_HOURS_START must be between 0 and 23, not 25"))
                .anySatisfy(p -> assertThat(p).startsWith("POSTING_TIMEZONE is not a known IANA time zone"))
                .anySatisfy(p -> assertThat(p).isEqualTo("HTTP_PORT must be between 0 and 65535, not 70000"))
                .anySatisfy(p -> assertThat(p).startsWith("TENANT_REGISTRATION must be approval, open or closed"))
                .anySatisfy(p -> assertThat(p).startsWith("DRY_RUN_MODE must be true or false"))
                .anySatisfy(p -> assertThat(p).startsWith("STORYLINE_DATA_DIR cannot create directory"))
                .anySatisfy(p -> assertThat(p).contains("ENCRYPTION_KEY").contains("openssl rand -base64 32"))
                .anySatisfy(p -> assertThat(p).startsWith("TELEGRAM_API_BASE_URL must be an http(s) URL"));
        assertThat(e.problems()).hasSize(11);
    }

    @Test
    @DisplayName("cluster mode (D32) refuses the embedded database and, off loopback, an event bus without TLS; with all it is parsed")
    void cluster() throws IOException {
        ConfigException embedded = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(minimal()
                .put("CLUSTER_ENABLED", "true"), ConfigParser.Purpose.SERVE));
        assertThat(embedded.problems()).singleElement().asString().startsWith("CLUSTER_ENABLED needs an external database");

        JsonObject external = minimal().put("CLUSTER_ENABLED", "true").put("DATABASE_URL", "postgresql://u:p@db.internal:5432/storyline");
        ConfigException open = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(external.copy()
                .put("CLUSTER_HOST", "10.0.0.5"), ConfigParser.Purpose.SERVE));
        assertThat(open.problems()).singleElement().asString().startsWith("CLUSTER_TLS_CERT is required when CLUSTER_HOST (10.0.0.5)");
        ConfigException half = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(external.copy()
                .put("CLUSTER_TLS_CERT", "/etc/storyline/node.pem"), ConfigParser.Purpose.SERVE));
        assertThat(half.problems()).singleElement().asString().contains("go together");
        ConfigException members = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(external.copy()
                .put("CLUSTER_MEMBERS", "10.0.0.6:5701, nonsense"), ConfigParser.Purpose.SERVE));
        assertThat(members.problems()).singleElement().asString().contains("host:port pairs").contains("nonsense");

        Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
        Path key = Files.writeString(dir.resolve("node.key"), "key");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        AppConfig config = ConfigParser.parse(external.copy().put("CLUSTER_HOST", "10.0.0.5").put("CLUSTER_PORT", "6701")
                .put("CLUSTER_MEMBERS", "10.0.0.6:6701,10.0.0.7:6701").put("CLUSTER_TLS_CERT", cert.toString())
                .put("CLUSTER_TLS_KEY", key.toString()).put("CLUSTER_TLS_CA", ca.toString()), ConfigParser.Purpose.SERVE);
        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.cluster().members()).containsExactly("10.0.0.6:6701", "10.0.0.7:6701");
        assertThat(config.cluster().eventBusPort()).isEqualTo(6702);
        assertThat(config.cluster().publicHost()).isEqualTo("10.0.0.5");
        assertThat(config.cluster().tls()).isPresent();
        assertThat(config.cluster().renewEvery()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(ConfigParser.parse(minimal(), ConfigParser.Purpose.SERVE).cluster().enabled()).as("off by default").isFalse();
    }

    @Test
    @DisplayName("a malformed token is refused without echoing it")
    void tokenNotEchoed() {
        JsonObject keys = minimal().put("TELEGRAM_BOT_TOKEN", "secret-value-with-a-typo");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(keys, ConfigParser.Purpose.SERVE));

        assertThat(e.problems()).singleElement().asString().startsWith("TELEGRAM_BOT_TOKEN does not look like");
        assertThat(e.getMessage()).doesNotContain("secret-value-with-a-typo");
    }

    @Test
    @DisplayName("commands that only need the database do not require Telegram settings")
    void databasePurpose() {
        JsonObject keys = new JsonObject().put("STORYLINE_DATA_DIR", dir.toString());

        assertThat(ConfigParser.parse(keys, ConfigParser.Purpose.DATABASE).telegram().botToken().isPresent()).isFalse();
        assertThatThrownBy(() -> ConfigParser.parse(keys, ConfigParser.Purpose.SERVE)).isInstanceOf(ConfigException.class);
    }

    @Test
    @DisplayName("DATABASE_URL selects an external server; postgres:// and sslmode are understood; the password is decoded")
    void databaseUrl() {
        AppConfig config = ConfigParser.parse(minimal()
                .put("DATABASE_URL", "postgres://story%40line:p%3Ass@db.example:6543/stories?sslmode=require"), ConfigParser.Purpose.SERVE);

        ExternalDatabase db = config.database().external().orElseThrow();
        assertThat(db.host()).isEqualTo("db.example");
        assertThat(db.port()).isEqualTo(6543);
        assertThat(db.database()).isEqualTo("stories");
        assertThat(db.user()).isEqualTo("story@line");
        assertThat(db.password().reveal()).isEqualTo("p:ss");
        assertThat(db.sslMode()).isEqualTo("require");
        assertThat(db.toString()).doesNotContain("p:ss");
    }

    @Test
    @DisplayName("DB_* select an external server when DATABASE_URL is empty")
    void dbKeys() {
        AppConfig config = ConfigParser.parse(minimal().put("DB_HOST", "pg.local").put("DB_PASSWORD", "pw"), ConfigParser.Purpose.SERVE);

        ExternalDatabase db = config.database().external().orElseThrow();
        assertThat(db).extracting(ExternalDatabase::host, ExternalDatabase::port, ExternalDatabase::database, ExternalDatabase::user)
                .containsExactly("pg.local", 5432, "storyline", "storyline");
    }

    @Test
    @DisplayName("a DATABASE_URL that is not a postgresql URL is an error naming the key")
    void badDatabaseUrl() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigParser.parse(minimal().put("DATABASE_URL", "mysql://x@y/z"), ConfigParser.Purpose.SERVE));

        assertThat(e.problems()).containsExactly("DATABASE_URL must look like postgresql://user:password@host:5432/database");
    }

    @Test
    @DisplayName("a heartbeat timeout not longer than the heartbeat is refused")
    void heartbeatTimeout() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(
                minimal().put("HEARTBEAT_SECONDS", 30).put("HEARTBEAT_TIMEOUT_SECONDS", 30), ConfigParser.Purpose.SERVE));

        assertThat(e.problems()).containsExactly("HEARTBEAT_TIMEOUT_SECONDS must be greater than HEARTBEAT_SECONDS (30)");
    }

    @Test
    @DisplayName("unknown keys (the whole environment is a source) are ignored, and numbers from JSON files are accepted")
    void unknownKeysAndJsonNumbers() {
        AppConfig config = ConfigParser.parse(minimal().put("PATH", "/usr/bin").put("SOMETHING_ELSE", 1).put("POSTS_PER_DAY", 5),
                ConfigParser.Purpose.SERVE);

        assertThat(config.tenantDefaults().postsPerDay()).isEqualTo(5);
    }

    @Test
    @DisplayName("printing the configuration never shows a secret")
    void secretsHidden() {
        AppConfig config = ConfigParser.parse(minimal().put("ADMIN_TOKEN", "admin-secret")
                .put("DB_HOST", "h").put("DB_PASSWORD", "db-secret"), ConfigParser.Purpose.SERVE);

        assertThat(config.toString()).doesNotContain("admin-secret", "db-secret", "123456:ABC-def_ghi");
    }
}
