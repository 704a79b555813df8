package dev.storyline.instagram;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.InstagramBackfill;
import dev.storyline.bus.TelegramCall;
import dev.storyline.config.AppConfig;
import dev.storyline.media.MediaRoots;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.Locale;

/**
 * The backfill actor (D31): answers {@link Addresses#INSTAGRAM_BACKFILL} by importing what the tenant's
 * Instagram account already posted ({@link Backfill}). Asked from the chat, it keeps the chat's progress
 * message up to date, edited at most every {@link #EDIT_EVERY_MILLIS}.
 */
public final class BackfillVerticle extends VerticleBase {
    static final long EDIT_EVERY_MILLIS = 3_000;

    private final Pool pool;
    private final AppConfig.InstagramConfig config;
    private final InstagramAccountRepository accounts;
    private final MediaRoots roots;
    private final int repostDays;
    private final Clock clock;
    private Backfill backfill;
    private TenantRepository tenants;
    private EventBusClient bus;

    public BackfillVerticle(Pool pool, AppConfig.InstagramConfig config, InstagramAccountRepository accounts, MediaRoots roots,
                            int repostDays, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.accounts = accounts;
        this.roots = roots;
        this.repostDays = repostDays;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        backfill = new Backfill(vertx, pool, new GraphClient(vertx, config.graphBaseUrl(), config.graphApiVersion()), accounts, roots,
                repostDays, clock);
        tenants = new TenantRepository(pool);
        bus = new EventBusClient(vertx);
        return Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_BACKFILL, InstagramBackfill::fromJson,
                r -> run(r).map(InstagramBackfill.Summary::toJson)).completion();
    }

    @Override
    public Future<?> stop() {
        return backfill.close();
    }

    private Future<InstagramBackfill.Summary> run(InstagramBackfill request) {
        Backfill.Progress progress = request.chatId() == null || request.messageId() == null ? Backfill.Progress.NONE
                : new ChatProgress(request.chatId(), request.messageId());
        return tenants.required(request.tenantId()).compose(tenant -> backfill.run(tenant, request, progress));
    }

    /** The progress in the chat: one message, edited now and then (Telegram limits edits like messages). */
    private final class ChatProgress implements Backfill.Progress {
        private final long chatId;
        private final long messageId;
        private int toFetch;
        private long editedAt;

        ChatProgress(long chatId, long messageId) {
            this.chatId = chatId;
            this.messageId = messageId;
        }

        @Override
        public void listed(int listed, int toFetch) {
            this.toFetch = toFetch;
            edit(String.format(Locale.ROOT, "📥 Instagram lists %d posts and stories; %d are new here. Importing…", listed, toFetch));
        }

        @Override
        public void step(InstagramBackfill.Summary soFar) {
            long now = System.currentTimeMillis();
            if (now - editedAt < EDIT_EVERY_MILLIS) {
                return;
            }
            int done = soFar.imported() + soFar.duplicates() + soFar.skipped() + soFar.failed();
            edit(String.format(Locale.ROOT, "📥 Importing from Instagram: %d of %d (%d new in the library so far)…", done, toFetch,
                    soFar.imported()));
        }

        private void edit(String html) {
            editedAt = System.currentTimeMillis();
            bus.telegram(TelegramCall.json("editMessageText", new JsonObject().put("chat_id", chatId).put("message_id", messageId)
                    .put("text", html).put("parse_mode", "HTML"))).otherwiseEmpty();
        }
    }
}
