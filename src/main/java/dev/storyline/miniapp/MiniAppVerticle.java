package dev.storyline.miniapp;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.AppRequest;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.LockRemoval;
import dev.storyline.bus.TelegramCall;
import dev.storyline.config.AppConfig;
import dev.storyline.notice.Notices;
import dev.storyline.plan.Planner;
import dev.storyline.plan.QueueItem;
import dev.storyline.plan.QueueQueries;
import dev.storyline.plan.QueueRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.CategoryMix;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantAdmin;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.tenant.TenantSettingsPatch;
import dev.storyline.media.MediaRepository;
import dev.storyline.user.ChatAdmins;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The Mini App's actor (D30): answers {@code app.request} for a person the HTTP server has
 * authenticated. It decides what that person may see (teams whose chat they are in: the membership
 * the bot records, confirmed with Telegram's {@code getChatMember}, cached five minutes) and do
 * (changes need the chat's rights: a chat administrator or a Storyline admin), and does it with the
 * same rules as the chat: settings through {@link TenantAdmin} recorded with source {@code app},
 * {@code tenant.changed} announced, the chat told. It also uses up browser login links and makes
 * thumbnails on a worker.
 */
public final class MiniAppVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MiniAppVerticle.class);
    static final String NOT_A_MEMBER = "You are not a member of this team's chat.";
    /** The chat's own words for a change a member may not make (SettingsFlow, PostingFlow). */
    static final String SETTINGS_ADMINS_ONLY = "Only chat administrators can change settings.";
    static final String ADMINS_ONLY = "Only the chat's administrators can do that.";
    private static final Duration MEMBER_TTL = ChatAdmins.TTL;

    private enum Role { MEMBER, ADMIN }

    private record Seen(boolean member, Instant at) {
    }

    private final Pool pool;
    private final AppConfig.SchedulingConfig scheduling;
    private final Thumbnails thumbnails;
    private final Clock clock;
    private AppRepository app;
    private TenantRepository tenants;
    private CategoryMixRepository mixes;
    private QueueQueries queries;
    private QueueRepository queue;
    private MediaRepository library;
    private EventBusClient bus;
    private ChatAdmins chatAdmins;
    private final Map<String, Seen> members = new HashMap<>();

    public MiniAppVerticle(Pool pool, AppConfig.SchedulingConfig scheduling, Thumbnails thumbnails, Clock clock) {
        this.pool = pool;
        this.scheduling = scheduling;
        this.thumbnails = thumbnails;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        app = new AppRepository(pool);
        tenants = new TenantRepository(pool);
        mixes = new CategoryMixRepository(pool);
        queries = new QueueQueries(pool);
        queue = new QueueRepository(pool);
        library = new MediaRepository(pool);
        bus = new EventBusClient(vertx);
        chatAdmins = new ChatAdmins(chatId -> bus.telegram(TelegramCall.json("getChatAdministrators", new JsonObject().put("chat_id", chatId)))
                .map(result -> result.result() instanceof JsonArray list ? list : new JsonArray()), clock);
        return Future.all(
                Consumers.register(vertx.eventBus(), Addresses.APP_REQUEST, AppRequest::fromJson, this::handle).completion(),
                Consumers.register(vertx.eventBus(), Addresses.APP_LOGIN, AppRequest.Login::fromJson, this::login).completion(),
                Consumers.register(vertx.eventBus(), Addresses.APP_THUMBNAIL, AppRequest.Thumbnail::fromJson, this::thumbnail).completion());
    }

    private Future<JsonObject> handle(AppRequest request) {
        if (request.op() == AppRequest.Op.ME) {
            return me(request.userId());
        }
        long tenantId = request.tenantId();
        JsonObject p = request.params();
        return access(request.userId(), tenantId).compose(role -> tenants.required(tenantId).compose(tenant -> switch (request.op()) {
            case ACCESS -> Future.succeededFuture(new JsonObject().put("role", role.name().toLowerCase(java.util.Locale.ROOT)));
            case PLAN -> plan(tenant, role, p);
            case CANDIDATES -> candidates(tenant);
            case LIBRARY -> library(tenant, p);
            case HISTORY -> history(tenant, p);
            case STATS -> stats(tenant);
            case SETTINGS -> settings(tenant, role);
            case UPLOAD -> upload(tenant, request.userId(), p);
            default -> role != Role.ADMIN ? Future.failedFuture(ErrorCode.FORBIDDEN.failure(
                    request.op() == AppRequest.Op.CHANGE_SETTINGS ? SETTINGS_ADMINS_ONLY : ADMINS_ONLY)) : switch (request.op()) {
                case PLAN_NOW -> bus.plan(tenantId, null, Trigger.APP).map(Planner.TopOff::toJson)
                        .recover(e -> Future.failedFuture(ErrorCode.of(e) == ErrorCode.UNAVAILABLE
                                ? ErrorCode.CONFLICT.failure("The team is paused: resume it to plan.") : e));
                case MOVE_SLOT -> move(tenant, request.userId(), p);
                case SWAP_SLOT -> swap(tenant, p);
                case SKIP_SLOT -> skip(tenant, request.userId(), p);
                case UNLOCK -> bus.removeLock(new LockRemoval(tenantId, requiredLong(p, "mediaItemId"))).map(LockRemoval.Removed::toJson);
                case CHANGE_SETTINGS -> change(tenant, request.userId(), p);
                default -> Future.failedFuture(ErrorCode.INVALID_INPUT.failure("unknown operation " + request.op().wire()));
            };
        })).recover(e -> Future.failedFuture(e instanceof IllegalArgumentException ? ErrorCode.INVALID_INPUT.failure(e.getMessage()) : e));
    }

    // --- who may see what ---

    private Future<JsonObject> me(long userId) {
        return app.person(userId).compose(found -> {
            if (found.isEmpty() || !found.get().active()) {
                return Future.succeededFuture(new JsonObject().put("user", new JsonObject().put("id", userId)).put("tenants", new JsonArray()));
            }
            AppRepository.Person person = found.get();
            return app.teams(userId, person.storylineAdmin()).compose(teams -> {
                List<Future<JsonObject>> seen = new ArrayList<>();
                for (AppRepository.Team team : teams) {
                    seen.add(access(userId, team.chatId()).map(role -> new JsonObject().put("chatId", team.chatId()).put("title", team.title())
                            .put("chatType", team.chatType()).put("paused", team.paused()).put("role", role.name().toLowerCase(java.util.Locale.ROOT)))
                            .otherwise((JsonObject) null));
                }
                return Future.join(seen).transform(done -> {
                    JsonArray list = new JsonArray();
                    seen.forEach(f -> {
                        if (f.result() != null) {
                            list.add(f.result());
                        }
                    });
                    return Future.succeededFuture(new JsonObject().put("user", new JsonObject().put("id", userId)
                            .put("username", person.username()).put("firstName", person.firstName())
                            .put("storylineAdmin", person.storylineAdmin())).put("tenants", list));
                });
            });
        });
    }

    /**
     * The person's role in a team, or {@link ErrorCode#FORBIDDEN}: a Storyline admin administers every
     * team; anyone else must have been seen in its chat and still be in it (Telegram's word, cached;
     * when Telegram cannot be asked, the membership the bot recorded stands, for reading).
     */
    private Future<Role> access(long userId, long tenantId) {
        return app.person(userId).compose(person -> {
            if (person.isEmpty()) {
                return forbidden();
            }
            if (!person.get().active()) {
                return Future.failedFuture(ErrorCode.FORBIDDEN.failure("Your access to Storyline is switched off; ask its admin."));
            }
            return tenants.findById(tenantId).compose(tenant -> {
                if (tenant.isEmpty() || !Tenant.APPROVED.equals(tenant.get().state())) {
                    return forbidden();
                }
                if (person.get().storylineAdmin()) {
                    return Future.succeededFuture(Role.ADMIN);
                }
                return app.member(tenantId, userId).compose(member -> !member ? forbidden() : chatAdmins.isAdmin(tenantId, userId)
                        .compose(admin -> admin ? Future.succeededFuture(Role.ADMIN) : stillMember(tenantId, userId)
                                .compose(in -> in ? Future.succeededFuture(Role.MEMBER) : forbidden()))
                        .recover(e -> {
                            if (ErrorCode.of(e) == ErrorCode.FORBIDDEN) {
                                return Future.failedFuture(e);
                            }
                            LOG.debug("Tenant {}: Telegram could not confirm a member ({}); the recorded membership stands", tenantId, e.getMessage());
                            return Future.succeededFuture(Role.MEMBER);
                        }));
            });
        });
    }

    private Future<Boolean> stillMember(long tenantId, long userId) {
        String key = tenantId + ":" + userId;
        Seen seen = members.get(key);
        Instant now = clock.instant();
        if (seen != null && Duration.between(seen.at(), now).compareTo(MEMBER_TTL) < 0) {
            return Future.succeededFuture(seen.member());
        }
        return bus.telegram(TelegramCall.json("getChatMember", new JsonObject().put("chat_id", tenantId).put("user_id", userId)))
                .map(result -> {
                    String status = result.message().getString("status", "");
                    boolean in = switch (status) {
                        case "creator", "administrator", "member" -> true;
                        case "restricted" -> result.message().getBoolean("is_member", true);
                        default -> false;
                    };
                    if (members.size() > 50_000) {
                        members.clear();
                    }
                    members.put(key, new Seen(in, now));
                    return in;
                });
    }

    private static <T> Future<T> forbidden() {
        return Future.failedFuture(ErrorCode.FORBIDDEN.failure(NOT_A_MEMBER));
    }

    // --- reading ---

    private Future<JsonObject> plan(Tenant tenant, Role role, JsonObject p) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        Instant now = clock.instant();
        int days = intIn(p, "days", 7, 1, 31);
        LocalDate from = p.getString("from") == null ? now.atZone(zone).toLocalDate() : date(p.getString("from"));
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = from.plusDays(days).atStartOfDay(zone).toInstant();
        return app.plan(tenant.id(), start, end).map(slots -> {
            JsonArray list = new JsonArray();
            for (JsonObject slot : slots) {
                list.add(withThumb(tenant.id(), slot, now).put("movable", QueueItem.PLANNED.equals(slot.getString("state"))
                        && slot.getInteger("attempts", 0) == 0));
            }
            return new JsonObject().put("tenant", team(tenant)).put("role", role.name().toLowerCase(java.util.Locale.ROOT))
                    .put("from", from.toString()).put("days", days).put("now", now.toString()).put("slots", list);
        });
    }

    private Future<JsonObject> candidates(Tenant tenant) {
        return Planner.eligible(pool, tenant.id(), clock.instant(), scheduling.avoidRepostDays(), 60)
                .compose(found -> app.library(tenant.id(), clock.instant(), null, null, 10_000, 0).map(items -> {
                    Map<Long, JsonObject> byId = new HashMap<>();
                    items.forEach(item -> byId.put(item.getLong("id"), item));
                    JsonArray list = new JsonArray();
                    Instant now = clock.instant();
                    for (Planner.Candidate c : found) {
                        JsonObject item = byId.get(c.id());
                        if (item != null) {
                            list.add(withThumb(tenant.id(), item.copy().put("mediaId", c.id()), now));
                        }
                    }
                    return new JsonObject().put("items", list);
                }));
    }

    private Future<JsonObject> library(Tenant tenant, JsonObject p) {
        String filter = p.getString("filter");
        if (filter != null && !List.of("never", "locked", "rejected", "videos").contains(filter)) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("filter must be never, locked, rejected or videos"));
        }
        int limit = intIn(p, "limit", 30, 1, 120);
        int offset = intIn(p, "offset", 0, 0, 1_000_000);
        Instant now = clock.instant();
        return app.library(tenant.id(), now, blankToNull(p.getString("category")), filter, limit, offset)
                .compose(items -> library.counts(tenant.id()).compose(counts -> library.categories(tenant.id())
                        .compose(categories -> bus.runway(tenant.id()).map(runway -> {
                            JsonArray list = new JsonArray();
                            long total = 0;
                            for (JsonObject item : items) {
                                total = item.getLong("total", 0L);
                                item.remove("total");
                                list.add(withThumb(tenant.id(), item.put("mediaId", item.getLong("id")), now));
                            }
                            JsonObject cats = new JsonObject();
                            categories.forEach(cats::put);
                            return new JsonObject().put("items", list).put("total", total).put("offset", offset).put("limit", limit)
                                    .put("counts", new JsonObject().put("active", counts.active()).put("images", counts.images())
                                            .put("videos", counts.videos()).put("neverPosted", counts.neverPosted()).put("locked", counts.locked()))
                                    .put("categories", cats).put("runway", runway.toJson().getJsonArray("runway"));
                        }))));
    }

    private Future<JsonObject> history(Tenant tenant, JsonObject p) {
        String outcome = blankToNull(p.getString("outcome"));
        if (outcome != null && !List.of("posted", "skipped", "rejected", "expired", "failed").contains(outcome)) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("outcome must be posted, skipped, rejected, expired or failed"));
        }
        Long person = p.getValue("person") == null ? null : requiredLong(p, "person");
        Instant now = clock.instant();
        return app.history(tenant.id(), outcome, person, intIn(p, "limit", 50, 1, 200)).map(items -> {
            JsonArray list = new JsonArray();
            items.forEach(item -> {
                String who = item.getString("username") != null ? "@" + item.getString("username") : item.getString("firstName");
                if (who == null && "instagram".equals(item.getString("route")) && "posted".equals(item.getString("outcome"))) {
                    who = QueueQueries.HistoryLine.STORYLINE;
                }
                list.add(withThumb(tenant.id(), item.put("who", who), now));
            });
            return new JsonObject().put("items", list);
        });
    }

    private Future<JsonObject> stats(Tenant tenant) {
        Instant now = clock.instant();
        return queries.stats(tenant.id(), now).compose(stats -> app.daily(tenant.id(), now.minus(Duration.ofDays(30)), tenant.timezone())
                .compose(daily -> app.byCategory(tenant.id(), now.minus(Duration.ofDays(30))).map(categories -> {
                    JsonObject outcomes = new JsonObject();
                    stats.outcomes().forEach((k, v) -> outcomes.put(k, new JsonObject().put("last7", v.last7()).put("last30", v.last30())));
                    JsonObject people = new JsonObject();
                    stats.people().forEach((k, v) -> people.put(k, new JsonObject().put("last7", v.last7()).put("last30", v.last30())));
                    return new JsonObject().put("outcomes", outcomes).put("people", people)
                            .put("medianSecondsToPost", stats.medianTimeToPost() == null ? null : stats.medianTimeToPost().toSeconds())
                            .put("daily", daily).put("categories", categories);
                }))).compose(page -> bus.instagramInsights(tenant.id()) // D31: the stories' Instagram figures, when there are any
                .map(insights -> page.put("instagram", insights.getJsonArray("stories")))
                .otherwise(e -> page.put("instagram", new io.vertx.core.json.JsonArray())));
    }

    private Future<JsonObject> settings(Tenant tenant, Role role) {
        return mixes.current(tenant.id()).compose(mix -> library.categories(tenant.id())
                .compose(categories -> bus.instagramStatus(tenant.id()).map(s -> s.toJson()).otherwise((JsonObject) null)
                        .compose(instagram -> bus.runway(tenant.id()).map(runway -> {
                            JsonObject percents = new JsonObject();
                            mix.percents().forEach(percents::put);
                            return new JsonObject().put("tenant", team(tenant)).put("role", role.name().toLowerCase(java.util.Locale.ROOT))
                                    .put("categoryMix", percents).put("categories", new JsonArray(new ArrayList<>(categories.keySet())))
                                    .put("instagram", instagram).put("runway", runway.toJson().getJsonArray("runway"));
                        }))));
    }

    // --- changing ---

    private Future<JsonObject> move(Tenant tenant, long userId, JsonObject p) {
        long slotId = requiredLong(p, "slotId");
        ZoneId zone = ZoneId.of(tenant.timezone());
        Instant at;
        try {
            String raw = p.getString("at", "");
            at = raw.endsWith("Z") || raw.matches(".*[+-]\\d\\d:\\d\\d$") ? Instant.parse(raw.endsWith("Z") ? raw
                    : java.time.OffsetDateTime.parse(raw).toInstant().toString()) : LocalDateTime.parse(raw).atZone(zone).toInstant();
        } catch (DateTimeParseException | ClassCastException e) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("at must be a time like 2026-12-05T14:30"));
        }
        Instant now = clock.instant();
        if (!at.isAfter(now.plus(Duration.ofMinutes(1)))) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("a slot can only move to a time still to come"));
        }
        if (!insideWindow(tenant, at.atZone(zone).toLocalTime())) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("that time is outside the posting hours " + tenant.window()));
        }
        return app.move(tenant.id(), slotId, at, userId, now).compose(moved -> moved ? Future.succeededFuture(new JsonObject()
                .put("slotId", slotId).put("at", at.toString())).onSuccess(v -> bus.wake(tenant.id())) : gone(tenant, slotId));
    }

    private Future<JsonObject> swap(Tenant tenant, JsonObject p) {
        long slotId = requiredLong(p, "slotId");
        long mediaItemId = requiredLong(p, "mediaItemId");
        return Planner.eligible(pool, tenant.id(), clock.instant(), scheduling.avoidRepostDays(), 500).compose(found -> {
            if (found.stream().noneMatch(c -> c.id() == mediaItemId)) {
                return Future.failedFuture(ErrorCode.INVALID_INPUT.failure(
                        "that item cannot be planned now: it is locked, planned already, or was posted recently"));
            }
            return app.swap(tenant.id(), slotId, mediaItemId).compose(done -> done
                    ? Future.succeededFuture(new JsonObject().put("slotId", slotId).put("mediaItemId", mediaItemId)) : gone(tenant, slotId));
        });
    }

    private Future<JsonObject> skip(Tenant tenant, long userId, JsonObject p) {
        long slotId = requiredLong(p, "slotId");
        return queue.finish(tenant.id(), slotId, "skipped", userId, clock.instant(), scheduling.repostTtlDays(), scheduling.skipTtlDays(),
                "skipped in the planner", QueueItem.PLANNED).compose(done -> done.isPresent()
                ? Future.succeededFuture(new JsonObject().put("slotId", slotId).put("outcome", "skipped")) : gone(tenant, slotId));
    }

    /** A slot that is not planned any more (on its way, waiting for a person, or ended): 409, and the page reloads it. */
    private Future<JsonObject> gone(Tenant tenant, long slotId) {
        return app.slotState(tenant.id(), slotId).compose(state -> Future.failedFuture(ErrorCode.CONFLICT.failure(state
                .map(s -> "This slot is " + s + " now: it can no longer change.").orElse("This slot was sent or ended meanwhile."))));
    }

    private Future<JsonObject> change(Tenant tenant, long userId, JsonObject body) {
        JsonObject patch = body.copy();
        Object paused = patch.remove("paused");
        if (paused != null && !(paused instanceof Boolean)) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("paused must be true or false"));
        }
        UnaryOperator<Tenant> edit;
        Optional<CategoryMix> mix;
        try {
            // pausing alone is a change of its own (the admin API has /pause for it)
            edit = paused != null && patch.isEmpty() ? t -> t : TenantSettingsPatch.parse(patch);
            mix = TenantSettingsPatch.mix(patch);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure(e.getMessage()));
        }
        TenantRepository.Actor actor = new TenantRepository.Actor(userId, "app", null, null, null);
        TenantAdmin admin = new TenantAdmin(tenants, mixes, new Notices(pool, vertx.eventBus()), bus::tenantChanged, clock);
        return admin.changeSettings(tenant, actor, edit, mix).compose(change -> paused == null || change.tenant().paused() == (Boolean) paused
                ? Future.succeededFuture(change.tenant())
                : admin.setPaused(change.tenant(), (Boolean) paused, actor, "paused in the planner").map(TenantRepository.Change::tenant))
                .compose(changed -> settings(changed, Role.ADMIN));
    }

    /** A file the HTTP server received for the library: checked and kept as one sent in the chat (anyone in the chat may add). */
    private Future<JsonObject> upload(Tenant tenant, long userId, JsonObject p) {
        return bus.uploadMedia(dev.storyline.bus.MediaUpload.received(tenant.id(), userId, p.getString("uploadId"), p.getString("fileName"),
                p.getString("mimeType"), p.getLong("fileSize", 0L), p.getString("caption"))).map(dev.storyline.bus.MediaUploadResult::toJson);
    }

    // --- login links and thumbnails ---

    private Future<JsonObject> login(AppRequest.Login login) {
        byte[] hash;
        try {
            hash = java.util.HexFormat.of().parseHex(login.sha256());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("sha256 must be hex"));
        }
        return app.useLogin(hash, clock.instant()).compose(user -> user.isPresent()
                ? Future.succeededFuture(new JsonObject().put("userId", user.get()))
                : Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("This login link was used already or has expired: send /login to the bot again.")));
    }

    private Future<JsonObject> thumbnail(AppRequest.Thumbnail wanted) {
        return app.item(wanted.tenantId(), wanted.mediaItemId()).compose(item -> {
            if (item.isEmpty() || !Thumbnails.name(item.get().id(), item.get().fileHash(), item.get().mimeType())
                    .filter(wanted.name()::equals).isPresent()) {
                return Future.failedFuture(ErrorCode.NOT_FOUND.failure("no such thumbnail"));
            }
            return vertx.executeBlocking(() -> {
                Thumbnails.make(item.get().path(), thumbnails.file(wanted.tenantId(), wanted.name()));
                return new JsonObject();
            }, false);
        });
    }

    /** The SHA-256 of a login link's token: what is stored and looked up. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- helpers ---

    private JsonObject withThumb(long tenantId, JsonObject item, Instant now) {
        Long mediaId = item.getLong("mediaId");
        String mime = item.getString("mimeType");
        item.put("thumb", mediaId == null ? null : thumbnails.link(tenantId, mediaId, item.getString("fileHash"), mime, now));
        item.put("video", mime != null && mime.startsWith("video/"));
        item.remove("fileHash");
        return item;
    }

    private static JsonObject team(Tenant tenant) {
        return new JsonObject().put("chatId", tenant.id()).put("title", tenant.title()).put("timezone", tenant.timezone())
                .put("postsPerDay", tenant.postsPerDay()).put("hours", tenant.postingHoursStart() + "-" + tenant.postingHoursEnd())
                .put("hoursStart", tenant.postingHoursStart()).put("hoursEnd", tenant.postingHoursEnd())
                .put("paused", tenant.paused()).put("dryRun", tenant.dryRun()).put("instagram", tenant.instagramEnabled());
    }

    /** Inside the posting hours {@code [start, end)}; a window across midnight wraps, one of equal hours is the whole day. */
    static boolean insideWindow(Tenant tenant, LocalTime time) {
        int start = tenant.postingHoursStart();
        int end = tenant.postingHoursEnd();
        LocalTime from = LocalTime.of(start, 0);
        LocalTime to = LocalTime.of(end, 0);
        if (start == end) {
            return true;
        }
        return start < end ? !time.isBefore(from) && time.isBefore(to) : !time.isBefore(from) || time.isBefore(to);
    }

    private static LocalDate date(String raw) {
        try {
            return LocalDate.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("from must be a date like 2026-12-05");
        }
    }

    private static int intIn(JsonObject p, String field, int fallback, int min, int max) {
        Object raw = p.getValue(field);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = raw instanceof Number n ? n.intValue() : Integer.parseInt(raw.toString());
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a whole number");
        }
    }

    private static long requiredLong(JsonObject p, String field) {
        Object raw = p.getValue(field);
        try {
            return raw instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(raw));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
