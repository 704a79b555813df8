package dev.storyline.config;

/**
 * Every setting Storyline reads, with its default and meaning. The names are the environment
 * variable names; {@code .env.example} and {@code conf/config.json} are checked against this list
 * by a test, so the three cannot drift apart.
 */
public enum ConfigKey {
    TELEGRAM_BOT_TOKEN("", "Bot token from @BotFather (required to serve)."),
    TELEGRAM_API_BASE_URL("https://api.telegram.org", "Bot API base URL (tests and air-gapped installs point it elsewhere)."),
    ADMIN_TELEGRAM_CHAT_ID("", "Chat id that receives lifecycle messages, alerts and approval requests (required to serve)."),
    TELEGRAM_CHANNEL_ID("", "Optional chat registered and approved as a tenant at start-up (single-team installs)."),
    TENANT_REGISTRATION("approval", "How chats become tenants: approval, open or closed."),
    OUTBOX_MAX_PER_CHAT("50", "Messages that may wait for one chat; more are refused (the story is retried later) (1-10000)."),
    OUTBOX_MAX_TOTAL("5000", "Calls that may wait for Telegram in all; more are refused (100-1000000)."),
    OUTBOX_MAX_STRANGERS("20", "Replies that may wait for chats that are no team (private chats, unregistered groups); more are dropped (0-10000)."),
    COMMANDS_PER_MINUTE("20", "Commands and button presses one person may send a minute; past it one 'slow down' reply, then silence (1-600)."),

    DATABASE_URL("", "postgresql://user:pass@host:port/db[?sslmode=require]; empty = DB_* or the embedded database."),
    DB_HOST("", "External PostgreSQL host; empty (and no DATABASE_URL) = embedded PostgreSQL."),
    DB_PORT("5432", "External PostgreSQL port."),
    DB_NAME("storyline", "External PostgreSQL database."),
    DB_USER("storyline", "External PostgreSQL user."),
    DB_PASSWORD("", "External PostgreSQL password."),
    DB_SSLMODE("prefer", "disable, allow, prefer, require, verify-ca or verify-full (DB_* only; DATABASE_URL takes ?sslmode=)."),
    DB_POOL_SIZE("10", "Connections in the one shared pool (1-100); each open one is a PostgreSQL process of 2-3 MB, closed after 10 s unused."),

    STORYLINE_DATA_DIR("~/.storyline", "Where the embedded database (pg/), uploaded media and backups live."),
    MEDIA_DIR("", "Root of the tenants' media folders (<MEDIA_DIR>/<chat id>/); empty = <STORYLINE_DATA_DIR>/media."),
    MEDIA_INDEX_MINUTES("60", "How often every tenant's folder is indexed again, in minutes (0 = only at start-up and on demand)."),
    MAX_IMAGE_PIXELS("50000000", "Images larger than this many pixels (width x height) are refused when indexed or uploaded (1-200000000)."),
    BACKUP_DIR("", "Where backups are written; empty = <STORYLINE_DATA_DIR>/backups."),

    DRY_RUN_MODE("false", "Default dry-run for new tenants: notifications are captioned DRY RUN, nothing is published."),
    ENABLE_INSTAGRAM_API("false", "Default Instagram automation flag for new tenants."),
    POSTS_PER_DAY("3", "Default stories per day for new tenants (1-50)."),
    POSTING_HOURS_START("9", "Default start of the posting window, hour 0-23 in the tenant's zone."),
    POSTING_HOURS_END("21", "Default end of the posting window, hour 0-23 (end < start crosses midnight, end = start is 24 h)."),
    POSTING_TIMEZONE("UTC", "Default IANA time zone for new tenants, e.g. Europe/Berlin."),
    SCHEDULE_HORIZON_DAYS("7", "Days of slots kept planned ahead (1-90)."),
    REPOST_TTL_DAYS("30", "Days an item is locked after it was posted (1-3650)."),
    SKIP_TTL_DAYS("3", "Days an item is locked after it was skipped (0-3650)."),
    AVOID_REPOST_DAYS("7", "Days within which an item with the same content is not posted again (0-3650)."),
    NOTIFICATION_EXPIRY_HOURS("24", "Hours after which an unanswered notification expires (1-720)."),
    CATCH_UP_MINUTES("60", "After downtime, slots overdue by less than this are still sent (0-1440)."),
    MAX_ATTEMPTS("3", "Times a story is tried again after a failure or an interrupted try (1-10); then it ends as failed."),

