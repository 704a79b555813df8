package dev.storyline.instagram;

import dev.storyline.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Instagram Graph API calls Storyline makes (product.md §3), over Vert.x {@code WebClient}. The
 * access token travels in the {@code Authorization} header, and the app secret and a token being
 * checked or exchanged in a POST body: never in a URL, where proxies and access logs keep them. None
 * appears in a message, log line or exception.
 */
public final class GraphClient {
    private static final long CALL_TIMEOUT_MILLIS = 30_000;

    /** A live story of the account. */
    public record Story(String mediaId, String permalink) {
    }

    private final WebClient web;
    private final String base;

    public GraphClient(Vertx vertx, URI graphBaseUrl, String apiVersion) {
        this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setConnectTimeout(10_000).setUserAgent("storyline"));
        this.base = graphBaseUrl.toString().replaceAll("/+$", "") + "/" + apiVersion + "/";
    }

    /** {@code GET /{ig-user-id}?fields=id,username}: proves a token works for an account. */
    public Future<JsonObject> account(String accountId, Secret token) {
        return get(accountId, Map.of("fields", "id,username"), token);
    }

    /** {@code GET /debug_token}: the token's expiry ({@code expires_at}, 0 = never), with the app's credentials. */
    public Future<JsonObject> debugToken(Secret token, String appId, Secret appSecret) {
        return post("debug_token", Map.of("input_token", token.reveal()), Secret.of(appId + "|" + appSecret.reveal()))
                .map(body -> body.getJsonObject("data", new JsonObject()));
    }

    /** {@code GET /oauth/access_token?grant_type=fb_exchange_token}: a fresh long-lived token and its {@code expires_in}. */
    public Future<JsonObject> exchangeToken(Secret token, String appId, Secret appSecret) {
        return post("oauth/access_token", Map.of("grant_type", "fb_exchange_token", "client_id", appId,
                "client_secret", appSecret.reveal(), "fb_exchange_token", token.reveal()), null);
    }

    /** {@code GET /{ig-user-id}/content_publishing_limit}: {@code [quota_usage, quota_total]}. */
    public Future<int[]> publishingLimit(String accountId, Secret token) {
        return get(accountId + "/content_publishing_limit", Map.of("fields", "quota_usage,config"), token).map(body -> {
            JsonArray data = body.getJsonArray("data", new JsonArray());
            JsonObject first = data.isEmpty() ? new JsonObject() : data.getJsonObject(0);
            return new int[] {first.getInteger("quota_usage", 0),
                    first.getJsonObject("config", new JsonObject()).getInteger("quota_total", Integer.MAX_VALUE)};
        });
    }

    /** {@code POST /{ig-user-id}/media} with {@code media_type=STORIES}: the container id. */
    public Future<String> createStory(String accountId, String imageUrl, Secret token) {
        return post(accountId + "/media", Map.of("media_type", "STORIES", "image_url", imageUrl), token).map(body -> body.getString("id"));
    }

    /** {@code POST /{ig-user-id}/media} with {@code media_type=STORIES} and {@code video_url} (D29): the container id. */
    public Future<String> createVideoStory(String accountId, String videoUrl, Secret token) {
        return post(accountId + "/media", Map.of("media_type", "STORIES", "video_url", videoUrl), token).map(body -> body.getString("id"));
    }

    /** {@code GET /{container-id}?fields=status_code}: IN_PROGRESS, FINISHED, PUBLISHED, ERROR or EXPIRED. */
    public Future<String> containerStatus(String containerId, Secret token) {
        return get(containerId, Map.of("fields", "status_code"), token).map(body -> body.getString("status_code", "ERROR"));
    }

    /** {@code POST /{ig-user-id}/media_publish}: the one irreversible call (D16); the media id. */
    public Future<String> publish(String accountId, String containerId, Secret token) {
        return post(accountId + "/media_publish", Map.of("creation_id", containerId), token).map(body -> body.getString("id"));
    }

    /**
     * {@code GET /{ig-user-id}/stories?fields=id,permalink}: the account's live stories, newest first,
     * (how a publish whose answer was lost finds its media id).
     */
    public Future<List<Story>> stories(String accountId, Secret token) {
        return get(accountId + "/stories", Map.of("fields", "id,permalink"), token).map(body -> {
            List<Story> stories = new ArrayList<>();
            for (Object each : body.getJsonArray("data", new JsonArray())) {
                if (each instanceof JsonObject story && story.getString("id") != null) {
                    stories.add(new Story(story.getString("id"), story.getString("permalink")));
                }
            }
            return stories;
        });
    }

    /** A live story with what matching a hand-posted one needs (D31): its type ({@code IMAGE}, {@code VIDEO}) and time. */
    public record TimedStory(String mediaId, String permalink, String mediaType, Instant timestamp) {
    }

    /** {@code GET /{ig-user-id}/stories?fields=id,permalink,media_type,timestamp}: the live stories; one without a readable time is left out. */
    public Future<List<TimedStory>> timedStories(String accountId, Secret token) {
        return get(accountId + "/stories", Map.of("fields", "id,permalink,media_type,timestamp"), token).map(body -> {
            List<TimedStory> stories = new ArrayList<>();
            for (Object each : body.getJsonArray("data", new JsonArray())) {
                if (each instanceof JsonObject story && story.getString("id") != null && story.getValue("timestamp") instanceof String at) {
                    try {
                        stories.add(new TimedStory(story.getString("id"), story.getString("permalink"), story.getString("media_type"),
                                java.time.OffsetDateTime.parse(at, GRAPH_TIME).toInstant()));
                    } catch (java.time.format.DateTimeParseException e) {
                        // not a time: this story cannot be matched by time
                    }
                }
            }
            return stories;
        });
    }

    /** Graph's timestamps: {@code 2026-12-03T08:05:00+0000}. */
    private static final java.time.format.DateTimeFormatter GRAPH_TIME = new java.time.format.DateTimeFormatterBuilder()
            .append(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendPattern("[XXX][XX][X]").toFormatter();

    /**
     * A post or story of the account as backfill reads it (D31): its type ({@code IMAGE}, {@code VIDEO},
     * {@code CAROUSEL_ALBUM}), where its file can be fetched ({@code mediaUrl}, null when Graph offers none,
     * e.g. for a post with copyrighted music), its time and permalink.
     */
    public record Media(String id, String mediaType, String mediaUrl, String thumbnailUrl, Instant timestamp, String permalink) {
    }

    /** One page of the account's media, and the cursor of the next (null on the last page). */
    public record MediaPage(List<Media> media, String after) {
    }

    private static final String MEDIA_FIELDS = "id,media_type,media_url,thumbnail_url,timestamp,permalink";

    /** {@code GET /{ig-user-id}/media}: the account's posts, newest first, {@code limit} a page, after the cursor {@code after}. */
    public Future<MediaPage> mediaPage(String accountId, String after, int limit, Secret token) {
        Map<String, String> params = new java.util.LinkedHashMap<>(Map.of("fields", MEDIA_FIELDS, "limit", String.valueOf(limit)));
        if (after != null) {
            params.put("after", after);
        }
        return get(accountId + "/media", params, token).map(body -> {
            JsonObject paging = body.getJsonObject("paging", new JsonObject());
            String next = paging.getString("next") == null ? null : paging.getJsonObject("cursors", new JsonObject()).getString("after");
            return new MediaPage(media(body), next);
        });
    }

    /** {@code GET /{ig-user-id}/stories} with the backfill's fields: the live stories, newest first. */
    public Future<List<Media>> storyMedia(String accountId, Secret token) {
        return get(accountId + "/stories", Map.of("fields", MEDIA_FIELDS), token).map(GraphClient::media);
    }

    /** The entries of a listing that have an id and a readable time. */
    private static List<Media> media(JsonObject body) {
        List<Media> media = new ArrayList<>();
        for (Object each : body.getJsonArray("data", new JsonArray())) {
            if (each instanceof JsonObject item && item.getValue("id") != null && item.getValue("timestamp") instanceof String at) {
                try {
                    media.add(new Media(String.valueOf(item.getValue("id")), item.getString("media_type"), item.getString("media_url"),
                            item.getString("thumbnail_url"), java.time.OffsetDateTime.parse(at, GRAPH_TIME).toInstant(),
                            item.getString("permalink")));
                } catch (java.time.format.DateTimeParseException | ClassCastException e) {
                    // an entry without a usable time or with odd fields cannot be placed in the history: left out
                }
            }
        }
        return media;
    }

    /** {@code GET /{ig-user-id}?fields=followers_count} (D31: reach per follower); null when Graph leaves it out. */
    public Future<Integer> followers(String accountId, Secret token) {
        return get(accountId, Map.of("fields", "followers_count"), token)
                .map(body -> body.getValue("followers_count") instanceof Number n ? n.intValue() : null);
    }

    /** {@code GET /{media-id}?fields=permalink}. */
    public Future<String> permalink(String mediaId, Secret token) {
        return get(mediaId, Map.of("fields", "permalink"), token).map(body -> body.getString("permalink"));
    }

    /**
     * A story's numbers (D31): {@code GET /{media-id}/insights} for the plain metrics, then again for
     * {@code navigation} broken down by {@code story_navigation_action_type} (Graph answers a breakdown
     * only for the metric it belongs to). Two calls; a metric Graph leaves out is null.
     */
    public Future<StoryMetrics> storyInsights(String mediaId, Secret token) {
        return get(mediaId + "/insights", Map.of("metric", "reach,replies,shares,total_interactions,follows,profile_visits"), token)
                .compose(plain -> get(mediaId + "/insights", Map.of("metric", "navigation",
                        "breakdown", "story_navigation_action_type"), token).map(navigation -> StoryMetrics.from(plain, navigation)));
    }

    private Future<JsonObject> get(String path, Map<String, String> params, Secret token) {
        HttpRequest<Buffer> request = web.getAbs(base + path).timeout(CALL_TIMEOUT_MILLIS);
        params.forEach(request::addQueryParam);
        if (token != null) {
            request.bearerTokenAuthentication(token.reveal());
        }
        return request.send().transform(ar -> ar.succeeded() ? envelope(ar.result()) : Future.failedFuture(network(path, ar.cause())));
    }

    private Future<JsonObject> post(String path, Map<String, String> params, Secret token) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap();
        params.forEach(form::add);
        HttpRequest<Buffer> request = web.postAbs(base + path).timeout(CALL_TIMEOUT_MILLIS);
        if (token != null) {
            request.bearerTokenAuthentication(token.reveal());
        }
        return request.sendForm(form)
                .transform(ar -> ar.succeeded() ? envelope(ar.result()) : Future.failedFuture(network(path, ar.cause())));
    }

    /** A 2xx JSON body, or Graph's {@code {"error": {"message", "code", ...}}} as a classified exception. */
    private static Future<JsonObject> envelope(HttpResponse<Buffer> response) {
        JsonObject body;
        try {
            body = response.body() == null ? new JsonObject() : response.bodyAsJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        int status = response.statusCode();
        if (status / 100 == 2 && body != null && !body.containsKey("error")) {
            return Future.succeededFuture(body);
        }
        JsonObject error = body == null ? new JsonObject() : body.getJsonObject("error", new JsonObject());
        int code = error.getInteger("code", 0);
        String message = error.getString("message", "HTTP " + status);
        return Future.failedFuture(new GraphException(GraphException.classify(status, code),
                "Instagram said: " + message + (code != 0 ? " (code " + code + ")" : ""), false, code, error.getInteger("error_subcode", 0)));
    }

    private static GraphException network(String path, Throwable cause) {
        String what = path.contains("/") ? path.substring(path.lastIndexOf('/') + 1) : "request";
        return new GraphException(GraphException.Kind.TRANSIENT, "Instagram did not answer " + what + ": "
                + cause.getClass().getSimpleName(), true);
    }
}
