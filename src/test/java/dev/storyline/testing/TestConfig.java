package dev.storyline.testing;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;

/** Configurations for tests, made by the real parser from the same keys a user writes in {@code .env}. */
public final class TestConfig {
    public static final String TOKEN = "123456:test-token-never-logged";
    public static final long ADMIN_CHAT = 4242L;

    private TestConfig() {
    }

    /** Valid for {@code serve}: a token, an admin chat, the test database, any free HTTP port. */
    public static JsonObject keys(TestDatabase database, Path dataDir) {
        return new JsonObject()
                .put("TELEGRAM_BOT_TOKEN", TOKEN)
                .put("ADMIN_TELEGRAM_CHAT_ID", String.valueOf(ADMIN_CHAT))
                .put("DATABASE_URL", database.url())
                .put("STORYLINE_DATA_DIR", dataDir.toString())
                .put("HTTP_PORT", "0")
                // nothing listens on the discard port: tests without a fake Telegram fail fast and locally
                .put("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9");
    }

    public static AppConfig parse(JsonObject keys) {
        return ConfigParser.parse(keys, ConfigParser.Purpose.SERVE);
    }

    /** The same configuration with a fast heartbeat, so silence is noticed in tests within a second. */
    public static AppConfig withHeartbeat(AppConfig config, Duration interval, Duration timeout) {
        return new AppConfig(config.telegram(), config.database(), config.paths(), config.tenantDefaults(),
                config.scheduling(), new AppConfig.OrchestratorConfig(interval, timeout, config.orchestrator().discoveryInterval(),
                        config.orchestrator().sweepInterval()),
                config.http(), config.instagram(), config.logging(), config.cluster());
    }

    /** The same configuration with a faster posting sweep (expiry, the dispatch safety net). */
    public static AppConfig withSweep(AppConfig config, Duration sweep) {
        AppConfig.OrchestratorConfig o = config.orchestrator();
        return new AppConfig(config.telegram(), config.database(), config.paths(), config.tenantDefaults(), config.scheduling(),
                new AppConfig.OrchestratorConfig(o.heartbeatInterval(), o.heartbeatTimeout(), o.discoveryInterval(), sweep),
                config.http(), config.instagram(), config.logging(), config.cluster());
    }

    /** The same configuration with fast Instagram container polls and token checks. */
    public static AppConfig withInstagramTiming(AppConfig config, AppConfig.InstagramTiming timing) {
        AppConfig.InstagramConfig i = config.instagram();
        return new AppConfig(config.telegram(), config.database(), config.paths(), config.tenantDefaults(), config.scheduling(),
                config.orchestrator(), config.http(), new AppConfig.InstagramConfig(i.encryptionKey(), i.graphBaseUrl(), i.graphApiVersion(),
                i.facebookAppId(), i.facebookAppSecret(), i.mediaHosting(), i.mediaPublicBaseUrl(), i.cloudinaryCloudName(),
                i.cloudinaryApiKey(), i.cloudinaryApiSecret(), i.cloudinaryApiBaseUrl(), timing), config.logging(), config.cluster());
    }
}
