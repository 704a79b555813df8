package dev.storyline.bench;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.miniapp.InitData;
import dev.storyline.miniapp.Thumbnails;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * The planner's speed (issue 16): a team with 3,000 library images (1080×1920 photo-like JPEGs) and
 * 35 planned slots; how long the Plan page takes in headless Chromium (first contentful paint, and
 * until the week with its thumbnails is on screen), the API's latency over 500 calls per route, and
 * how long making 3,000 thumbnails takes against {@code sha256sum} over the same files.
 * Run with {@code scripts/bench.sh miniapp [images]}; figures go to docs/benchmarks.md.
 */
public final class MiniAppBench {
    private static final long TEAM = -777_001;
    private static final FakeTelegram.Person ADA = BotHarness.ADMIN_OF_GROUP;

    private MiniAppBench() {
    }

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        dev.storyline.app.Logging.quiet();
        Path dir = Files.createTempDirectory("storyline-miniapp-bench");
        BotHarness bot = new BotHarness(dir, new JsonObject().put("LOG_LEVEL", "WARN").put("PUBLIC_BASE_URL", "http://127.0.0.1:8080"),
                Instant.now(), UnaryOperator.identity());
        bot.clock.followRealTime();
        System.out.printf("Storyline planner benchmark: Java %s, %d cores, %d images%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), images);
        List<Path> files = photos(dir.resolve("media/" + TEAM), images);
        System.out.printf("library: %d JPEGs, %.0f MB%n", files.size(), files.stream().mapToLong(MiniAppBench::size).sum() / 1e6);

        bot.db.insertTenant(TEAM, "Bench team", "approved", false);
        bot.db.execute("UPDATE tenants SET posts_per_day = 5 WHERE id = ?", TEAM);
        bot.db.execute("INSERT INTO users (id, username, first_name) VALUES (?, 'ada', 'Ada') ON CONFLICT DO NOTHING", ADA.id());
        bot.db.execute("INSERT INTO tenant_members (tenant_id, user_id) VALUES (?, ?)", TEAM, ADA.id());
        bot.fake.setAdmins(TEAM, ADA.id());
        EventBusClient bus = new EventBusClient(bot.app().vertx());
        bus.indexMedia(new MediaIndexRequest(TEAM, null, Trigger.CLI, null)).await();
        bus.tenantChanged(new dev.storyline.bus.TenantChanged(TEAM, "bench")); // its scheduler starts and plans the week
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ? AND media_item_id IS NOT NULL", TEAM) < 35
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
        System.out.printf("planned slots: %d%n", bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ?", TEAM));
        int port = bot.app().httpPort();

        if (!(args.length > 1 && args[1].equals("page"))) {
            thumbnails(files, dir.resolve("bench-thumbs")); // 'scripts/bench.sh miniapp 3000 page': the page and the API only
        }
        page(port, bot, "first open (thumbnails made on demand)");
        page(port, bot, "second open (thumbnails cached)");
        api(port, bot, "/app/api/tenants/" + TEAM + "/plan");
        api(port, bot, "/app/api/tenants/" + TEAM + "/library?limit=30");
        api(port, bot, "/app/api/me");
        System.exit(0);
    }

    /** Photo-like JPEGs (noise over gradients, quality 0.85): a few pictures, each copy made distinct by bytes after its end. */
    private static List<Path> photos(Path folder, int count) throws Exception {
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(16);
        List<byte[]> bases = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            BufferedImage image = new BufferedImage(1080, 1920, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 1920; y++) {
                for (int x = 0; x < 1080; x++) {
                    int n = random.nextInt(48);
                    image.setRGB(x, y, ((x * 255 / 1080 + b * 20 + n) & 0xff) << 16 | ((y * 255 / 1920 + n) & 0xff) << 8 | ((b * 37 + n) & 0xff));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.85f);
                writer.setOutput(stream);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            writer.dispose();
            bases.add(out.toByteArray());
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] base = bases.get(i % bases.size());
            byte[] copy = Arrays.copyOf(base, base.length + 8);
            java.nio.ByteBuffer.wrap(copy, base.length, 8).putLong(i);
            Path file = folder.resolve((i % 3 == 0 ? "memes" : i % 3 == 1 ? "merch" : "quotes") + "/photo-" + i + ".jpg");
            Files.createDirectories(file.getParent());
            Files.write(file, copy);
            files.add(file);
        }
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every thumbnail made once on as many threads as cores, against sha256sum over the same files (page cache warm for both). */
    private static void thumbnails(List<Path> files, Path out) throws Exception {
        long warm = sha256sum(files);
        long sha = sha256sum(files);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path source = files.get(i);
            Path target = out.resolve(i + ".jpg");
            done.add(pool.submit(() -> {
                Thumbnails.make(source, target);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        pool.shutdown();
        System.out.printf("thumbnails: %d in %.1f s on %d threads (%.1f ms each); sha256sum %.1f s (warm-up pass %.1f s): ratio %.1f×%n",
                files.size(), millis / 1e3, threads, (double) millis * threads / files.size(), sha / 1e3, warm / 1e3, (double) millis / sha);
    }

    private static long sha256sum(List<Path> files) throws Exception {
        Path list = Files.createTempFile("bench-files", ".txt");
        Files.write(list, files.stream().map(Path::toString).toList());
        long start = System.nanoTime();
        Process process = new ProcessBuilder("sh", "-c", "xargs -n 500 sha256sum < '" + list + "' > /dev/null").inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("sha256sum failed");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String initData(BotHarness bot) {
        return InitData.sign(Map.of("auth_date", Long.toString(bot.clock.instant().getEpochSecond()),
                "user", new JsonObject().put("id", ADA.id()).put("first_name", "Ada").encode()), TestConfig.TOKEN);
    }

    /** The Plan page in headless Chromium: first contentful paint, and until the week with every thumbnail is drawn. */
    private static void page(int port, BotHarness bot, String what) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("bench-chromium"), "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", Map.of("width", 390, "height", 844, "pixelRatio", 1.0)));
        WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), options);
        try {
            browser.get("http://127.0.0.1:" + port + "/app/?tenant=" + TEAM + "#tgWebAppData="
                    + URLEncoder.encode(initData(bot), StandardCharsets.UTF_8));
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> "plan".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready"))
                    && (Boolean) ((JavascriptExecutor) d).executeScript("return [...document.querySelectorAll('img.thumb')]"
                    + ".filter(i => i.getBoundingClientRect().top < innerHeight).every(i => i.complete && i.naturalWidth > 0)"));
            Object timing = ((JavascriptExecutor) browser).executeScript("""
                    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                    const ready = performance.getEntriesByName('storyline-ready-plan')[0];
                    const shown = [...document.querySelectorAll('img.thumb')].filter(i => i.getBoundingClientRect().top < innerHeight)
                            .map(i => i.src);
                    const imgs = performance.getEntriesByType('resource').filter(r => shown.includes(r.name));
                    return [fcp ? fcp.startTime : -1, ready ? ready.startTime : -1, imgs.length,
                            imgs.reduce((m, r) => Math.max(m, r.responseEnd), 0),
                            document.querySelectorAll('.slot').length];""");
            List<?> t = (List<?>) timing;
            System.out.printf("plan page, %s: first contentful paint %.0f ms, the week's %s slots on the page at %.0f ms, "
                    + "the %s thumbnails on screen loaded by %.0f ms (from navigation start)%n", what, ((Number) t.get(0)).doubleValue(),
                    t.get(4), ((Number) t.get(1)).doubleValue(), t.get(2), ((Number) t.get(3)).doubleValue());
        } finally {
            browser.quit();
        }
    }

    /** 500 calls of one route, one after another, with Telegram's sign-in: latency percentiles as the page sees them. */
    private static void api(int port, BotHarness bot, String path) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "tma " + initData(bot)).build();
        for (int i = 0; i < 100; i++) {
            client.send(request, HttpResponse.BodyHandlers.discarding());
        }
        long[] times = new long[500];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            times[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        Arrays.sort(times);
        System.out.printf("GET %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d calls%n", path.replace(Long.toString(TEAM), "{chatId}"),
                times[times.length / 2] / 1e6, times[(int) (times.length * 0.99)] / 1e6, times[times.length - 1] / 1e6, times.length);
    }
}
