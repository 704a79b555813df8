package dev.storyline.config;

import dev.storyline.config.AppConfig.ClusterConfig;
import dev.storyline.config.AppConfig.DatabaseConfig;
import dev.storyline.config.AppConfig.ExternalDatabase;
import dev.storyline.config.AppConfig.HttpConfig;
import dev.storyline.config.AppConfig.InstagramConfig;
import dev.storyline.config.AppConfig.LoggingConfig;
import dev.storyline.config.AppConfig.OrchestratorConfig;
import dev.storyline.config.AppConfig.OutboxBounds;
import dev.storyline.config.AppConfig.Paths;
import dev.storyline.config.AppConfig.Registration;
import dev.storyline.config.AppConfig.SchedulingConfig;
import dev.storyline.config.AppConfig.TelegramConfig;
import dev.storyline.config.AppConfig.TenantDefaults;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the merged configuration sources into an {@link AppConfig}. It never stops at the first
 * problem: every error is collected, so a user fixes their {@code .env} in one go.
 */
public final class ConfigParser {

    /** What the command about to run needs; {@code serve} needs Telegram, {@code migrate} does not. */
    public enum Purpose { SERVE, DATABASE }

        private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private final JsonObject source;
    private final Purpose purpose;
    private final Path home;
    private final List<String> errors = new ArrayList<>();

    private ConfigParser(JsonObject source, Purpose purpose, Path home) {
        this.source = source;
        this.purpose = purpose;
        this.home = home;
    }

    /** Parses and validates, including that the directories are usable. */
    public static AppConfig parse(JsonObject source, Purpose purpose) {
        return new ConfigParser(source, purpose, Path.of(System.getProperty("user.home"))).build();
    }

    private AppConfig build() {
        TelegramConfig telegram = telegram();
        DatabaseConfig database = database();
        Paths paths = paths();
        TenantDefaults defaults = new TenantDefaults(
                bool(ConfigKey.DRY_RUN_MODE),
                bool(ConfigKey.ENABLE_INSTAGRAM_API),
                intIn(ConfigKey.POSTS_PER_DAY, 1, 50),
                intIn(ConfigKey.POSTING_HOURS_START, 0, 23),
                intIn(ConfigKey.POSTING_HOURS_END, 0, 23),
                zone(ConfigKey.POSTING_TIMEZONE));
        SchedulingConfig scheduling = new SchedulingConfig(
                intIn(ConfigKey.SCHEDULE_HORIZON_DAYS, 1, 90),
                intIn(ConfigKey.REPOST_TTL_DAYS, 1, 3650),
                intIn(ConfigKey.SKIP_TTL_DAYS, 0, 3650),
                intIn(ConfigKey.AVOID_REPOST_DAYS, 0, 3650),
                intIn(ConfigKey.NOTIFICATION_EXPIRY_HOURS, 1, 720),
                intIn(ConfigKey.CATCH_UP_MINUTES, 0, 1440),
                Duration.ofMinutes(intIn(ConfigKey.MEDIA_INDEX_MINUTES, 0, 10080)),
                intIn(ConfigKey.MAX_IMAGE_PIXELS, 1, 200_000_000),
                intIn(ConfigKey.MAX_ATTEMPTS, 1, 10));
        OrchestratorConfig orchestrator = orchestrator();
        HttpConfig http = new HttpConfig(
                nonBlank(ConfigKey.HTTP_HOST),
                intIn(ConfigKey.HTTP_PORT, 0, 65535),
                Secret.of(string(ConfigKey.ADMIN_TOKEN)), miniApp(telegram.botToken()));
        InstagramConfig instagram = instagram();
        LoggingConfig logging = new LoggingConfig(
                oneOf(ConfigKey.LOG_LEVEL, LOG_LEVELS, true),
                oneOf(ConfigKey.LOG_FORMAT, Set.of("text", "json"), false));
        ClusterConfig cluster = cluster(database);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new AppConfig(telegram, database, paths, defaults, scheduling, orchestrator, http, instagram, logging, cluster);
    }

