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
     * People seen in chats, in one round trip: each person, their membership of the chat's tenant (if
     * it is one), their roles, and that tenant. $1 people, $2–$4 their names, $5 chats (null for
     * private ones), parallel arrays; a row per sighting, by its position {@code n}. Rows are only
     * written when a name changed or the last sighting is a minute old: otherwise the inserts have no
     * rows to insert, so a busy chat neither writes nor locks a row per message and the statement is a
     * plain read. A person in several sightings is written once, with the names of their last; rows
     * are written in key order, so two batches never lock the same rows in opposite order.
     */
    private static final String SEEN = """
            WITH s AS (
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])
                       WITH ORDINALITY AS s(user_id, username, first_name, last_name, chat_id, n)),
            latest AS (
                SELECT DISTINCT ON (user_id) user_id, username, first_name, last_name FROM s ORDER BY user_id, n DESC),
            known AS (
                SELECT u.id, u.role, u.is_active FROM users u JOIN latest l ON u.id = l.user_id
                 WHERE (u.username, u.first_name, u.last_name) IS NOT DISTINCT FROM (l.username, l.first_name, l.last_name)
                   AND u.last_seen_at >= now() - interval '1 minute'),
            u AS (
                INSERT INTO users (id, username, first_name, last_name)
                SELECT l.user_id, l.username, l.first_name, l.last_name FROM latest l
                 WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.id = l.user_id) ORDER BY l.user_id
                ON CONFLICT (id) DO UPDATE
                   SET username = EXCLUDED.username, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
                       last_seen_at = now(), updated_at = now()
                RETURNING id, role, is_active),
            person AS (
                SELECT id, role, is_active FROM u
                UNION ALL
                SELECT id, role, is_active FROM known),
            pairs AS (
                SELECT DISTINCT user_id, chat_id FROM s WHERE chat_id IS NOT NULL),
            known_member AS (
                SELECT m.tenant_id, m.user_id, m.role FROM tenant_members m JOIN pairs p ON m.tenant_id = p.chat_id AND m.user_id = p.user_id
                 WHERE m.last_seen_at >= now() - interval '1 minute'),
            m AS (
                INSERT INTO tenant_members (tenant_id, user_id)
                SELECT t.id, p.user_id FROM pairs p JOIN tenants t ON t.id = p.chat_id
                 WHERE NOT EXISTS (SELECT 1 FROM known_member k WHERE k.tenant_id = p.chat_id AND k.user_id = p.user_id)
                 ORDER BY t.id, p.user_id
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET last_seen_at = now()
                RETURNING tenant_id, user_id, role),
            member AS (
                SELECT tenant_id, user_id, role FROM m
                UNION ALL
                SELECT tenant_id, user_id, role FROM known_member)
            SELECT s.n, p.role, p.is_active, mb.role AS member_role, t.id IS NOT NULL AS is_tenant,\s"""
            + TenantRepository.columns("t") + " FROM s JOIN person p ON p.id = s.user_id"
            + " LEFT JOIN member mb ON mb.tenant_id = s.chat_id AND mb.user_id = s.user_id"
            + " LEFT JOIN tenants t ON t.id = s.chat_id";

    /** A person seen in a chat ({@code chatId} null for a private chat), for {@link #seenAll}. */
    public record Sighting(long userId, String username, String firstName, String lastName, Long chatId) {
    }

    /** A person as Storyline knows them: a global {@code admin} role, a tenant admin role, or deactivated. */
    public record Person(long userId, String role, boolean active, String memberRole) {
        public boolean storylineAdmin() {
            return "admin".equals(role) || "admin".equals(memberRole);
        }
    }

    /** A person for {@code users list}. */
    public record User(long id, String username, String firstName, String role, boolean active, int totalPosts, java.time.Instant lastSeenAt,
                       String tenants) {
        public String display() {
            return username != null ? "@" + username : firstName != null ? firstName : String.valueOf(id);
        }
    }

    private static final String LIST = """
            SELECT u.id, u.username, u.first_name, u.role, u.is_active, u.total_posts, u.last_seen_at,
                   (SELECT string_agg(m.tenant_id::text, ' ' ORDER BY m.tenant_id) FROM tenant_members m WHERE m.user_id = u.id) AS tenants
              FROM users u
             WHERE $1::bigint IS NULL OR EXISTS (SELECT 1 FROM tenant_members m WHERE m.user_id = u.id AND m.tenant_id = $1)
             ORDER BY u.last_seen_at DESC LIMIT $2""";

    /** By numeric id, or by @username (case-insensitive). */
    private static final String FIND = """
            SELECT u.id, u.username, u.first_name, u.role, u.is_active, u.total_posts, u.last_seen_at, NULL::text AS tenants
              FROM users u WHERE u.id = $1 OR ($2::text IS NOT NULL AND lower(u.username) = lower($2))""";

    private static final String SET = "UPDATE users SET role = coalesce($2, role), is_active = coalesce($3, is_active), updated_at = now() "
            + "WHERE id = $1";

    /** The service_runs name of letting a deactivated person back in (the CLI and the admin API). */
    public static final String REACTIVATE_SERVICE = "users.reactivate";

    private final Pool pool;

    public UserRepository(Pool pool) {
        this.pool = pool;
    }

    /** A person seen in a chat, and the chat's tenant if it is one. */
    public record Seen(Person person, Optional<Tenant> tenant) {
    }

    /** Records that a person was seen in a chat that may be a tenant ({@code chatId} null for private chats). */
    public Future<Seen> seen(long userId, String username, String firstName, String lastName, Long chatId) {
        return seenAll(java.util.List.of(new Sighting(userId, username, firstName, lastName, chatId))).map(seen -> seen.get(0));
    }

    private static Seen seen(long userId, Row row) {
        Person person = new Person(userId, row.getString("role"), row.getBoolean("is_active"), row.getString("member_role"));
        return new Seen(person, row.getBoolean("is_tenant") ? Optional.of(TenantRepository.map(row)) : Optional.empty());
    }

    /** {@link #seen} for many sightings in one round trip (a batch of updates); the answers in their order. */
    public Future<java.util.List<Seen>> seenAll(java.util.List<Sighting> sightings) {
        Tuple params = Tuple.of(sightings.stream().map(Sighting::userId).toArray(Long[]::new),
                sightings.stream().map(Sighting::username).toArray(String[]::new),
                sightings.stream().map(Sighting::firstName).toArray(String[]::new),
                sightings.stream().map(Sighting::lastName).toArray(String[]::new),
                sightings.stream().map(Sighting::chatId).toArray(Long[]::new));
        return pool.preparedQuery(SEEN).execute(params).map(rows -> {
            Seen[] seen = new Seen[sightings.size()];
            for (Row row : rows) {
                int i = (int) (row.getLong("n") - 1);
                seen[i] = seen(sightings.get(i).userId(), row);
            }
            return java.util.Arrays.asList(seen);
        });
    }

    public Future<java.util.List<User>> list(Long tenantId, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(tenantId, limit)).map(rows -> {
            java.util.List<User> users = new java.util.ArrayList<>();
            rows.forEach(r -> users.add(user(r)));
            return users;
        });
    }

    /** {@code who} is a Telegram user id or an @username the bot has seen. */
    public Future<Optional<User>> find(String who) {
        String text = who == null ? "" : who.strip();
        Long id = text.matches("-?\\d{1,19}") ? Long.parseLong(text) : null;
        String username = id == null ? text.replaceFirst("^@", "") : null;
        return pool.preparedQuery(FIND).execute(Tuple.of(id == null ? 0L : id, username))
                .map(rows -> rows.size() == 0 ? Optional.<User>empty() : Optional.of(user(rows.iterator().next())));
    }

    /** Sets the global role and/or the active flag (null = unchanged). */
    public Future<Void> set(long userId, String role, Boolean active) {
        return pool.preparedQuery(SET).execute(Tuple.of(userId, role, active)).mapEmpty();
    }

    private static User user(Row r) {
        return new User(r.getLong("id"), r.getString("username"), r.getString("first_name"), r.getString("role"), r.getBoolean("is_active"),
                r.getInteger("total_posts"), dev.storyline.db.Sql.instant(r, "last_seen_at"), r.getString("tenants"));
    }
}
