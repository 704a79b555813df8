package dev.storyline.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Instagram Graph API for tests, over real HTTP: accounts and tokens, {@code debug_token},
 * {@code fb_exchange_token}, the publishing limit, STORIES containers that fetch their
 * {@code image_url} (so a bad signed link fails as it would at Meta) and move IN_PROGRESS → FINISHED →
 * PUBLISHED, {@code media_publish}, permalinks, Graph's error envelope, and injectable faults: an
 * error code on the next call to a path, an expired token, and a publish whose answer is lost after
 * it succeeded.
 */
public final class FakeGraph implements AutoCloseable {
    public static final String VERSION = "v21.0";

    /**
     * A file the fake fetched from a URL it was given: an image whole; a video first by a range request
     * ({@code contentRange} what the server answered), then whole ({@code video} its MP4 header was there).
     */
    public record Fetch(String url, int status, String contentType, int bytes, boolean jpeg, String contentRange, boolean video) {
    }

    /** A story the fake published. */
    public record Published(String accountId, String containerId, String mediaId, String imageUrl) {
    }

    private record Fault(int httpStatus, int code, String message) {
    }

    /** A call to {@code /{media-id}/insights}: which story, when by the fake's clock, and which metrics. */
    public record InsightsCall(String mediaId, java.time.Instant at, String metric) {
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final WebClient web = WebClient.create(vertx);
    private final HttpServer server;

    // state, guarded by this
    private final Map<String, String> tokens = new HashMap<>();          // token → account id
    private final Map<String, Long> tokenExpiry = new HashMap<>();       // token → expires_at (0 = never)
    private final Map<String, String> usernames = new HashMap<>();
    private final Map<String, String> containers = new HashMap<>();      // container → status
    private final Map<String, String> containerImage = new HashMap<>();
    private final Map<String, Integer> pollsLeft = new HashMap<>();
    private final Map<String, String> media = new HashMap<>();           // media id → permalink
    private final Map<String, String> containerAccount = new HashMap<>();
    private final Map<String, Deque<String>> scripted = new HashMap<>(); // container → statuses its next reads answer
    private final List<String> secretsInUrls = new ArrayList<>();
    private final List<Fetch> fetches = new ArrayList<>();
    private final List<Published> published = new ArrayList<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    private final Map<String, java.time.Instant> postedAt = new HashMap<>();   // media id → when it went live
    private final Map<String, String> mediaTypes = new HashMap<>();            // media id → VIDEO (else IMAGE)
    private final Map<String, String> contentTypes = new HashMap<>();
    private final Map<String, Integer> followers = new HashMap<>();           // account → followers_count (1,000 unless set)          // media id → its file's Content-Type
    private final List<InsightsCall> insightsCalls = new ArrayList<>();
    private final Map<String, List<Post>> posts = new HashMap<>();             // account → its feed posts, oldest first
    private final Map<String, byte[]> files = new HashMap<>();                 // media id → the file its media_url serves
    private final Map<String, List<String>> mediaPages = new HashMap<>();      // account → the after cursor of each /media call ("" = first)
    private final List<String> downloads = new ArrayList<>();
    private java.util.function.Supplier<java.time.Instant> now = java.time.Instant::now;
    private int quotaUsage;
    private int quotaTotal = 25;
    private int pollsBeforeFinished = 1;
    private int videoPollsBeforeFinished = 3;
    private boolean loseNextPublishAnswer;
    private int failedReadsAfterLostAnswer;
    private long nextId = 17_900_000_000_000L;
    private long refreshes;

    public FakeGraph() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.get("/cdn/:id").handler(this::cdn);
        router.route("/" + VERSION + "/*").handler(this::api);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    // --- the test side ---

    /** An account and a token that works for it, expiring at {@code expiresAt} epoch seconds (0 = never). */
    public synchronized void account(String accountId, String username, String token, long expiresAt) {
        usernames.put(accountId, username);
        tokens.put(token, accountId);
        tokenExpiry.put(token, expiresAt);
    }