    private TelegramConfig telegram() {
        Secret token = Secret.of(string(ConfigKey.TELEGRAM_BOT_TOKEN));
        if (purpose == Purpose.SERVE && !token.isPresent()) {
            error(ConfigKey.TELEGRAM_BOT_TOKEN, "is required: the token @BotFather gave you");
        } else if (token.isPresent() && !token.reveal().matches("\\d+:[A-Za-z0-9_-]+")) {
            // the value is never echoed: it may be a real token with a typo
            error(ConfigKey.TELEGRAM_BOT_TOKEN, "does not look like a bot token (<digits>:<letters>)");
        }
        Optional<Long> adminChat = optionalLong(ConfigKey.ADMIN_TELEGRAM_CHAT_ID);
        if (purpose == Purpose.SERVE && adminChat.isEmpty() && string(ConfigKey.ADMIN_TELEGRAM_CHAT_ID).isEmpty()) {
            error(ConfigKey.ADMIN_TELEGRAM_CHAT_ID, "is required: the chat id that receives alerts and approval requests");
        }
        Registration registration = switch (string(ConfigKey.TENANT_REGISTRATION).toLowerCase(Locale.ROOT)) {
            case "approval" -> Registration.APPROVAL;
            case "open" -> Registration.OPEN;
            case "closed" -> Registration.CLOSED;
            default -> {
                error(ConfigKey.TENANT_REGISTRATION, "must be approval, open or closed, not '" + string(ConfigKey.TENANT_REGISTRATION) + "'");
                yield Registration.APPROVAL;
            }
        };
        OutboxBounds bounds = new OutboxBounds(intIn(ConfigKey.OUTBOX_MAX_PER_CHAT, 1, 10_000), intIn(ConfigKey.OUTBOX_MAX_TOTAL, 100, 1_000_000),
                intIn(ConfigKey.OUTBOX_MAX_STRANGERS, 0, 10_000), intIn(ConfigKey.COMMANDS_PER_MINUTE, 1, 600));
        return new TelegramConfig(token, url(ConfigKey.TELEGRAM_API_BASE_URL), adminChat,
                optionalLong(ConfigKey.TELEGRAM_CHANNEL_ID), registration, bounds);
    }

    private DatabaseConfig database() {
        int poolSize = intIn(ConfigKey.DB_POOL_SIZE, 1, 100);
        String url = string(ConfigKey.DATABASE_URL);
        if (!url.isEmpty()) {
            return new DatabaseConfig(databaseUrl(url), poolSize);
        }
        String host = string(ConfigKey.DB_HOST);
        if (host.isEmpty()) {
            return new DatabaseConfig(Optional.empty(), poolSize);
        }
        return new DatabaseConfig(Optional.of(new ExternalDatabase(
                host,
                intIn(ConfigKey.DB_PORT, 1, 65535),
                nonBlank(ConfigKey.DB_NAME),
                nonBlank(ConfigKey.DB_USER),
                Secret.of(string(ConfigKey.DB_PASSWORD)),
                oneOf(ConfigKey.DB_SSLMODE, DatabaseUrl.SSL_MODES, false))), poolSize);
    }

    private Optional<ExternalDatabase> databaseUrl(String raw) {
        try {
            return Optional.of(DatabaseUrl.parse(raw));
        } catch (IllegalArgumentException e) {
            error(ConfigKey.DATABASE_URL, e.getMessage());
            return Optional.empty();
        }
    }

    private Paths paths() {
        Path dataDir = directory(ConfigKey.STORYLINE_DATA_DIR, string(ConfigKey.STORYLINE_DATA_DIR), true);
        String media = string(ConfigKey.MEDIA_DIR);
        String backup = string(ConfigKey.BACKUP_DIR);
        Path mediaDir = media.isEmpty() && dataDir != null ? dataDir.resolve("media") : directory(ConfigKey.MEDIA_DIR, media, false);
        Path backupDir = backup.isEmpty() && dataDir != null ? dataDir.resolve("backups") : directory(ConfigKey.BACKUP_DIR, backup, true);
        return new Paths(dataDir, mediaDir, backupDir);
    }

    /**
     * A directory that exists (or can be created) and can be read, and written when {@code writable}.
     * Creating it here is deliberate: "cannot create" is a configuration error worth reporting now.
     */
    private Path directory(ConfigKey key, String raw, boolean writable) {
        if (raw.isBlank()) {
            error(key, "must name a directory");
            return null;
        }
        Path path;
        try {
            path = expandHome(raw).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            error(key, "is not a valid path: " + raw);
            return null;
        }
        if (Files.exists(path) && !Files.isDirectory(path)) {
            error(key, path + " is not a directory");
            return path;
        }
        try {
            Files.createDirectories(path);
        } catch (IOException | SecurityException e) {
            error(key, "cannot create directory " + path + " (" + reason(e) + ")");
            return path;
        }
        if (!Files.isReadable(path) || !Files.isExecutable(path)) {
            error(key, "directory " + path + " is not readable");
        } else if (writable && !Files.isWritable(path)) {
            error(key, "directory " + path + " is not writable");
        }
        return path;
    }

    private Path expandHome(String raw) {
        if (raw.equals("~")) {
            return home;
        }
        if (raw.startsWith("~/")) {
            return home.resolve(raw.substring(2));
        }
        return Path.of(raw);
    }

