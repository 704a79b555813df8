package dev.storyline.bot;

import dev.storyline.config.AppConfig.MiniAppConfig;
import dev.storyline.tenant.Tenant;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Where the "📅 Open planner" buttons lead (D30). In a private chat a {@code web_app} button opens the
 * Mini App at once; groups and channels refuse those, so they get a {@code url} button: to the app's
 * t.me link ({@code https://t.me/<bot>/<short name>?startapp=<tenant>}) when BotFather's short name
 * is configured, else to the private chat ({@code https://t.me/<bot>?start=app_<tenant>}), where the
 * bot answers with the {@code web_app} button. No button at all while {@code PUBLIC_BASE_URL} is unset.
 * Used on the Telegram verticle's event loop only.
 */
public final class PlannerLinks {
    public static final String LABEL = "📅 Open planner";
    public static final String START_PREFIX = "app_";

    private final MiniAppConfig config;
    private String botUsername = "";

    public PlannerLinks(MiniAppConfig config) {
        this.config = config;
    }

    /** Learned from {@code getMe}. */
    public void identity(String username) {
        botUsername = username == null ? "" : username;
    }

    public boolean enabled() {
        return config.appUrl().isPresent();
    }

    /** The button under {@code /status}, {@code /settings} and {@code /queue} of {@code tenant}, shown in {@code chatType}. */
    public Optional<JsonObject> button(Tenant tenant, boolean privateChat) {
        if (!enabled()) {
            return Optional.empty();
        }
        if (privateChat) {
            return webApp(tenant.id());
        }
        if (botUsername.isEmpty()) {
            return Optional.empty();
        }
        String url = config.shortName().map(name -> "https://t.me/" + botUsername + "/" + name + "?startapp=" + tenant.id())
                .orElse("https://t.me/" + botUsername + "?start=" + START_PREFIX + tenant.id());
        return Optional.of(new JsonObject().put("text", LABEL).put("url", url));
    }

    /** A {@code web_app} button that opens the planner on {@code tenantId} (null: the person's first team). */
    public Optional<JsonObject> webApp(Long tenantId) {
        return config.appUrl().map(url -> new JsonObject().put("text", LABEL)
                .put("web_app", new JsonObject().put("url", tenantId == null ? url : url + "?tenant=" + tenantId)));
    }

    /** The private chats' menu button ({@code setChatMenuButton}), when the app has an address. */
    public Optional<JsonObject> menuButton() {
        return config.appUrl().map(url -> new JsonObject().put("type", "web_app").put("text", "Planner")
                .put("web_app", new JsonObject().put("url", url)));
    }

    /** The browser login link for a one-time {@code token}. */
    public Optional<String> loginUrl(String token) {
        return config.appUrl().map(url -> url + "login?token=" + token);
    }

    /** The tenant a {@code /start app_<id>} deep link names. */
    public static Optional<Long> startTenant(String args) {
        String arg = args == null ? "" : args.trim();
        if (!arg.startsWith(START_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(arg.substring(START_PREFIX.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code markup} with the planner button as its last row (a keyboard of its own when {@code markup} is null). */
    public static JsonObject withButton(JsonObject markup, Optional<JsonObject> button) {
        if (button.isEmpty()) {
            return markup;
        }
        JsonObject keyboard = markup == null ? new JsonObject().put("inline_keyboard", new io.vertx.core.json.JsonArray()) : markup.copy();
        keyboard.getJsonArray("inline_keyboard").add(new io.vertx.core.json.JsonArray().add(button.get()));
        return keyboard;
    }
}