    /** From now on this token is refused with code 190 (as when a user changed their password). */
    public synchronized void expireToken(String token) {
        tokenExpiry.put(token, 1L);
    }

    /** The next {@code times} calls whose path ends with {@code pathSuffix} fail with this Graph error. */
    public synchronized void failNext(String pathSuffix, int times, int httpStatus, int code, String message) {
        Deque<Fault> queue = faults.computeIfAbsent(pathSuffix, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(new Fault(httpStatus, code, message));
        }
    }

    /** The next media_publish succeeds, but its answer never reaches the caller (the connection drops). */
    public synchronized void loseNextPublishAnswer() {
        loseNextPublishAnswer(0);
    }

    /** As {@link #loseNextPublishAnswer()}, and the next {@code failedReads} container reads after it fail (500): the outcome stays unknown. */
    public synchronized void loseNextPublishAnswer(int failedReads) {
        loseNextPublishAnswer = true;
        failedReadsAfterLostAnswer = failedReads;
    }

    public synchronized void quota(int usage, int total) {
        quotaUsage = usage;
        quotaTotal = total;
    }

    /** A container as an earlier attempt left it (FINISHED, PUBLISHED...); its id. */
    public synchronized String container(String status) {
        String id = String.valueOf(nextId++);
        containers.put(id, status);
        pollsLeft.put(id, 0);
        containerImage.put(id, "(made by the test)");
        return id;
    }

    /**
     * A container of the account that earlier reads see with the given statuses in turn, the last one
     * for good; reaching PUBLISHED publishes it (as another attempt or a lost answer did), so it is
     * among {@link #published()} and the account's stories.
     */
    public synchronized String container(String accountId, String... statuses) {
        String id = container(statuses[0]);
        containerAccount.put(id, accountId);
        scripted.put(id, new ArrayDeque<>(List.of(statuses)));
        if ("PUBLISHED".equals(statuses[0])) {
            publishedElsewhere(id);
        }
        return id;
    }

    /** Every request whose URL carried a token or a secret (Graph keeps them out of URLs: headers and bodies only). */
    public synchronized List<String> secretsInUrls() {
        return List.copyOf(secretsInUrls);
    }

    public synchronized List<Fetch> fetches() {
        return List.copyOf(fetches);
    }

    public synchronized List<Published> published() {
        return List.copyOf(published);
    }

    public synchronized long refreshes() {
        return refreshes;
    }

    /** The token the fake last issued by fb_exchange_token, or null. */
    public synchronized String lastIssuedToken() {
        return tokens.keySet().stream().filter(t -> t.startsWith("refreshed-")).max(String::compareTo).orElse(null);
    }

    // --- the API ---

