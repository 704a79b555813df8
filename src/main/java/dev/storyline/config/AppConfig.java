package dev.storyline.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The whole configuration, parsed and validated once. Each verticle is handed only its part.
 * Secrets are {@link Secret}s, so printing any of these records never shows a token.
 */
public record AppConfig(
        TelegramConfig telegram,
        DatabaseConfig database,
        Paths paths,
        TenantDefaults tenantDefaults,
        SchedulingConfig scheduling,
        OrchestratorConfig orchestrator,
        HttpConfig http,
        InstagramConfig instagram,
        LoggingConfig logging,
        ClusterConfig cluster) {

    public enum Registration { APPROVAL, OPEN, CLOSED }

    public record TelegramConfig(
            Secret botToken,
            URI apiBaseUrl,
            Optional<Long> adminChatId,
            Optional<Long> channelId,
            Registration registration,
            OutboxBounds bounds) {
    }

    /**
     * D26: how much may wait for Telegram (per chat, in all, for chats that are no team) and how many
     * commands a person may send a minute, so that no flood can fill the heap or starve the teams.
     */
    public record OutboxBounds(int perChat, int total, int strangers, int commandsPerMinute) {
        public static final OutboxBounds DEFAULT = new OutboxBounds(50, 5000, 20, 20);
    }

    /** {@code external} empty means: start the embedded PostgreSQL under {@code Paths.dataDir()/pg}. */
    public record DatabaseConfig(Optional<ExternalDatabase> external, int poolSize) {
        public boolean embedded() {
            return external.isEmpty();
        }
    }

    public record ExternalDatabase(String host, int port, String database, String user, Secret password, String sslMode) {
    }

    public record Paths(Path dataDir, Path mediaDir, Path backupDir) {
        public Path embeddedDatabaseDir() {
            return dataDir.resolve("pg");
        }
    }

    /** Settings a newly registered tenant starts with (product §4). */
    public record TenantDefaults(
            boolean dryRun,
            boolean enableInstagram,
            int postsPerDay,
            int postingHoursStart,
            int postingHoursEnd,
            ZoneId timezone) {
    }

    public record SchedulingConfig(
            int horizonDays,
            int repostTtlDays,
            int skipTtlDays,
            int avoidRepostDays,
            int notificationExpiryHours,
            int catchUpMinutes,
            Duration mediaIndexInterval,
            int maxImagePixels,
            int maxAttempts) {
    }

    /**
     * Heartbeat cadence (D21), discovery, and the posting sweep (the safety net of D10, and the check
     * for expired notifications). Durations rather than seconds so tests can run them fast.
     */
    public record OrchestratorConfig(Duration heartbeatInterval, Duration heartbeatTimeout, Duration discoveryInterval,
                                     Duration sweepInterval) {
        public static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(60);
        public static final Duration SWEEP_INTERVAL = Duration.ofSeconds(60);
    }

    public record HttpConfig(String host, int port, Secret adminToken, MiniAppConfig miniApp) {
        /** Without the Mini App's settings (its pages are still served; no buttons point at them). */
        public HttpConfig(String host, int port, Secret adminToken) {
            this(host, port, adminToken, MiniAppConfig.NONE);
        }

        public boolean adminEnabled() {
            return adminToken.isPresent();
        }
    }

    /**
     * D30: where the Mini App lives ({@code PUBLIC_BASE_URL}, empty = no buttons point at it), how old a
     * Telegram sign-in may be, the BotFather short name (groups then get a t.me link that opens it), and
     * the bot token, the key of Telegram's initData signature and of the session cookies.
     */
    public record MiniAppConfig(Optional<URI> publicBaseUrl, Duration authMaxAge, Optional<String> shortName, Secret botToken) {
        public static final MiniAppConfig NONE = new MiniAppConfig(Optional.empty(), Duration.ofHours(24), Optional.empty(), Secret.of(""));

        /** The app's address ({@code <base>/app/}), when the base is configured. */
        public Optional<String> appUrl() {
            return publicBaseUrl.map(base -> base.toString().replaceAll("/+$", "") + "/app/");
        }
    }

    public record InstagramConfig(
            Secret encryptionKey,
            URI graphBaseUrl,
            String graphApiVersion,
            String facebookAppId,
            Secret facebookAppSecret,
            String mediaHosting,
            Optional<URI> mediaPublicBaseUrl,
            String cloudinaryCloudName,
            String cloudinaryApiKey,
            Secret cloudinaryApiSecret,
            URI cloudinaryApiBaseUrl,
            InstagramTiming timing) {
    }

    /** How a container is polled (a doubling pause from {@code firstPoll}, within {@code pollBudget}) and how often tokens are checked. */
    /**
     * How a publish waits for Instagram: the first pause between container polls (then doubling, at
     * most {@link #MAX_POLL_PAUSE}), how long an image container may take, how often tokens are checked,
     * and how long a video container may take (D29: 5 minutes).
     */
    public record InstagramTiming(Duration firstPoll, Duration pollBudget, Duration tokenCheckInterval, Duration videoPollBudget,
                                  Duration insightsCheck, int insightsCallsPerHour) {
        public static final Duration MAX_POLL_PAUSE = Duration.ofSeconds(15);
        /** D31: how often the insights actor looks for due readings, and the Graph calls an account may spend on them an hour. */
        public static final Duration INSIGHTS_CHECK = Duration.ofMinutes(1);
        public static final int INSIGHTS_CALLS_PER_HOUR = 150;
        public static final InstagramTiming DEFAULT = new InstagramTiming(Duration.ofSeconds(1), Duration.ofSeconds(90), Duration.ofHours(24),
                Duration.ofMinutes(5));

        public InstagramTiming(Duration firstPoll, Duration pollBudget, Duration tokenCheckInterval, Duration videoPollBudget) {
            this(firstPoll, pollBudget, tokenCheckInterval, videoPollBudget, INSIGHTS_CHECK, INSIGHTS_CALLS_PER_HOUR);
        }

        public InstagramTiming(Duration firstPoll, Duration pollBudget, Duration tokenCheckInterval) {
            this(firstPoll, pollBudget, tokenCheckInterval, Duration.ofMinutes(5));
        }

        public InstagramTiming withInsights(Duration check, int callsPerHour) {
            return new InstagramTiming(firstPoll, pollBudget, tokenCheckInterval, videoPollBudget, check, callsPerHour);
        }
    }

    /**
     * D32: {@code serve --cluster}. Hazelcast listens on {@code host:port} (joining {@code members} over
     * TCP/IP), the event bus on {@code port + 1}, both reached at {@code publicHost}; the event bus is TLS
     * with {@code tls} (mutual: every node's certificate signed by the CA). Leases run {@code lease}.
     */
    public record ClusterConfig(boolean enabled, String host, int port, List<String> members, String publicHost, Optional<Tls> tls,
                                Duration lease) {
        public static final ClusterConfig OFF = new ClusterConfig(false, "127.0.0.1", 5701, List.of(), "127.0.0.1", Optional.empty(),
                Duration.ofSeconds(30));

        /** PEM files: this node's certificate and key, and the CA that signed every node's. */
        public record Tls(java.nio.file.Path cert, java.nio.file.Path key, java.nio.file.Path ca) {
        }

        public int eventBusPort() {
            return port + 1;
        }

        /** How often leases are renewed: a third of their length. */
        public Duration renewEvery() {
            return lease.dividedBy(3);
        }

        public AppConfig.ClusterConfig withLease(Duration value) {
            return new ClusterConfig(enabled, host, port, members, publicHost, tls, value);
        }
    }

    public record LoggingConfig(String level, String format) {
        public boolean json() {
            return "json".equals(format);
        }
    }
}
