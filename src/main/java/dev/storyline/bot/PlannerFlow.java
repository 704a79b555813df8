package dev.storyline.bot;

import dev.storyline.miniapp.MiniAppVerticle;
import dev.storyline.telegram.Html;
import io.vertx.core.Future;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The planner from the chat (D30): {@code /start app_<tenant>} (where a group's "📅 Open planner"
 * leads when no BotFather short name is set) answers in private with the {@code web_app} button, and
 * {@code /login} sends a one-time browser link (ten minutes, used once) that signs the browser in for
 * seven days.
 */
final class PlannerFlow {
    static final Duration LOGIN_LINK_LIFE = Duration.ofMinutes(10);
    static final String NO_ADDRESS = "The planner has no address yet: the operator sets PUBLIC_BASE_URL (see docs/operations.md).";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BotServices s;

    PlannerFlow(BotServices services) {
        this.s = services;
    }

    Future<Void> open(Incoming in, long tenantId) {
        return s.planner().webApp(tenantId)
                .map(button -> s.replies().send(in.chatId(), "📅 Open the planner of this team:",
                        PlannerLinks.withButton(null, java.util.Optional.of(button))))
                .orElseGet(() -> s.replies().send(in.chatId(), NO_ADDRESS)).mapEmpty();
    }

    Future<Void> login(Incoming in) {
        if (!in.chat().isPrivate()) {
            return s.replies().send(in.chatId(), "Send /login to me in a private chat: the link is for you alone.").mapEmpty();
        }
        if (!s.planner().enabled() || in.person() == null) {
            return s.replies().send(in.chatId(), NO_ADDRESS).mapEmpty();
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = s.clock().instant();
        return s.app().createLogin(MiniAppVerticle.sha256(token), in.person().userId(), now, now.plus(LOGIN_LINK_LIFE))
                .compose(v -> s.replies().send(in.chatId(), "🔑 Your link to the planner in a browser, valid for 10 minutes and once:\n"
                        + Html.escape(s.planner().loginUrl(token).orElseThrow())
                        + "\nIt signs that browser in for 7 days. Do not forward it."))
                .mapEmpty();
    }
}