    private void api(RoutingContext ctx) {
        String path = ctx.request().path().substring(VERSION.length() + 2);
        MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().params());
        if (ctx.request().method().name().equals("POST")) {
            params.addAll(ctx.request().formAttributes());
        }
        String method = ctx.request().method().name();
        for (String secret : List.of("access_token", "client_secret", "fb_exchange_token", "input_token")) {
            if (ctx.queryParams().contains(secret)) {
                synchronized (this) {
                    secretsInUrls.add(method + " " + path + " ?" + secret);
                }
            }
        }
        if (path.endsWith("/insights")) {
            synchronized (this) {
                insightsCalls.add(new InsightsCall(path.substring(0, path.indexOf('/')), now.get(), params.get("metric")));
            }
        }
        Fault fault;
        synchronized (this) {
            fault = faults.entrySet().stream().filter(e -> path.endsWith(e.getKey()) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().poll()).findFirst().orElse(null);
        }
        if (fault != null) {
            error(ctx, fault.httpStatus(), fault.code(), fault.message());
            return;
        }
        if (path.equals("oauth/access_token")) {
            exchange(ctx, params);
            return;
        }
        if (path.equals("debug_token")) {
            debugToken(ctx, params);
            return;
        }
        String bearer = ctx.request().getHeader("Authorization");
        String accountOfToken = tokenAccount(bearer != null && bearer.startsWith("Bearer ") ? bearer.substring(7)
                : ctx.request().formAttributes().get("access_token"));
        if (accountOfToken == null) {
            error(ctx, 400, 190, "Error validating access token: Session has expired");
            return;
        }
        String[] parts = path.split("/");
        if (parts.length == 1 && method.equals("GET")) {
            read(ctx, parts[0], params.get("fields"));
        } else if (parts.length == 2 && parts[1].equals("insights") && method.equals("GET")) {
            insights(ctx, parts[0], params.get("metric"), params.get("breakdown"));
        } else if (parts.length == 2 && parts[1].equals("media") && method.equals("GET")) {
            mediaList(ctx, parts[0], params);
        } else if (parts.length == 2 && parts[1].equals("stories") && method.equals("GET")) {
            stories(ctx, parts[0], params.get("fields"));
        } else if (parts.length == 2 && parts[1].equals("content_publishing_limit")) {
            synchronized (this) {
                ctx.json(new JsonObject().put("data", new JsonArray().add(new JsonObject().put("quota_usage", quotaUsage)
                        .put("config", new JsonObject().put("quota_total", quotaTotal).put("quota_duration", 86400)))));
            }
        } else if (parts.length == 2 && parts[1].equals("media") && method.equals("POST")) {
            createContainer(ctx, parts[0], params);
        } else if (parts.length == 2 && parts[1].equals("media_publish") && method.equals("POST")) {
            publish(ctx, parts[0], params.get("creation_id"));
        } else {
            error(ctx, 400, 100, "Unsupported request: " + method + " " + path);
        }
    }

    private synchronized String tokenAccount(String token) {
        if (token == null || !tokens.containsKey(token)) {
            return null;
        }
        long expiry = tokenExpiry.getOrDefault(token, 0L);
        return expiry != 0 && expiry <= System.currentTimeMillis() / 1000 ? null : tokens.get(token);
    }

    private synchronized void read(RoutingContext ctx, String id, String fields) {
        if (usernames.containsKey(id)) {
            JsonObject account = new JsonObject().put("id", id).put("username", usernames.get(id));
            if (fields != null && fields.contains("followers_count")) {
                account.put("followers_count", followers.getOrDefault(id, 1000));
            }
            ctx.json(account);
        } else if (containers.containsKey(id)) {
            if (failedReadsAfterLostAnswer > 0 && !loseNextPublishAnswer) {
                failedReadsAfterLostAnswer--;
                error(ctx, 500, 2, "An unexpected error has occurred. Please retry your request later.");
                return;
            }
            Deque<String> script = scripted.get(id);
            if (script != null && !script.isEmpty()) {
                containers.put(id, script.size() > 1 ? script.poll() : script.peek());
                if ("PUBLISHED".equals(containers.get(id)) && published.stream().noneMatch(p -> p.containerId().equals(id))) {
                    publishedElsewhere(id);
                }
            }
            String status = containers.get(id);
            if ("IN_PROGRESS".equals(status)) {
                int left = pollsLeft.merge(id, -1, Integer::sum);
                if (left <= 0) {
                    containers.put(id, "FINISHED");
                }
            }
            ctx.json(new JsonObject().put("id", id).put("status_code", status));
        } else if (media.containsKey(id)) {
            ctx.json(new JsonObject().put("id", id).put("permalink", media.get(id)));
        } else {
            error(ctx, 400, 100, "Unsupported get request. Object with ID '" + id + "' does not exist");
        }
    }

    /** The clock the fake's stories age by (the application's business clock in a test); the system's by default. */
    public synchronized void clock(java.util.function.Supplier<java.time.Instant> clock) {
        this.now = clock;
    }

    /** A story the account posted at {@code at} (by hand, or before Storyline), with its media id. */
    public synchronized void liveStory(String accountId, String mediaId, java.time.Instant at, String mediaType) {
        liveStory(accountId, mediaId, at);
        mediaTypes.put(mediaId, mediaType);
    }

    public synchronized void liveStory(String accountId, String mediaId, java.time.Instant at) {
        media.put(mediaId, "https://www.instagram.com/stories/" + usernames.get(accountId) + "/" + mediaId + "/");
        published.add(new Published(accountId, null, mediaId, null));
        postedAt.put(mediaId, at);
    }

