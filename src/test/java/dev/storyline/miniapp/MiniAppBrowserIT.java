package dev.storyline.miniapp;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Mini App in a real browser (D30): Debian's headless Chromium, driven by its chromedriver
 * through Selenium, opens {@code /app/} as Telegram would (the signed initData in the URL fragment;
 * Telegram's own script cannot load here, so the page must read the fragment itself), sees the week,
 * moves a slot, changes posts a day and finds the change in the chat's {@code /status}; a forged or
 * an expired sign-in sees the error screen. A screenshot of every page, light and dark, goes to
 * {@code target/screenshots/}.
 */
class MiniAppBrowserIT {
    static final long TEAM = -9401;
    static final String LIGHT = "{\"bg_color\":\"#ffffff\",\"text_color\":\"#000000\",\"hint_color\":\"#707579\",\"link_color\":\"#2481cc\","
            + "\"button_color\":\"#2481cc\",\"button_text_color\":\"#ffffff\",\"secondary_bg_color\":\"#f1f1f4\"}";
    static final String DARK = "{\"bg_color\":\"#17212b\",\"text_color\":\"#f5f5f5\",\"hint_color\":\"#708499\",\"link_color\":\"#6ab3f3\","
            + "\"button_color\":\"#5288c1\",\"button_text_color\":\"#ffffff\",\"secondary_bg_color\":\"#232e3c\"}";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static BotHarness bot;
    static WebDriver browser;
    static int port;
    static int loads;

    @BeforeAll
    static void start() throws IOException {
        bot = new BotHarness(dataDir, new JsonObject().put("PUBLIC_BASE_URL", "http://127.0.0.1:8080"));
        port = bot.app().httpPort();
        String[] categories = {"memes", "merch", "quotes"};
        for (int i = 0; i < 12; i++) {
            TestImages.write(dataDir.resolve("media/" + TEAM + "/" + categories[i % 3] + "/story-" + i + ".jpg"), "jpg", 1080, 1920,
                    Color.getHSBColor(i / 12f, 0.6f, 0.9f));
        }
        JsonObject team = bot.approvedGroup(TEAM, "Browser team");
        bot.fake.userSends(team, MEMBER, "hello");
        bot.fake.userSends(team, ADMIN_OF_GROUP, "hello");
        EventBusClient bus = new EventBusClient(bot.app().vertx());
        bus.indexMedia(new MediaIndexRequest(TEAM, null, Trigger.CLI, null)).await();
        bus.plan(TEAM, null, Trigger.CLI).await();
        await().atMost(Duration.ofSeconds(20)).until(() -> bot.db.count("SELECT count(*) FROM tenant_members WHERE tenant_id = ?", TEAM) >= 2);
        // a past fortnight for the history and the charts: who posted what, some skipped, one expired
        String[] outcomes = {"posted", "posted", "skipped", "posted", "expired", "posted", "posted", "rejected", "posted", "posted"};
        for (int i = 0; i < outcomes.length; i++) {
            Instant at = bot.clock.instant().minus(Duration.ofDays(14 - i)).minus(Duration.ofHours(3));
            bot.db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, "
                    + "acted_by, notified_at, completed_at) SELECT ?, ?, (SELECT id FROM media_items WHERE tenant_id = ? ORDER BY id OFFSET ? LIMIT 1), "
                    + "?, ?, ?, 'telegram', ?, ?, ?", TEAM, 900_000 + i, TEAM, i % 12, "past-" + i, OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
                    outcomes[i], outcomes[i].equals("expired") ? null : (i % 3 == 0 ? MEMBER.id() : ADMIN_OF_GROUP.id()),
                    OffsetDateTime.ofInstant(at, ZoneOffset.UTC), OffsetDateTime.ofInstant(at.plus(Duration.ofMinutes(5 + 7L * i)), ZoneOffset.UTC));
        }
        Files.createDirectories(SCREENSHOTS);
        browser = chromium(profile);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        bot.close();
    }

    /** Debian's chromium, headless, 360 px wide, every host but this one unresolvable (the machine has no internet, and needs none). */
    static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=500,900",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        // a phone's viewport: desktop Chrome windows are never narrower than 500 px
        options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
                java.util.Map.of("width", 360, "height", 780, "pixelRatio", 1.0, "touch", true, "mobile", true)));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    private static String firstExisting(String... paths) {
        for (String path : paths) {
            if (Files.isExecutable(Path.of(path))) {
                return path;
            }
        }
        throw new IllegalStateException("Chromium and chromedriver are needed for the browser tests: scripts/test.sh installs them "
                + "(apt-get install chromium chromium-driver); none of " + List.of(paths) + " is there");
    }

    static String open(FakeTelegram.Person who, Instant signedAt, String theme, String page) {
        String initData = MiniAppApiIT.initData(who, signedAt);
        // a new query each time: a URL that differs only in its fragment would not load the page again
        return "http://127.0.0.1:" + port + "/app/?tenant=" + TEAM + (page == null ? "" : "&page=" + page) + "&load=" + (++loads)
                + "#tgWebAppData=" + URLEncoder.encode(initData, StandardCharsets.UTF_8) + "&tgWebAppVersion=7.10&tgWebAppPlatform=web"
                + "&tgWebAppThemeParams=" + URLEncoder.encode(theme, StandardCharsets.UTF_8);
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    static void ready(String page) {
        waiting().until(d -> page.equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    }

    static void screenshot(String name) throws IOException {
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @DisplayName("an admin sees this week's slots, moves one with the time picker, changes posts a day, and /status in the chat says so")
    void planAndSettings() {
        browser.get(open(ADMIN_OF_GROUP, bot.clock.instant(), LIGHT, null));
        ready("plan");
        JsonObject plan = MiniAppApiIT.call(port, "GET", "/app/api/tenants/" + TEAM + "/plan",
                "tma " + MiniAppApiIT.initData(ADMIN_OF_GROUP, bot.clock.instant()), null).json();
        List<WebElement> slots = browser.findElements(By.cssSelector(".slot"));
        assertThat(slots).hasSize(plan.getJsonArray("slots").size()).isNotEmpty();
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("Browser team");
        assertThat(slots.get(0).findElement(By.cssSelector("img.thumb")).getDomAttribute("src")).startsWith("/app/thumbs/" + TEAM + "/");
        waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('.slot img.thumb'); return i.complete && i.naturalWidth === 320;"));

        WebElement slot = slots.get(slots.size() - 1);
        long slotId = Long.parseLong(slot.getDomAttribute("data-slot-id"));
        ZoneId zone = ZoneId.of(plan.getJsonObject("tenant").getString("timezone"));
        int start = plan.getJsonObject("tenant").getInteger("hoursStart");
        String target = LocalDateTime.ofInstant(bot.clock.instant(), zone).toLocalDate().plusDays(2) + "T" + String.format("%02d", start) + ":10";
        slot.findElement(By.cssSelector("button.move")).click();
        WebElement when = waiting().until(d -> d.findElement(By.cssSelector(".slot[data-slot-id='" + slotId + "'] input.when")));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", when, target);
        browser.findElement(By.cssSelector(".slot[data-slot-id='" + slotId + "'] button.save")).click();
        waiting().until(d -> d.findElement(By.id("toast")).getText().startsWith("Moved to"));
        Instant expected = LocalDateTime.parse(target).atZone(zone).toInstant();
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ? AND scheduled_for = ?",
                slotId, OffsetDateTime.ofInstant(expected, ZoneOffset.UTC)) == 1);

        browser.findElement(By.cssSelector("#tabs button[data-page='settings']")).click();
        ready("settings");
        WebElement posts = browser.findElement(By.id("posts-per-day"));
        posts.clear();
        posts.sendKeys("2");
        browser.findElement(By.id("save-settings")).click();
        waiting().until(d -> "Saved".equals(d.findElement(By.id("toast")).getText()));
        assertThat(bot.db.column("SELECT new_value FROM tenant_settings_history WHERE tenant_id = ? AND source = 'app' AND setting = 'posts_per_day'",
                TEAM)).containsExactly("2");
        bot.fake.userSends(FakeTelegram.group(TEAM, "Browser team"), MEMBER, "/status");
        assertThat(bot.awaitMessage(TEAM, t -> t.startsWith("📊")).getString("text")).contains("Schedule: 2 per day");
    }

    @Test
    @DisplayName("a member's settings are read-only, and a member's skip is refused with the chat's words")
    void memberReadsOnly() {
        browser.get(open(MEMBER, bot.clock.instant(), LIGHT, "settings"));
        ready("settings");
        assertThat(browser.findElement(By.id("posts-per-day")).isEnabled()).isFalse();
        assertThat(browser.findElements(By.id("save-settings"))).isEmpty();
        assertThat(browser.findElement(By.id("page-settings")).getText()).contains("Only chat administrators can change settings.");
    }

    @Test
    @DisplayName("a forged and an expired sign-in see the error screen with the reason")
    void refused() {
        String forged = open(ADMIN_OF_GROUP, bot.clock.instant(), LIGHT, null).replace("Ada", "Eve");
        browser.get(forged);
        waiting().until(d -> d.findElement(By.id("error")).isDisplayed());
        assertThat(browser.findElement(By.id("error-text")).getText()).contains("not signed by this bot");
        assertThat(browser.findElement(By.id("tabs")).isDisplayed()).isFalse();

        browser.get(open(ADMIN_OF_GROUP, bot.clock.instant().minus(Duration.ofDays(2)), LIGHT, null));
        waiting().until(d -> d.findElement(By.id("error")).isDisplayed() && d.findElement(By.id("error-text")).getText().contains("expired"));
    }

    @Test
    @DisplayName("every page renders at 360 px in light and dark, without console errors from the page's own code")
    void screenshots() throws IOException {
        // a published story with its Instagram figures (D31), for the Stats page's reach chart and table
        if (bot.db.count("SELECT count(*) FROM posting_history WHERE instagram_media_id = 'IGSHOT'") == 0) {
            bot.db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, "
                    + "completed_at, instagram_media_id) SELECT tenant_id, 987655, id, 'ig-shot', now(), 'posted', 'instagram', now(), 'IGSHOT' "
                    + "FROM media_items WHERE tenant_id = ? ORDER BY id LIMIT 1", TEAM);
            bot.db.execute("INSERT INTO instagram_post_metrics (tenant_id, history_id, instagram_media_id, taken_at, age_minutes, reach, "
                    + "replies, taps_forward, exits) SELECT tenant_id, id, instagram_media_id, now(), 120, 4321, 3, 88, 12 "
                    + "FROM posting_history WHERE instagram_media_id = 'IGSHOT'");
        }
        for (String theme : List.of("light", "dark")) {
            for (String page : List.of("plan", "library", "history", "stats", "settings")) {
                browser.get(open(ADMIN_OF_GROUP, bot.clock.instant(), theme.equals("light") ? LIGHT : DARK, page));
                ready(page);
                Object width = ((JavascriptExecutor) browser).executeScript(
                        "return [document.documentElement.scrollWidth, window.innerWidth];");
                assertThat(String.valueOf(width)).as(page + " fits 360 px without scrolling sideways").isEqualTo("[360, 360]");
                String background = (String) ((JavascriptExecutor) browser).executeScript(
                        "return getComputedStyle(document.body).backgroundColor;");
                assertThat(background).isEqualTo(theme.equals("light") ? "rgb(255, 255, 255)" : "rgb(23, 33, 43)");
                if (page.equals("stats")) {
                    assertThat(browser.findElement(By.id("instagram-stats")).getText()).contains("Instagram reach, 30 days").contains("4321")
                            .contains("88");
                }
                screenshot(page + "-" + theme);
            }
        }
        assertThat(SCREENSHOTS.resolve("plan-light.png")).exists();
    }
}
