package dev.storyline.user;

import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/** SQL for {@code users} and {@code tenant_members}: people are upserted from every update. */
public final class UserRepository {

    /**
     * One round trip: the user, their membership of the chat's tenant (if it is one), their roles, and
     * that tenant. Rows are only rewritten when a name changed or the last sighting is a minute old, so
     * a busy chat does not write a row per message.
     */
    private static final String SEEN = """
            WITH u AS (
                INSERT INTO users (id, username, first_name, last_name)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (id) DO UPDATE
                   SET username = EXCLUDED.username, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
                       last_seen_at = now(), updated_at = now()
                 WHERE (users.username, users.first_name, users.last_name)
                           IS DISTINCT FROM (EXCLUDED.username, EXCLUDED.first_name, EXCLUDED.last_name)
                    OR users.last_seen_at < now() - interval '1 minute'
                RETURNING id, role, is_active),
            person AS (
                SELECT id, role, is_active FROM u
                UNION ALL
                SELECT id, role, is_active FROM users WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM u)),
            m AS (
                INSERT INTO tenant_members (tenant_id, user_id)
                SELECT t.id, $1 FROM tenants t WHERE t.id = $5
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET last_seen_at = now()
                 WHERE tenant_members.last_seen_at < now() - interval '1 minute'
                RETURNING role),
            member AS (
                SELECT role FROM m
                UNION ALL
                SELECT role FROM tenant_members WHERE tenant_id = $5 AND user_id = $1 AND NOT EXISTS (SELECT 1 FROM m))
            SELECT p.role, p.is_active, (SELECT role FROM member) AS member_role, t.id IS NOT NULL AS is_tenant,\s"""
            + TenantRepository.columns("t") + " FROM person p LEFT JOIN tenants t ON t.id = $5";

    /** A person as Storyline knows them: a global {@code admin} role, a tenant admin role, or deactivated. */
    public record Person(long userId, String role, boolean active, String memberRole) {
        public boolean storylineAdmin() {
            return "admin".equals(role) || "admin".equals(memberRole);
        }
    }

    private final Pool pool;

    public UserRepository(Pool pool) {
        this.pool = pool;
    }

    /** A person seen in a chat, and the chat's tenant if it is one. */
    public record Seen(Person person, Optional<Tenant> tenant) {
    }

    /** Records that a person was seen in a chat that may be a tenant ({@code chatId} null for private chats). */
    public Future<Seen> seen(long userId, String username, String firstName, String lastName, Long chatId) {
        return pool.preparedQuery(SEEN).execute(Tuple.of(userId, username, firstName, lastName, chatId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Person person = new Person(userId, row.getString("role"), row.getBoolean("is_active"), row.getString("member_role"));
                    return new Seen(person, row.getBoolean("is_tenant") ? Optional.of(TenantRepository.map(row)) : Optional.empty());
                });
    }
}