    HEARTBEAT_SECONDS("15", "How often each tenant scheduler reports it is alive (1-3600)."),
    HEARTBEAT_TIMEOUT_SECONDS("60", "A scheduler silent for this long is redeployed (must exceed HEARTBEAT_SECONDS)."),

    HTTP_HOST("127.0.0.1", "Address of the HTTP server (health, metrics, admin API, signed media)."),
    HTTP_PORT("8080", "Port of the HTTP server (0 = any free port)."),
    ADMIN_TOKEN("", "Bearer token for /admin/*; empty = the admin API is off."),
    PUBLIC_BASE_URL("", "Public HTTPS address of the HTTP server (behind your reverse proxy); the Mini App lives at <it>/app/. Empty = no Mini App buttons."),
    MINIAPP_AUTH_MAX_AGE("24h", "How old a Mini App's Telegram sign-in (initData auth_date) may be: 90m, 24h, 7d or seconds."),
    TELEGRAM_MINIAPP_SHORT_NAME("", "The Mini App's short name from BotFather /newapp; groups then get a t.me/<bot>/<name> link."),

    ENCRYPTION_KEY("", "Base64 of 32 random bytes (openssl rand -base64 32); encrypts stored Instagram tokens."),
    INSTAGRAM_GRAPH_BASE_URL("https://graph.facebook.com", "Graph API base URL."),
    META_GRAPH_API_VERSION("v21.0", "Graph API version."),
    FACEBOOK_APP_ID("", "Meta app id, for refreshing long-lived tokens."),
    FACEBOOK_APP_SECRET("", "Meta app secret, for refreshing long-lived tokens."),
    MEDIA_HOSTING("self", "How Instagram fetches images: self (signed URLs served by Storyline) or cloudinary."),
    MEDIA_PUBLIC_BASE_URL("", "Public HTTPS base URL under which Storyline's HTTP server is reachable (MEDIA_HOSTING=self)."),
    CLOUDINARY_CLOUD_NAME("", "Cloudinary cloud name (MEDIA_HOSTING=cloudinary)."),
    CLOUDINARY_API_KEY("", "Cloudinary API key."),
    CLOUDINARY_API_SECRET("", "Cloudinary API secret."),
    CLOUDINARY_API_BASE_URL("https://api.cloudinary.com", "Cloudinary API base URL."),

    CLUSTER_ENABLED("false", "Join other nodes (serve --cluster): needs an external database and a MEDIA_DIR every node reads."),
    CLUSTER_HOST("127.0.0.1", "Address this node's cluster traffic (Hazelcast, the event bus) listens on."),
    CLUSTER_PORT("5701", "Hazelcast's port; the event bus listens on the next one (1024-65534)."),
    CLUSTER_MEMBERS("", "The other nodes, host:port,host:port (TCP/IP join; multicast is off)."),
    CLUSTER_PUBLIC_HOST("", "The address other nodes reach this one at, when not CLUSTER_HOST (NAT, containers)."),
    CLUSTER_TLS_CERT("", "PEM certificate of this node for the clustered event bus (required unless CLUSTER_HOST is loopback)."),
    CLUSTER_TLS_KEY("", "PEM private key of CLUSTER_TLS_CERT."),
    CLUSTER_TLS_CA("", "PEM CA every node's certificate is signed by (nodes verify each other)."),
    CLUSTER_LEASE_SECONDS("30", "How long a tenant's or the Telegram leader's lease runs without renewal (6-600); renewed every third of it."),

    LOG_LEVEL("INFO", "TRACE, DEBUG, INFO, WARN or ERROR."),
    LOG_FORMAT("text", "text (for people) or json (one object per line, for machines).");

    private final String defaultValue;
    private final String description;

    ConfigKey(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