    /** A post of the account's feed (what {@code GET /{ig-user-id}/media} lists), and the file its {@code media_url} serves (null: none offered). */
    public record Post(String mediaId, java.time.Instant at, String mediaType, String contentType) {
    }

    /** The account posted this to its feed at {@code at}; {@code file} is served at its media_url (null: Graph offers no media_url). */
    public synchronized void post(String accountId, String mediaId, java.time.Instant at, String mediaType, byte[] file, String contentType) {
        posts.computeIfAbsent(accountId, a -> new ArrayList<>()).add(new Post(mediaId, at, mediaType, contentType));
        media.put(mediaId, "https://www.instagram.com/p/" + mediaId + "/");
        if (file != null) {
            files.put(mediaId, file);
            contentTypes.put(mediaId, contentType);
        }
    }

    /** A live story as {@link #liveStory(String, String, java.time.Instant, String)}, whose media_url serves {@code file}. */
    public synchronized void liveStory(String accountId, String mediaId, java.time.Instant at, String mediaType, byte[] file, String contentType) {
        liveStory(accountId, mediaId, at, mediaType);
        files.put(mediaId, file);
        contentTypes.put(mediaId, contentType);
    }

    /** The account's follower count from now on. */
    public synchronized void followers(String accountId, int count) {
        followers.put(accountId, count);
    }

    /** The {@code after} cursor of every media listing of the account read, in order ({@code ""} for a first page). */
    public synchronized List<String> mediaPages(String accountId) {
        return List.copyOf(mediaPages.getOrDefault(accountId, List.of()));
    }

    /** The media ids whose files were downloaded, in order. */
    public synchronized List<String> downloads() {
        return List.copyOf(downloads);
    }

    private String mediaUrl(String mediaId) {
        return files.containsKey(mediaId) ? baseUrl() + "/cdn/" + mediaId + "?oh=signed&oe=" + Long.toHexString(mediaId.hashCode()) : null;
    }

    /** Instagram's CDN: a media_url serves the file (no token needed, as at Meta). */
    private void cdn(RoutingContext ctx) {
        byte[] file;
        String type;
        synchronized (this) {
            String id = ctx.pathParam("id");
            file = files.get(id);
            type = contentTypes.getOrDefault(id, "image/jpeg");
            if (file != null) {
                downloads.add(id);
            }
        }
        if (file == null) {
            ctx.response().setStatusCode(404).end("URL signature expired");
            return;
        }
        ctx.response().putHeader("Content-Type", type).end(Buffer.buffer(file));
    }

    /**
     * {@code GET /{ig-user-id}/media}: the feed, newest first, {@code limit} a page (25 by default, at
     * most 100), with Graph's cursors; {@code paging.next} only while more follow.
     */
    private synchronized void mediaList(RoutingContext ctx, String accountId, MultiMap params) {
        String after = params.get("after");
        mediaPages.computeIfAbsent(accountId, a -> new ArrayList<>()).add(after == null ? "" : after);
        List<Post> feed = new ArrayList<>(posts.getOrDefault(accountId, List.of()));
        feed.sort((a, b) -> b.at().compareTo(a.at()));
        int limit = Math.min(100, params.get("limit") == null ? 25 : Integer.parseInt(params.get("limit")));
        int from = 0;
        if (after != null) {
            if (!after.startsWith("QVFIU") ) {
                error(ctx, 400, 100, "Invalid cursor");
                return;
            }
            from = Integer.parseInt(after.substring(5));
        }
        String fields = params.get("fields") == null ? "id" : params.get("fields");
        JsonArray data = new JsonArray();
        int to = Math.min(feed.size(), from + limit);
        for (Post p : feed.subList(from, to)) {
            data.add(entry(p.mediaId(), p.mediaType(), p.at(), fields));
        }
        JsonObject body = new JsonObject().put("data", data);
        if (!data.isEmpty()) {
            JsonObject paging = new JsonObject().put("cursors", new JsonObject().put("before", "QVFIU" + from).put("after", "QVFIU" + to));
            if (to < feed.size()) {
                paging.put("next", baseUrl() + "/" + VERSION + "/" + accountId + "/media?limit=" + limit + "&after=QVFIU" + to);
            }
            body.put("paging", paging);
        }
        ctx.json(body);
    }

