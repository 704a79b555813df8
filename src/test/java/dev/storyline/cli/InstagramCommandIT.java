package dev.storyline.cli;

import dev.storyline.testing.FakeGraph;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code storyline instagram …} against a real database and the fake Graph API. */
class InstagramCommandIT {
    private static final String KEY = key();
    @TempDir
    static Path workDir;
    private static TestDatabase db;
    private static FakeGraph graph;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        graph = new FakeGraph();
        db.insertTenant(-8101, "CLI team", "approved", false);
    }

    @AfterAll
    static void stop() {
        graph.close();

    }

    private static String key() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static CliRun cli(String key, String... args) {
        JsonObject keys = new JsonObject().put("DATABASE_URL", db.url()).put("STORYLINE_DATA_DIR", workDir.toString())
                .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION)
                .put("FACEBOOK_APP_ID", "4242").put("FACEBOOK_APP_SECRET", "app-secret");
        if (key != null) {
            keys.put("ENCRYPTION_KEY", key);
        }
        return CliRun.run(workDir, keys, args);
    }

    @Test
    @DisplayName("connect verifies the token and stores it; status shows the account; refresh-token renews it; disconnect forgets it")
    void lifeCycle() {
        graph.account("17841400000000101", "clitest", "cli-token-0101", Instant.now().plus(Duration.ofDays(30)).getEpochSecond());
        CliRun bad = cli(KEY, "instagram", "connect", "--tenant", "-8101", "--account-id", "17841400000000101", "--token", "wrong-token");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("Not connected: Instagram said: Error validating access token").doesNotContain("Exception");
        CliRun unknown = cli(KEY, "instagram", "connect", "--tenant", "-8999", "--account-id", "1", "--token", "cli-token-0101");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown tenant -8999");

        CliRun connected = cli(KEY, "instagram", "connect", "--tenant", "-8101", "--account-id", "17841400000000101", "--token", "cli-token-0101");
        assertThat(connected.exit()).as(connected.err()).isZero();
        assertThat(connected.out()).contains("Connected @clitest (17841400000000101) to tenant -8101: token valid (29 days)")
                .doesNotContain("cli-token-0101");
        assertThat(db.column("SELECT service || ' ' || status FROM service_runs WHERE tenant_id = -8101")).contains("instagram.connect completed");

        CliRun status = cli(KEY, "instagram", "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("-8101").contains("@clitest").contains("token valid (29 days)");

        CliRun refreshed = cli(KEY, "instagram", "refresh-token", "--tenant", "-8101");
        assertThat(refreshed.exit()).as(refreshed.err()).isZero();
        assertThat(refreshed.out()).contains("token valid (59 days)");
        assertThat(graph.refreshes()).isEqualTo(1);

        CliRun wrongKey = cli(key(), "instagram", "status", "--tenant", "-8101");
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.out() + wrongKey.err()).contains("ENCRYPTION_KEY is not the key this token was stored with")
                .doesNotContain("Exception").doesNotContain("\tat ");
        CliRun noKey = cli(null, "instagram", "connect", "--tenant", "-8101", "--account-id", "17841400000000101", "--token", "cli-token-0101");
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err()).contains("ENCRYPTION_KEY is not set").contains("openssl rand -base64 32");

        assertThat(cli(KEY, "instagram", "disconnect", "--tenant", "-8101").exit()).isZero();
        assertThat(cli(KEY, "instagram", "status").out()).contains("No Instagram accounts are connected");
        assertThat(cli(KEY, "instagram", "disconnect", "--tenant", "-8101").exit()).isEqualTo(1);
    }
}
