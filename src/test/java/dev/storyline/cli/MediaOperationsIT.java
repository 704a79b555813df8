package dev.storyline.cli;

import dev.storyline.app.Application;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Indexing from the outside: at start-up, from the admin API and from the CLI beside a running server. */
class MediaOperationsIT {
    private static final String TOKEN = "media-admin-token";
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static Application app;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        db.insertTenant(-5001L, "Folder team", "approved", false);
        TestImages.write(dataDir.resolve("media/-5001/a.jpg"), "jpg", 1080, 1920, Color.RED);
        TestImages.write(dataDir.resolve("media/-5001/sub/b.png"), "png", 1080, 1920, Color.BLUE);
        app = Application.start(TestConfig.parse(TestConfig.keys(db, dataDir).put("ADMIN_TOKEN", TOKEN)), Clock.systemUTC());
        // the start-up sweep took its list of tenants before this: tenants the tests add are theirs alone
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "SELECT count(*) FROM service_runs WHERE tenant_id = -5001 AND service = 'media.index' AND status = 'completed'") == 1);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static CliRun cli(String... args) {
        return CliRun.against(db, dataDir, args);
    }

    @Test
    @DisplayName("the server indexes every approved tenant's folder at start-up")
    void atStartup() {
        assertThat(db.count("SELECT count(*) FROM media_items WHERE tenant_id = -5001")).isEqualTo(2);
        assertThat(db.column("SELECT trigger FROM service_runs WHERE tenant_id = -5001 AND service = 'media.index'")).contains("startup");
    }

    @Test
    @DisplayName("POST /admin/tenants/{id}/media/index answers with the counters; bad requests get JSON errors")
    void adminRoute() {
        db.insertTenant(-5002L, "Admin team", "approved", false);
        TestImages.write(dataDir.resolve("media/-5002/one.jpg"), "jpg", 1080, 1920, Color.GREEN);
        TestImages.text(dataDir.resolve("media/-5002/readme.txt"), "hi");
        int port = app.httpPort();

        Http.Response ok = Http.post(port, "/admin/tenants/-5002/media/index", TOKEN, null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().getInteger("added")).isEqualTo(1);
        assertThat(ok.json().getInteger("skipped")).isEqualTo(1);
        assertThat(ok.json().getLong("libraryActive")).isEqualTo(1);
        assertThat(db.column("SELECT trigger FROM service_runs WHERE tenant_id = -5002 AND service = 'media.index'")).containsExactly("admin_api");

        Path elsewhere = TestImages.write(dataDir.resolve("elsewhere/two.jpg"), "jpg", 1080, 1920, Color.PINK).getParent();
        Http.Response dir = Http.post(port, "/admin/tenants/-5002/media/index", TOKEN, new JsonObject().put("dir", elsewhere.toString()).encode());
        assertThat(dir.json().getInteger("added")).isEqualTo(1);
        assertThat(dir.json().getString("root")).isEqualTo(elsewhere.toString());

        assertThat(Http.post(port, "/admin/tenants/-5002/media/index", null, null).status()).isEqualTo(401);
        Http.Response badId = Http.post(port, "/admin/tenants/abc/media/index", TOKEN, null);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().getString("error")).isEqualTo("invalid_input");
        Http.Response unknown = Http.post(port, "/admin/tenants/-5999/media/index", TOKEN, null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().getString("error")).isEqualTo("tenant_not_found");
        Http.Response missing = Http.post(port, "/admin/tenants/-5002/media/index", TOKEN, "{\"dir\": \"/no/such/folder\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().getString("message")).isEqualTo("Directory not found: /no/such/folder");
        assertThat(Http.post(port, "/admin/tenants/-5002/media/index", TOKEN, "[1,2]").status()).isEqualTo(400);
        assertThat(Http.post(port, "/admin/tenants/-5002/media/index", TOKEN, "{\"dir\": 7}").json().getString("message"))
                .isEqualTo("dir must be a folder path on the server");
        db.insertTenant(-5003L, "No folder team", "approved", false);
        assertThat(Http.post(port, "/admin/tenants/-5003/media/index", TOKEN, null).json().getString("message"))
                .contains("does not exist");
    }

    @Test
    @DisplayName("media index prints a progress bar and a summary table while serve runs; media list prints the library")
    void cliIndexAndList() {
        db.insertTenant(-5004L, "Cli team", "approved", false);
        TestImages.write(dataDir.resolve("media/-5004/x.jpg"), "jpg", 1080, 1920, Color.YELLOW);
        TestImages.write(dataDir.resolve("media/-5004/shop/y.gif"), "gif", 1, 1, Color.YELLOW);
        TestImages.text(dataDir.resolve("media/-5004/shop/y.json"), "{\"title\": \"Tiny gif\", \"tags\": [\"a\", \"b\", \"c\", \"d\"]}");

        CliRun index = cli("media", "index", "--tenant", "-5004");

        assertThat(index.exit()).as(index.err()).isZero();
        assertThat(index.err()).contains("Indexing Cli team").contains("100%").contains("2/2");
        assertThat(index.out()).contains("ADDED").contains("UNCHANGED").containsPattern("-5004 +\\S+ +2 +0 +0 +0 +0 +0 +0 +2 active");

        CliRun list = cli("media", "list", "--tenant", "-5004");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("Cli team (-5004)").contains("x.jpg").contains("Tiny gif").contains("shop")
                .contains("a, b, c +1").contains("1 warning").contains("Shown: 2 of 2 active");

        CliRun again = cli("media", "index", "--tenant", "-5004", "--no-progress");
        assertThat(again.err()).doesNotContain("Indexing");
        assertThat(again.out()).containsPattern("-5004 +\\S+ +0 +0 +2 ");
    }

    @Test
    @DisplayName("media index explains a missing folder, an unknown tenant and a --dir without --tenant")
    void cliErrors() {
        CliRun missing = cli("media", "index", "--tenant", "-5001", "--dir", dataDir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("Directory not found: " + dataDir.resolve("nope"));

        CliRun unknown = cli("media", "index", "--tenant", "-5999");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown tenant -5999: 'storyline tenants list' shows the chat ids.");

        CliRun noTenant = cli("media", "index", "--dir", dataDir.toString());
        assertThat(noTenant.exit()).isEqualTo(2);
        assertThat(noTenant.err()).contains("--dir needs --tenant");

        CliRun badLimit = cli("media", "list", "--limit", "0");
        assertThat(badLimit.exit()).isEqualTo(2);
    }

    @Test
    @DisplayName("tenants set-media-dir points a tenant at another folder, which the next index uses")
    void setMediaDir() {
        db.insertTenant(-5005L, "Moving team", "approved", false);
        Path folder = TestImages.write(dataDir.resolve("moved/m.jpg"), "jpg", 1080, 1920, Color.ORANGE).getParent();

        CliRun set = cli("tenants", "set-media-dir", "-5005", folder.toString());
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("now takes its images from " + folder);
        assertThat(db.column("SELECT new_value FROM tenant_settings_history WHERE tenant_id = -5005 AND setting = 'media_dir'"))
                .containsExactly(folder.toString());

        CliRun index = cli("media", "index", "--tenant", "-5005", "--no-progress");
        assertThat(index.out()).contains(folder.toString());
        assertThat(db.count("SELECT count(*) FROM media_items WHERE tenant_id = -5005")).isEqualTo(1);

        assertThat(cli("tenants", "set-media-dir", "-5005", dataDir.resolve("nope").toString()).exit()).isEqualTo(1);
        assertThat(cli("tenants", "set-media-dir", "-5999", folder.toString()).err()).contains("Unknown tenant -5999");
        assertThat(cli("tenants", "set-media-dir", "-5005").exit()).isEqualTo(2);
        CliRun reset = cli("tenants", "set-media-dir", "-5005", "--default");
        assertThat(reset.out()).contains(dataDir.resolve("media").resolve("-5005").toString());
    }
}
