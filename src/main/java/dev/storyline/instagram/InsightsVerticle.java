package dev.storyline.instagram;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.TenantRequest;
import dev.storyline.config.AppConfig;
import dev.storyline.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The insights actor (D31): every {@code insightsCheck} it reads the stories whose next reading is due
 * (hourly while live, the final one between 22 and 23 hours), asks Graph for their numbers and stores
 * them. Graph's rate limits are kept per account: a token bucket of {@code insightsCallsPerHour} calls,
 * and after a rate-limit answer (codes 4, 17, 32, 613) no call to that account for a while, doubling up
 * to an hour. A story Graph no longer has ends its series quietly; one with too few viewers gets an
 * empty reading. Each pass also matches stories people posted by hand to the account's live stories
 * ({@link #matchPending}). Answers {@link Addresses#INSTAGRAM_INSIGHTS} with a tenant's stories and figures.
 */
public final class InsightsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(InsightsVerticle.class);
    /** Calls a reading costs: the plain metrics, then navigation with its breakdown. */
    private static final int CALLS_PER_READING = 2;
    private static final int BATCH = 500;
    private static final int IN_FLIGHT = 8;
    private static final Duration FIRST_BACKOFF = Duration.ofMinutes(5);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** Clocks differ: a story up to a minute before the notification or after the press still counts. */
    private static final Duration MATCH_SLACK = Duration.ofMinutes(1);
    /** How long after the press a hand-posted story is looked for (Graph can be slow to list a new story). */
    private static final Duration MATCH_WAIT = Duration.ofHours(1);
    /** How often an account's follower count is read again. */
    private static final Duration FOLLOWERS_EVERY = Duration.ofHours(6);

    private final Pool pool;
    private final AppConfig.InstagramConfig config;
    private final InstagramAccountRepository accounts;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Instant> followersCheckedAt = new HashMap<>();
    private InsightsRepository insights;
    private GraphClient graph;
    private long timer = -1;
    private long leadTimer = -1;
    private boolean collecting;
    private final dev.storyline.cluster.Leadership leadership;

    public InsightsVerticle(Pool pool, AppConfig.InstagramConfig config, InstagramAccountRepository accounts, Clock clock) {
        this(pool, config, accounts, clock, null);
    }

    /** In a cluster (D32), only the node that holds {@code leadership} reads insights (one account's calls, one allowance). */
    public InsightsVerticle(Pool pool, AppConfig.InstagramConfig config, InstagramAccountRepository accounts, Clock clock,
                            dev.storyline.cluster.Leadership leadership) {
        this.leadership = leadership;
        this.pool = pool;
        this.config = config;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** One account's allowance: refills continuously at the hourly rate; after a rate-limit answer it rests. */
    static final class Bucket {
        private final int capacity;
        private double tokens;
        private Instant refilledAt;
        private Instant restUntil;
        private Duration nextRest = FIRST_BACKOFF;

        Bucket(int capacity, Instant now) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.refilledAt = now;
        }

        boolean take(int calls, Instant now) {
            if (restUntil != null && now.isBefore(restUntil)) {
                return false;
            }
            long millis = Math.max(0, Duration.between(refilledAt, now).toMillis());
            tokens = Math.min(capacity, tokens + millis * capacity / 3_600_000.0);
            refilledAt = now;
            if (tokens < calls) {
                return false;
            }
            tokens -= calls;
            return true;
        }

        void limited(Instant now) {
            restUntil = now.plus(nextRest);
            nextRest = nextRest.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : nextRest.multipliedBy(2);
        }

        void answered() {
            nextRest = FIRST_BACKOFF;
        }

        Instant restUntil() {
            return restUntil;
        }
    }

    @Override
    public Future<?> start() {
        insights = new InsightsRepository(pool);
        graph = new GraphClient(vertx, config.graphBaseUrl(), config.graphApiVersion());
        List<MessageConsumer<JsonObject>> consumers = List.of(
                Consumers.register(vertx.eventBus(), Addresses.INSTAGRAM_INSIGHTS, TenantRequest::fromJson, this::read));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .onSuccess(v -> {
                    if (leadership != null) {
                        leadTimer = leadership.keep(vertx);
                    }
                    timer = vertx.setPeriodic(config.timing().insightsCheck().toMillis(), id -> collect());
                });
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (leadTimer >= 0) {
            vertx.cancelTimer(leadTimer);
        }
        return Future.succeededFuture();
    }

    private Future<JsonObject> read(TenantRequest request) {
        Instant now = clock.instant();
        return insights.stories(request.tenantId(), now.minus(Duration.ofDays(30)), 100)
                .map(stories -> new JsonObject().put("tenantId", request.tenantId()).put("stories", stories));
    }

    /** One pass: the due stories, a few at a time; a pass still running when the timer fires again is not doubled. */
    private void collect() {
        if (collecting || leadership != null && !leadership.held()) {
            return; // in a cluster, another node reads them
        }
        collecting = true;
        Instant now = clock.instant();
        insights.due(now, BATCH)
                .compose(due -> {
                    Map<Long, Future<Secret>> tokens = new HashMap<>();
                    List<InsightsRepository.Due> queue = new ArrayList<>(due);
                    List<Future<Void>> lanes = new ArrayList<>();
                    for (int i = 0; i < IN_FLIGHT; i++) {
                        lanes.add(next(queue, tokens, now));
                    }
                    return Future.join(lanes);
                })
                .transform(read -> {
                    if (read.failed()) {
                        LOG.warn("Insights readings failed (the next pass retries): {}", read.cause().getMessage());
                    }
                    return matchPending(now);
                })
                .onFailure(e -> LOG.warn("Matching hand-posted stories failed (the next pass retries): {}", e.getMessage()))
                .onComplete(done -> collecting = false);
    }

    /**
     * Stories people posted by hand (D31): each account's live stories are read once a pass (one call),
     * and a story marked Posted is matched to the one whose time falls between its notification and
     * the press (a minute either side for clocks), of its media type, that no other story holds. Two or
     * more such stories are not guessed between; none within an hour of the press ends the attempt.
     */
    private Future<Void> matchPending(Instant now) {
        return insights.pending(now, BATCH).compose(pending -> {
            Map<String, List<InsightsRepository.Pending>> byAccount = new java.util.LinkedHashMap<>();
            pending.forEach(p -> byAccount.computeIfAbsent(p.accountId(), a -> new ArrayList<>()).add(p));
            Future<Void> chain = Future.succeededFuture();
            for (Map.Entry<String, List<InsightsRepository.Pending>> account : byAccount.entrySet()) {
                chain = chain.compose(v -> matchAccount(account.getKey(), account.getValue(), now)
                        .otherwise(e -> {
                            LOG.debug("Account {}: hand-posted stories not matched this pass: {}", account.getKey(), e.getMessage());
                            return null;
                        }));
            }
            return chain;
        });
    }

    private Future<Void> matchAccount(String accountId, List<InsightsRepository.Pending> stories, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(accountId, a -> new Bucket(config.timing().insightsCallsPerHour(), now));
        if (!bucket.take(1, now)) {
            return Future.succeededFuture();
        }
        long tenantId = stories.get(0).tenantId();
        return accounts.token(tenantId).compose(token -> graph.timedStories(accountId, token)).compose(live -> {
            bucket.answered();
            return insights.taken(tenantId, live.stream().map(GraphClient.TimedStory::mediaId).toList()).compose(taken -> {
                java.util.Set<String> used = new java.util.HashSet<>(taken);
                Future<Void> chain = Future.succeededFuture();
                for (InsightsRepository.Pending story : stories) {
                    chain = chain.compose(v -> matchOne(story, live, used, now));
                }
                return chain;
            });
        }, e -> {
            if (e instanceof GraphException g && g.kind() == GraphException.Kind.RATE_LIMIT) {
                bucket.limited(now);
            }
            return Future.failedFuture(e);
        });
    }

    private Future<Void> matchOne(InsightsRepository.Pending story, List<GraphClient.TimedStory> live, java.util.Set<String> used, Instant now) {
        Instant from = story.notifiedAt().minus(MATCH_SLACK);
        Instant to = story.pressedAt().plus(MATCH_SLACK);
        List<GraphClient.TimedStory> candidates = live.stream()
                .filter(s -> !used.contains(s.mediaId()))
                .filter(s -> s.mediaType() == null || s.mediaType().equalsIgnoreCase(story.mediaType()))
                .filter(s -> !s.timestamp().isBefore(from) && !s.timestamp().isAfter(to))
                .toList();
        JsonObject evidence = new JsonObject().put("notifiedAt", story.notifiedAt().toString()).put("pressedAt", story.pressedAt().toString())
                .put("mediaType", story.mediaType()).put("liveStories", live.size())
                .put("candidates", new io.vertx.core.json.JsonArray(candidates.stream().map(GraphClient.TimedStory::mediaId).toList()));
        if (candidates.size() == 1) {
            GraphClient.TimedStory found = candidates.get(0);
            used.add(found.mediaId());
            return insights.match(story, found, evidence.put("storyAt", found.timestamp().toString()), now).mapEmpty();
        }
        if (candidates.size() > 1) {
            return insights.tried(story.historyId(), now, "ambiguous", evidence);
        }
        boolean givenUp = !now.isBefore(story.pressedAt().plus(MATCH_WAIT));
        return insights.tried(story.historyId(), now, givenUp ? "unmatched" : null, givenUp ? evidence : null);
    }

    private Future<Void> next(List<InsightsRepository.Due> queue, Map<Long, Future<Secret>> tokens, Instant now) {
        if (queue.isEmpty()) {
            return Future.succeededFuture();
        }
        InsightsRepository.Due story = queue.remove(0);
        return one(story, tokens, now).recover(e -> {
            LOG.debug("Tenant {}: story {} not read: {}", LogFields.tenant(story.tenantId()), story.mediaId(), e.getMessage());
            return Future.succeededFuture();
        }).compose(v -> next(queue, tokens, now));
    }

    private Future<Void> one(InsightsRepository.Due story, Map<Long, Future<Secret>> tokens, Instant now) {
        Duration age = story.age(now);
        if (age.compareTo(InsightsRepository.LIVE) >= 0) {
            return insights.end(story.historyId(), now, "expired");
        }
        if (story.accountId() == null) {
            return insights.end(story.historyId(), now, "gone"); // the account was disconnected: nothing can read it now
        }
        Bucket bucket = buckets.computeIfAbsent(story.accountId(), a -> new Bucket(config.timing().insightsCallsPerHour(), now));
        if (!bucket.take(CALLS_PER_READING, now)) {
            return Future.succeededFuture(); // stays due; read when the account has calls left
        }
        boolean last = age.compareTo(InsightsRepository.FINAL_FROM) >= 0;
        Future<Secret> token = tokens.computeIfAbsent(story.tenantId(), accounts::token);
        return token.compose(secret -> followers(story.accountId(), secret, bucket, now).compose(v -> graph.storyInsights(story.mediaId(), secret)))
                .compose(metrics -> {
                    bucket.answered();
                    return insights.store(story, now, last, metrics);
                }, e -> failed(story, bucket, now, last, e));
    }

    /**
     * The account's follower count, read at most every {@link #FOLLOWERS_EVERY} (one call from its
     * bucket), so each reading keeps the count it was taken with (D31: reach per follower). A failure
     * leaves the last count; the reading goes on.
     */
    private Future<Void> followers(String accountId, Secret token, Bucket bucket, Instant now) {
        Instant checked = followersCheckedAt.get(accountId);
        if (checked != null && now.isBefore(checked.plus(FOLLOWERS_EVERY)) || !bucket.take(1, now)) {
            return Future.succeededFuture();
        }
        followersCheckedAt.put(accountId, now);
        return graph.followers(accountId, token).compose(count -> count == null ? Future.<Void>succeededFuture()
                : insights.followers(accountId, count, now)).otherwise(e -> {
                    LOG.debug("Account {}: followers not read: {}", accountId, e.getMessage());
                    return null;
                });
    }

    private Future<Void> failed(InsightsRepository.Due story, Bucket bucket, Instant now, boolean last, Throwable e) {
        if (!(e instanceof GraphException g)) {
            return Future.failedFuture(e);
        }
        if (g.kind() == GraphException.Kind.RATE_LIMIT) {
            bucket.limited(now);
            LOG.info("Tenant {}: Instagram limits insights calls for this account; none until {}", LogFields.tenant(story.tenantId()),
                    bucket.restUntil());
            return Future.succeededFuture();
        }
        if (g.code() == 10) {
            return insights.store(story, now, last, null); // too few viewers for figures: an empty reading keeps the hourly rhythm
        }
        if (g.code() == 100 || g.kind() == GraphException.Kind.REJECTED) {
            return insights.end(story.historyId(), now, "gone"); // Graph no longer has the story: the series ends quietly
        }
        if (g.kind() == GraphException.Kind.TOKEN) {
            bucket.limited(now); // the token checks tell the chat; no use asking meanwhile
        }
        return Future.failedFuture(e);
    }
}