    private JsonObject entry(String mediaId, String mediaType, java.time.Instant at, String fields) {
        JsonObject each = new JsonObject().put("id", mediaId);
        if (fields.contains("media_type")) {
            each.put("media_type", mediaType);
        }
        if (fields.contains("media_url") && mediaUrl(mediaId) != null) {
            each.put("media_url", mediaUrl(mediaId));
        }
        if (fields.contains("permalink")) {
            each.put("permalink", media.get(mediaId));
        }
        if (fields.contains("timestamp") && at != null) {
            each.put("timestamp", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx").format(at.atOffset(java.time.ZoneOffset.UTC)));
        }
        return each;
    }

    public synchronized List<InsightsCall> insightsCalls() {
        return List.copyOf(insightsCalls);
    }

    /**
     * D31 as Graph answers it: a story's figures grow with its age (reach 40 an hour, and so on); Graph
     * answers a breakdown only for {@code navigation}; after 24 hours the story is gone (code 100,
     * subcode 33), as is an id the fake never posted.
     */
    private synchronized void insights(RoutingContext ctx, String mediaId, String metric, String breakdown) {
        java.time.Instant at = postedAt.get(mediaId);
        java.time.Instant current = now.get();
        if (at == null || !current.isBefore(at.plus(java.time.Duration.ofHours(24)))) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(new JsonObject().put("error",
                    new JsonObject().put("message", "Unsupported get request. Object with ID '" + mediaId + "' does not exist, "
                            + "cannot be loaded due to missing permissions, or does not support this operation").put("type", "GraphMethodException")
                            .put("code", 100).put("error_subcode", 33)).encode());
            return;
        }
        long hours = Math.max(0, java.time.Duration.between(at, current).toHours());
        long salt = Math.abs(mediaId.hashCode() % 7);
        JsonArray data = new JsonArray();
        for (String name : (metric == null ? "" : metric).split(",")) {
            if (name.equals("navigation")) {
                if (!"story_navigation_action_type".equals(breakdown)) {
                    error(ctx, 400, 100, "navigation needs breakdown=story_navigation_action_type here");
                    return;
                }
                long forward = 20 * hours;
                long back = 3 * hours;
                long exits = 5 * hours + salt;
                long swipes = 7 * hours;
                JsonArray results = new JsonArray()
                        .add(new JsonObject().put("dimension_values", new JsonArray().add("tap_forward")).put("value", forward))
                        .add(new JsonObject().put("dimension_values", new JsonArray().add("tap_back")).put("value", back))
                        .add(new JsonObject().put("dimension_values", new JsonArray().add("tap_exit")).put("value", exits))
                        .add(new JsonObject().put("dimension_values", new JsonArray().add("swipe_forward")).put("value", swipes))
                        .add(new JsonObject().put("dimension_values", new JsonArray().add("automatic_forward")).put("value", hours));
                data.add(new JsonObject().put("name", "navigation").put("period", "lifetime")
                        .put("total_value", new JsonObject().put("value", forward + back + exits + swipes + hours)
                                .put("breakdowns", new JsonArray().add(new JsonObject()
                                        .put("dimension_keys", new JsonArray().add("story_navigation_action_type")).put("results", results))))
                        .put("id", mediaId + "/insights/navigation/lifetime"));
                continue;
            }
            if (breakdown != null) {
                error(ctx, 400, 100, "The breakdown is not supported for metric " + name);
                return;
            }
            long value = switch (name) {
                case "reach" -> 40 * hours + salt;
                case "replies" -> hours / 2;
                case "shares" -> hours / 4;
                case "total_interactions" -> hours;
                case "follows" -> hours / 6;
                case "profile_visits" -> hours / 3;
                default -> -1;
            };
            if (value < 0) {
                error(ctx, 400, 100, "(#100) metric[0] must be one of the following values: reach, replies, shares, ...");
                return;
            }
            data.add(new JsonObject().put("name", name).put("period", "lifetime").put("values",
                    new JsonArray().add(new JsonObject().put("value", value))).put("id", mediaId + "/insights/" + name + "/lifetime"));
        }
        ctx.json(new JsonObject().put("data", data));
    }