    private OrchestratorConfig orchestrator() {
        int errorsBefore = errors.size();
        int beat = intIn(ConfigKey.HEARTBEAT_SECONDS, 1, 3600);
        int timeout = intIn(ConfigKey.HEARTBEAT_TIMEOUT_SECONDS, 2, 86400);
        // compare only two valid numbers; an invalid one was reported already
        if (errors.size() == errorsBefore && timeout <= beat) {
            error(ConfigKey.HEARTBEAT_TIMEOUT_SECONDS, "must be greater than HEARTBEAT_SECONDS (" + beat + ")");
        }
        return new OrchestratorConfig(Duration.ofSeconds(beat), Duration.ofSeconds(timeout), OrchestratorConfig.DISCOVERY_INTERVAL,
                OrchestratorConfig.SWEEP_INTERVAL);
    }

    /**
     * D32: cluster mode needs an external database every node shares, and TLS on the event bus unless
     * every node is on this machine (a loopback host).
     */
    private ClusterConfig cluster(DatabaseConfig database) {
        boolean enabled = bool(ConfigKey.CLUSTER_ENABLED);
        String host = nonBlank(ConfigKey.CLUSTER_HOST);
        int port = intIn(ConfigKey.CLUSTER_PORT, 1024, 65534);
        List<String> members = new ArrayList<>();
        for (String member : string(ConfigKey.CLUSTER_MEMBERS).split(",")) {
            String m = member.trim();
            if (m.isEmpty()) {
                continue;
            }
            if (!m.matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}")) {
                error(ConfigKey.CLUSTER_MEMBERS, "must be host:port pairs separated by commas, not '" + m + "'");
            } else {
                members.add(m);
            }
        }
        String publicHost = string(ConfigKey.CLUSTER_PUBLIC_HOST).isEmpty() ? host : string(ConfigKey.CLUSTER_PUBLIC_HOST);
        String cert = string(ConfigKey.CLUSTER_TLS_CERT);
        String key = string(ConfigKey.CLUSTER_TLS_KEY);
        String ca = string(ConfigKey.CLUSTER_TLS_CA);
        Optional<ClusterConfig.Tls> tls = Optional.empty();
        if (!cert.isEmpty() || !key.isEmpty() || !ca.isEmpty()) {
            if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
                error(ConfigKey.CLUSTER_TLS_CERT, "CLUSTER_TLS_CERT, CLUSTER_TLS_KEY and CLUSTER_TLS_CA go together: set all three");
            } else {
                for (ConfigKey file : List.of(ConfigKey.CLUSTER_TLS_CERT, ConfigKey.CLUSTER_TLS_KEY, ConfigKey.CLUSTER_TLS_CA)) {
                    if (!java.nio.file.Files.isReadable(Path.of(string(file)))) {
                        error(file, "names no readable file: " + string(file));
                    }
                }
                tls = Optional.of(new ClusterConfig.Tls(Path.of(cert), Path.of(key), Path.of(ca)));
            }
        }
        Duration lease = Duration.ofSeconds(intIn(ConfigKey.CLUSTER_LEASE_SECONDS, 6, 600));
        if (enabled && purpose == Purpose.SERVE) {
            if (database.external().isEmpty()) {
                error(ConfigKey.CLUSTER_ENABLED, "needs an external database (DATABASE_URL or DB_HOST) that every node shares: "
                        + "the embedded one belongs to one machine");
            }
            boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
            if (!loopback && tls.isEmpty()) {
                error(ConfigKey.CLUSTER_TLS_CERT, "is required when CLUSTER_HOST (" + host + ") is not a loopback address: "
                        + "the event bus between machines carries the teams' data (set CLUSTER_TLS_CERT, CLUSTER_TLS_KEY and CLUSTER_TLS_CA)");
            }
        }
        return new ClusterConfig(enabled, host, port, List.copyOf(members), publicHost, tls, lease);
    }

    private InstagramConfig instagram() {
        Secret key = Secret.of(string(ConfigKey.ENCRYPTION_KEY));
        if (key.isPresent()) {
            byte[] decoded = null;
            try {
                decoded = Base64.getDecoder().decode(key.reveal());
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
            if (decoded == null || decoded.length != 32) {
                error(ConfigKey.ENCRYPTION_KEY, "must be base64 of 32 bytes; generate one with: openssl rand -base64 32");
            }
        }
        String hosting = oneOf(ConfigKey.MEDIA_HOSTING, Set.of("self", "cloudinary"), false);
        String publicBase = string(ConfigKey.MEDIA_PUBLIC_BASE_URL);
        Optional<URI> mediaPublicBaseUrl = publicBase.isEmpty() ? Optional.empty() : Optional.of(url(ConfigKey.MEDIA_PUBLIC_BASE_URL));
        return new InstagramConfig(
                key,
                url(ConfigKey.INSTAGRAM_GRAPH_BASE_URL),
                nonBlank(ConfigKey.META_GRAPH_API_VERSION),
                string(ConfigKey.FACEBOOK_APP_ID),
                Secret.of(string(ConfigKey.FACEBOOK_APP_SECRET)),
                hosting,
                mediaPublicBaseUrl,
                string(ConfigKey.CLOUDINARY_CLOUD_NAME),
                string(ConfigKey.CLOUDINARY_API_KEY),
                Secret.of(string(ConfigKey.CLOUDINARY_API_SECRET)),
                url(ConfigKey.CLOUDINARY_API_BASE_URL),
                AppConfig.InstagramTiming.DEFAULT);
    }

    /** D30: the Mini App's address must be HTTPS (Telegram opens nothing else), but for a loopback address. */
    private AppConfig.MiniAppConfig miniApp(Secret botToken) {
        Optional<URI> base = Optional.empty();
        if (!string(ConfigKey.PUBLIC_BASE_URL).isEmpty()) {
            URI uri = url(ConfigKey.PUBLIC_BASE_URL);
            String host = uri.getHost() == null ? "" : uri.getHost();
            boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !loopback) {
                error(ConfigKey.PUBLIC_BASE_URL, "must start with https:// (Telegram opens Mini Apps only over HTTPS), not " + uri);
            }
            base = Optional.of(uri);
        }
        String shortName = string(ConfigKey.TELEGRAM_MINIAPP_SHORT_NAME);
        if (!shortName.isEmpty() && !shortName.matches("[A-Za-z0-9_]{3,30}")) {
            error(ConfigKey.TELEGRAM_MINIAPP_SHORT_NAME, "must be the short name BotFather gave (3-30 letters, digits or _), not " + shortName);
        }
        return new AppConfig.MiniAppConfig(base, duration(ConfigKey.MINIAPP_AUTH_MAX_AGE, Duration.ofMinutes(1), Duration.ofDays(30)),
                shortName.isEmpty() ? Optional.empty() : Optional.of(shortName), botToken);
    }

    /** A duration as {@code 90m}, {@code 24h}, {@code 7d} or plain seconds, within bounds. */
    private Duration duration(ConfigKey key, Duration min, Duration max) {
        String raw = string(key).toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*([smhd]?)").matcher(raw);
        if (!m.matches()) {
            error(key, "must look like 90m, 24h, 7d or a number of seconds, not " + raw);
            return min;
        }
        long n = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            error(key, "must be between " + min.toMinutes() + " minutes and " + max.toDays() + " days, not " + raw);
            return min;
        }
        return value;
    }

    // --- typed readers: each records an error and returns a harmless value, so parsing goes on ---

    /** The raw value as text, trimmed; the default when absent. Numbers from JSON files become text too. */
    private String string(ConfigKey key) {
        Object value = source.getValue(key.name());
        return value == null ? key.defaultValue() : String.valueOf(value).trim();
    }

    private String nonBlank(ConfigKey key) {
        String value = string(key);
        if (value.isEmpty()) {
            error(key, "must not be empty");
        }
        return value;
    }

    private int intIn(ConfigKey key, int min, int max) {
        String raw = string(key);
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                error(key, "must be between " + min + " and " + max + ", not " + value);
                return min;
            }
            return value;
        } catch (NumberFormatException e) {
            error(key, "must be a whole number between " + min + " and " + max + ", not '" + raw + "'");
            return min;
        }
    }

    private Optional<Long> optionalLong(ConfigKey key) {
        String raw = string(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(raw));
        } catch (NumberFormatException e) {
            error(key, "must be a numeric chat id such as -1001234567890, not '" + raw + "'");
            return Optional.empty();
        }
    }

    private boolean bool(ConfigKey key) {
        String raw = string(key).toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> {
                error(key, "must be true or false, not '" + string(key) + "'");
                yield false;
            }
        };
    }

    private ZoneId zone(ConfigKey key) {
        String raw = string(key);
        try {
            return ZoneId.of(raw);
        } catch (DateTimeException e) {
            error(key, "is not a known IANA time zone (such as Europe/Berlin): '" + raw + "'");
            return ZoneId.of("UTC");
        }
    }

    private URI url(ConfigKey key) {
        String raw = string(key);
        try {
            URI uri = new URI(raw);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                error(key, "must be an http(s) URL, not '" + raw + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            error(key, "must be an http(s) URL, not '" + raw + "'");
            return URI.create("http://invalid");
        }
    }

    private String oneOf(ConfigKey key, Set<String> allowed, boolean upperCase) {
        String raw = string(key);
        String value = upperCase ? raw.toUpperCase(Locale.ROOT) : raw.toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            error(key, "must be one of " + String.join(", ", sorted(allowed)) + ", not '" + raw + "'");
            return upperCase ? sorted(allowed).get(0) : key.defaultValue();
        }
        return value;
    }

    private void error(ConfigKey key, String message) {
        errors.add(key.name() + " " + message);
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static String reason(Exception e) {
        String simple = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? simple : simple + ": " + e.getMessage();
    }
}
