package dev.storyline.user;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** SQL for {@code users} and {@code tenant_members}: people are upserted from every update. */
public final class UserRepository {

    /** One round trip: the user, their membership of the chat's tenant (if it is one), and their roles. */
    private static final String SEEN = """
            WITH u AS (
                INSERT INTO users (id, username, first_name, last_name)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (id) DO UPDATE
                   SET username = EXCLUDED.username, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
                       last_seen_at = now(), updated_at = now()
                RETURNING id, role, is_active),
            m AS (
                INSERT INTO tenant_members (tenant_id, user_id)
                SELECT t.id, $1 FROM tenants t WHERE t.id = $5
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET last_seen_at = now()
                RETURNING role)
            SELECT u.role, u.is_active, (SELECT role FROM m) AS member_role FROM u""";

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

    /** Records that a person was seen, in a chat that may be a tenant ({@code chatId} may be null). */
    public Future<Person> seen(long userId, String username, String firstName, String lastName, Long chatId) {
        return pool.preparedQuery(SEEN).execute(Tuple.of(userId, username, firstName, lastName, chatId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Person(userId, row.getString("role"), row.getBoolean("is_active"), row.getString("member_role"));
                });
    }
}