    /** The account's live stories, newest first. */
    private synchronized void stories(RoutingContext ctx, String accountId, String fields) {
        JsonArray data = new JsonArray();
        java.time.Instant current = now.get();
        for (int i = published.size() - 1; i >= 0; i--) {
            Published story = published.get(i);
            java.time.Instant at = postedAt.get(story.mediaId());
            if (story.accountId().equals(accountId) && (at == null || current.isBefore(at.plus(java.time.Duration.ofHours(24))))) {
                data.add(entry(story.mediaId(), mediaTypes.getOrDefault(story.mediaId(), "IMAGE"), at,
                        "permalink," + (fields == null ? "" : fields)));
            }
        }
        ctx.json(new JsonObject().put("data", data));
    }

    private void publishedElsewhere(String containerId) {
        String accountId = containerAccount.get(containerId);
        String mediaId = String.valueOf(nextId++);
        media.put(mediaId, "https://www.instagram.com/stories/" + usernames.get(accountId) + "/" + mediaId + "/");
        published.add(new Published(accountId, containerId, mediaId, containerImage.get(containerId)));
        postedAt.put(mediaId, now.get());
    }

    /** How many status reads a video container answers IN_PROGRESS before FINISHED (Meta transcodes a while). */
    public synchronized void videoProcessingPolls(int polls) {
        videoPollsBeforeFinished = polls;
    }

    /**
     * A video container (D29): Meta reads the start of the video with a range request, then the whole
     * file; a link that does not serve ranges or an MP4 makes the container fail. It stays IN_PROGRESS
     * for {@link #videoProcessingPolls} reads.
     */
    private void createVideoContainer(RoutingContext ctx, MultiMap params) {
        String url = params.get("video_url");
        web.getAbs(url).putHeader("Range", "bytes=0-15").send().onComplete(head -> {
            int headStatus = head.succeeded() ? head.result().statusCode() : 0;
            Buffer start = head.succeeded() && head.result().body() != null ? head.result().body() : Buffer.buffer();
            String range = head.succeeded() ? head.result().getHeader("Content-Range") : null;
            boolean mp4 = start.length() == 16 && "ftyp".equals(start.getString(4, 8));
            web.getAbs(url).send().onComplete(ar -> {
                int status = ar.succeeded() ? ar.result().statusCode() : 0;
                Buffer body = ar.succeeded() && ar.result().body() != null ? ar.result().body() : Buffer.buffer();
                String type = ar.succeeded() ? ar.result().getHeader("Content-Type") : null;
                synchronized (this) {
                    fetches.add(new Fetch(url, headStatus == 206 ? status : headStatus, type, body.length(), false, range, mp4));
                    if (headStatus != 206 || !mp4 || status != 200 || type == null || !type.startsWith("video/")) {
                        error(ctx, 400, 9004, "The media could not be fetched from this URI: " + url);
                        return;
                    }
                    String id = String.valueOf(nextId++);
                    containers.put(id, videoPollsBeforeFinished > 0 ? "IN_PROGRESS" : "FINISHED");
                    pollsLeft.put(id, videoPollsBeforeFinished);
                    containerImage.put(id, url);
                    ctx.json(new JsonObject().put("id", id));
                }
            });
        });
    }

