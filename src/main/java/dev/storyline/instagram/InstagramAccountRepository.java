package dev.storyline.instagram;

import dev.storyline.config.Secret;
import dev.storyline.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code instagram_accounts}: one connected account per tenant, its token encrypted (D19). The
 * token leaves this class only as a {@link Secret}, and only through {@link #token}.
 */
public final class InstagramAccountRepository {
    private static final String COLUMNS = """
            tenant_id, account_id, username, token_expires_at, token_refreshed_at, token_status, token_status_reason, connected_at""";

    private static final String CONNECT = """
            INSERT INTO instagram_accounts (tenant_id, account_id, username, token_ciphertext, token_expires_at, token_refreshed_at,
                                            app_credentials_ref, connected_by, connected_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6)
            ON CONFLICT (tenant_id) DO UPDATE SET account_id = EXCLUDED.account_id, username = EXCLUDED.username,
                   token_ciphertext = EXCLUDED.token_ciphertext, token_expires_at = EXCLUDED.token_expires_at,
                   token_refreshed_at = EXCLUDED.token_refreshed_at, token_status = 'valid', token_status_reason = NULL,
                   app_credentials_ref = EXCLUDED.app_credentials_ref, connected_by = EXCLUDED.connected_by,
                   connected_at = EXCLUDED.connected_at, updated_at = now()
            RETURNING """ + " " + COLUMNS;

    private static final String FIND = "SELECT " + COLUMNS + " FROM instagram_accounts WHERE tenant_id = $1";

    private static final String TOKEN = "SELECT token_ciphertext, account_id FROM instagram_accounts WHERE tenant_id = $1";

    /** A token read in the old form, sealed again in the new one (only if nobody changed it meanwhile). */
    private static final String RESEAL = """
            UPDATE instagram_accounts SET token_ciphertext = $3, updated_at = now() WHERE tenant_id = $1 AND token_ciphertext = $2""";

    private static final String ALL = "SELECT " + COLUMNS + " FROM instagram_accounts ORDER BY tenant_id";

    /** Only a valid token becomes invalid, so the caller learns whether this is news (one alert). */
    private static final String INVALIDATE = """
            UPDATE instagram_accounts SET token_status = 'invalid', token_status_reason = $2, updated_at = now()
             WHERE tenant_id = $1 AND token_status = 'valid'""";

    private static final String REFRESHED = """
            UPDATE instagram_accounts SET token_ciphertext = $2, token_expires_at = $3, token_refreshed_at = $4, token_status = 'valid',
                                          token_status_reason = NULL, updated_at = now()
             WHERE tenant_id = $1 AND account_id = $5""";

    private static final String DISCONNECT = "DELETE FROM instagram_accounts WHERE tenant_id = $1";

    /** Stores a draft, dropping drafts nobody took within an hour. */
    private static final String DRAFT = """
            WITH old AS (DELETE FROM instagram_token_drafts WHERE created_at < now() - interval '1 hour')
            INSERT INTO instagram_token_drafts (tenant_id, account_id, token_ciphertext) VALUES ($1, $2, $3) RETURNING id""";

    private static final String TAKE_DRAFT = """
            DELETE FROM instagram_token_drafts WHERE tenant_id = $1 AND id = $2 RETURNING account_id, token_ciphertext""";

    /** A token waiting for its check: the account it is for and the token. */
    public record Draft(String accountId, Secret token) {
    }

    private final Pool pool;
    private final Optional<TokenCipher> cipher;

    public InstagramAccountRepository(Pool pool, Optional<TokenCipher> cipher) {
        this.pool = pool;
        this.cipher = cipher;
    }

    /** Stores (or replaces) a tenant's account with its token encrypted; fails without a key. */
    public Future<InstagramAccount> connect(long tenantId, String accountId, String username, Secret token, Instant expiresAt,
                                            Instant now, String appCredentialsRef, Long connectedBy) {
        if (cipher.isEmpty()) {
            return Future.failedFuture(new TokenCipher.KeyMismatch(TokenCipher.missingKey()));
        }
        Buffer sealed = Buffer.buffer(cipher.get().encrypt(token.reveal(), tenantId, accountId));
        return pool.preparedQuery(CONNECT).execute(Tuple.from(Arrays.asList(tenantId, accountId, username, sealed,
                        expiresAt == null ? null : Sql.utc(expiresAt), Sql.utc(now), appCredentialsRef, connectedBy)))
                .map(rows -> map(rows.iterator().next()));
    }

    /**
     * Keeps a token encrypted until the Instagram verticle checks it ({@link #takeDraft}); the answer is
     * the draft's id, which is all that travels on the event bus. Fails without a key.
     */
    public Future<Long> draft(long tenantId, String accountId, Secret token) {
        if (cipher.isEmpty()) {
            return Future.failedFuture(new TokenCipher.KeyMismatch(TokenCipher.missingKey()));
        }
        Buffer sealed = Buffer.buffer(cipher.get().encrypt(token.reveal(), tenantId, accountId));
        return pool.preparedQuery(DRAFT).execute(Tuple.of(tenantId, accountId, sealed)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Takes a draft (once: it is deleted as it is read); empty when there is none of that id for the tenant. */
    public Future<Optional<Draft>> takeDraft(long tenantId, long draftId) {
        if (cipher.isEmpty()) {
            return Future.failedFuture(new TokenCipher.KeyMismatch(TokenCipher.missingKey()));
        }
        return pool.preparedQuery(TAKE_DRAFT).execute(Tuple.of(tenantId, draftId)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row r = rows.iterator().next();
            String accountId = r.getString("account_id");
            return Optional.of(new Draft(accountId, cipher.get().decrypt(r.getBuffer("token_ciphertext").getBytes(),
                    tenantId, accountId).token()));
        });
    }

    public Future<Optional<InstagramAccount>> find(long tenantId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(tenantId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    public Future<List<InstagramAccount>> all() {
        return pool.query(ALL).execute().map(rows -> {
            List<InstagramAccount> accounts = new ArrayList<>();
            rows.forEach(row -> accounts.add(map(row)));
            return accounts;
        });
    }

    /** The decrypted token; fails with {@link TokenCipher.KeyMismatch} (a message) when it cannot be read here. */
    public Future<Secret> token(long tenantId) {
        if (cipher.isEmpty()) {
            return Future.failedFuture(new TokenCipher.KeyMismatch(TokenCipher.missingKey()));
        }
        return pool.preparedQuery(TOKEN).execute(Tuple.of(tenantId)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(new TokenCipher.KeyMismatch("no Instagram account is connected"));
            }
            Row row = rows.iterator().next();
            byte[] stored = row.getBuffer("token_ciphertext").getBytes();
            String accountId = row.getString("account_id");
            TokenCipher.Opened opened;
            try {
                opened = cipher.get().decrypt(stored, tenantId, accountId);
            } catch (TokenCipher.KeyMismatch e) {
                return Future.failedFuture(e);
            }
            if (!opened.legacy()) {
                return Future.succeededFuture(opened.token());
            }
            Buffer resealed = Buffer.buffer(cipher.get().encrypt(opened.token().reveal(), tenantId, accountId));
            return pool.preparedQuery(RESEAL).execute(Tuple.of(tenantId, Buffer.buffer(stored), resealed))
                    .map(opened.token()).otherwise(opened.token());
        });
    }

    /** Marks the token invalid; true when it was valid until now. */
    public Future<Boolean> invalidate(long tenantId, String reason) {
        return pool.preparedQuery(INVALIDATE).execute(Tuple.of(tenantId, reason)).map(rows -> rows.rowCount() == 1);
    }

    public Future<Void> refreshed(long tenantId, Secret token, Instant expiresAt, Instant now) {
        if (cipher.isEmpty()) {
            return Future.failedFuture(new TokenCipher.KeyMismatch(TokenCipher.missingKey()));
        }
        return find(tenantId).compose(found -> found.isEmpty()
                ? Future.failedFuture(new TokenCipher.KeyMismatch("no Instagram account is connected"))
                : pool.preparedQuery(REFRESHED).execute(Tuple.from(Arrays.asList(tenantId,
                        Buffer.buffer(cipher.get().encrypt(token.reveal(), tenantId, found.get().accountId())),
                        expiresAt == null ? null : Sql.utc(expiresAt), Sql.utc(now), found.get().accountId()))).mapEmpty());
    }

    public Future<Boolean> disconnect(long tenantId) {
        return pool.preparedQuery(DISCONNECT).execute(Tuple.of(tenantId)).map(rows -> rows.rowCount() == 1);
    }

    private static InstagramAccount map(Row row) {
        return new InstagramAccount(row.getLong("tenant_id"), row.getString("account_id"), row.getString("username"),
                Sql.instant(row, "token_expires_at"), Sql.instant(row, "token_refreshed_at"), row.getString("token_status"),
                row.getString("token_status_reason"), Sql.instant(row, "connected_at"));
    }
}
