package dev.storyline.instagram;

import dev.storyline.bus.ErrorCode;
import dev.storyline.config.AppConfig;
import dev.storyline.config.Secret;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import dev.storyline.bus.InstagramStatus;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Connecting and refreshing accounts, shared by the Instagram verticle (admin API) and the CLI: a
 * token is verified with {@code GET /{ig-user-id}?fields=id,username} before it is stored, its expiry
 * read with {@code debug_token} when the app's credentials are configured (else a long-lived token's
 * 60 days are assumed), and it is stored encrypted. Failures are coded ({@link ErrorCode}) with a
 * message for a person.
 */
public final class InstagramConnector {
    /** The {@code service_runs} names of connecting an account and of the daily refresh. */
    public static final String CONNECT_SERVICE = "instagram.connect";
    public static final String REFRESH_SERVICE = "instagram.token_refresh";
    /** How long a long-lived token lives when Graph cannot be asked (no app credentials). */
    public static final Duration ASSUMED_LIFETIME = Duration.ofDays(60);
    /** Tokens with fewer days than this left are refreshed (product.md §3). */
    public static final Duration REFRESH_MARGIN = Duration.ofDays(7);

    private final GraphClient graph;
    private final InstagramAccountRepository accounts;
    private final TenantRepository tenants;
    private final AppConfig.InstagramConfig config;
    private final Clock clock;

    public InstagramConnector(GraphClient graph, InstagramAccountRepository accounts, TenantRepository tenants,
                              AppConfig.InstagramConfig config, Clock clock) {
        this.graph = graph;
        this.accounts = accounts;
        this.tenants = tenants;
        this.config = config;
        this.clock = clock;
    }

    public boolean canRefresh() {
        return !config.facebookAppId().isBlank() && config.facebookAppSecret().isPresent();
    }

    public Future<InstagramAccount> connect(long tenantId, String accountId, Secret token, Long connectedBy) {
        if (accountId == null || !accountId.matches("\\d{1,30}")) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("accountId must be the numeric Instagram account id"));
        }
        if (!token.isPresent() || token.reveal().length() > 1024 || token.reveal().chars().anyMatch(Character::isWhitespace)) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("token must be an Instagram access token"));
        }
        if (!config.encryptionKey().isPresent()) {
            return Future.failedFuture(ErrorCode.INSTAGRAM_NOT_CONNECTED.failure(TokenCipher.missingKey()));
        }
        Instant now = clock.instant();
        return tenants.required(tenantId).compose(tenant -> graph.account(accountId, token))
                .compose(me -> expiry(token, now).compose(expires -> accounts.connect(tenantId, accountId, me.getString("username"), token,
                        expires, now, canRefresh() ? "FACEBOOK_APP_ID" : null, connectedBy)))
                .recover(e -> Future.failedFuture(coded(e)));
    }

    /** A fresh long-lived token for a tenant (fb_exchange_token), its new expiry stored; the account after. */
    public Future<InstagramAccount> refresh(long tenantId) {
        if (!canRefresh()) {
            return Future.failedFuture(ErrorCode.INSTAGRAM_NOT_CONNECTED.failure(
                    "FACEBOOK_APP_ID and FACEBOOK_APP_SECRET are not set, so tokens cannot be refreshed: connect the account again "
                            + "with a new token before it expires"));
        }
        Instant now = clock.instant();
        return accounts.token(tenantId)
                .compose(token -> graph.exchangeToken(token, config.facebookAppId(), config.facebookAppSecret()))
                .compose(body -> {
                    Secret fresh = Secret.of(body.getString("access_token"));
                    if (!fresh.isPresent()) {
                        return Future.failedFuture(new GraphException(GraphException.Kind.TRANSIENT,
                                "Instagram answered the refresh without a token", false));
                    }
                    long expiresIn = body.getLong("expires_in", 0L);
                    Instant expires = expiresIn > 0 ? now.plusSeconds(expiresIn) : null;
                    return accounts.refreshed(tenantId, fresh, expires, now);
                })
                .compose(v -> accounts.find(tenantId)).map(found -> found.orElseThrow())
                .recover(e -> Future.failedFuture(coded(e)));
    }

    private Future<Instant> expiry(Secret token, Instant now) {
        if (!canRefresh()) {
            return Future.succeededFuture(now.plus(ASSUMED_LIFETIME));
        }
        return graph.debugToken(token, config.facebookAppId(), config.facebookAppSecret()).map(data -> {
            long at = data.getLong("expires_at", -1L);
            return at == 0 ? null : at > 0 ? Instant.ofEpochSecond(at) : now.plus(ASSUMED_LIFETIME);
        });
    }

    /** A failure as the coded reply the admin API and the CLI show. */
    public static Throwable coded(Throwable e) {
        if (e instanceof GraphException g) {
            return (switch (g.kind()) {
                case TOKEN -> ErrorCode.INSTAGRAM_TOKEN_INVALID;
                case RATE_LIMIT -> ErrorCode.INSTAGRAM_RATE_LIMITED;
                case REJECTED -> ErrorCode.INSTAGRAM_REJECTED;
                case TRANSIENT -> ErrorCode.INSTAGRAM_UNAVAILABLE;
            }).failure(g.getMessage());
        }
        if (e instanceof TokenCipher.KeyMismatch) {
            return ErrorCode.INSTAGRAM_NOT_CONNECTED.failure(e.getMessage());
        }
        return e;
    }

    public static InstagramStatus status(java.util.Optional<InstagramAccount> account, Instant now) {
        return account.map(a -> a.view(now)).orElse(InstagramStatus.NOT_CONNECTED);
    }
}