    /** Meta fetches the image at once; a link it cannot fetch as a JPEG makes the container fail. */
    private void createContainer(RoutingContext ctx, String accountId, MultiMap params) {
        if ("STORIES".equals(params.get("media_type")) && params.get("video_url") != null && params.get("image_url") == null) {
            createVideoContainer(ctx, params);
            return;
        }
        String url = params.get("image_url");
        if (!"STORIES".equals(params.get("media_type")) || url == null) {
            error(ctx, 400, 100, "The parameter media_type must be STORIES and image_url is required");
            return;
        }
        web.getAbs(url).send().onComplete(ar -> {
            int status = ar.succeeded() ? ar.result().statusCode() : 0;
            Buffer body = ar.succeeded() && ar.result().body() != null ? ar.result().body() : Buffer.buffer();
            String type = ar.succeeded() ? ar.result().getHeader("Content-Type") : null;
            boolean jpeg = body.length() > 3 && (body.getByte(0) & 0xFF) == 0xFF && (body.getByte(1) & 0xFF) == 0xD8;
            synchronized (this) {
                fetches.add(new Fetch(url, status, type, body.length(), jpeg, null, false));
                if (status != 200 || !jpeg) {
                    error(ctx, 400, 9004, "The media could not be fetched from this URI: " + url);
                    return;
                }
                String id = String.valueOf(nextId++);
                containers.put(id, pollsBeforeFinished > 0 ? "IN_PROGRESS" : "FINISHED");
                pollsLeft.put(id, pollsBeforeFinished);
                containerImage.put(id, url);
                ctx.json(new JsonObject().put("id", id));
            }
        });
    }

    private void publish(RoutingContext ctx, String accountId, String containerId) {
        boolean lose;
        String mediaId;
        synchronized (this) {
            String status = containers.get(containerId);
            if (!"FINISHED".equals(status)) {
                error(ctx, 400, 9007, "The media is not ready for publishing, please wait for a moment (status " + status + ")");
                return;
            }
            mediaId = String.valueOf(nextId++);
            containers.put(containerId, "PUBLISHED");
            scripted.remove(containerId);
            media.put(mediaId, "https://www.instagram.com/stories/" + usernames.get(accountId) + "/" + mediaId + "/");
            published.add(new Published(accountId, containerId, mediaId, containerImage.get(containerId)));
            postedAt.put(mediaId, now.get());
            lose = loseNextPublishAnswer;
            loseNextPublishAnswer = false;
        }
        if (lose) {
            ctx.request().connection().close(); // published, but the caller never hears it
            return;
        }
        ctx.json(new JsonObject().put("id", mediaId));
    }

    private synchronized void exchange(RoutingContext ctx, MultiMap params) {
        String old = params.get("fb_exchange_token");
        if (!"fb_exchange_token".equals(params.get("grant_type")) || params.get("client_id") == null || params.get("client_secret") == null) {
            error(ctx, 400, 100, "Missing client_id, client_secret or grant_type");
            return;
        }
        String account = tokenAccount(old);
        if (account == null) {
            error(ctx, 400, 190, "Error validating access token: Session has expired");
            return;
        }
        refreshes++;
        String fresh = "refreshed-" + String.format("%04d", refreshes) + "-" + account;
        tokens.put(fresh, account);
        tokenExpiry.put(fresh, 0L);
        ctx.json(new JsonObject().put("access_token", fresh).put("token_type", "bearer").put("expires_in", 5_184_000));
    }

    private synchronized void debugToken(RoutingContext ctx, MultiMap params) {
        String token = params.get("input_token");
        String bearer = ctx.request().getHeader("Authorization");
        String app = bearer != null && bearer.startsWith("Bearer ") ? bearer.substring(7) : null;
        if (app == null || !app.contains("|")) {
            error(ctx, 400, 190, "An app access token is required");
            return;
        }
        boolean valid = tokenAccount(token) != null;
        ctx.json(new JsonObject().put("data", new JsonObject().put("is_valid", valid)
                .put("expires_at", tokenExpiry.getOrDefault(token, 0L)).put("user_id", tokens.get(token))));
    }

    private static void error(RoutingContext ctx, int status, int code, String message) {
        String type = code == 190 || code == 102 ? "OAuthException" : "GraphMethodException";
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", new JsonObject().put("message", message).put("type", type).put("code", code)
                        .put("fbtrace_id", "AbCdEf")).encode());
    }
}
