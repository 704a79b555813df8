package dev.storyline.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** SQL for {@code tenants}. Rows become {@link Tenant}s here and nowhere else. */
public final class TenantRepository {

    private static final String COLUMNS = """
            id, title, chat_type, state, is_paused, paused_reason, dry_run, enable_instagram, posts_per_day,
            posting_hours_start, posting_hours_end, timezone, media_dir, settings_version""";

    private static final String FIND_ACTIVE = "SELECT " + COLUMNS + """
             FROM tenants
            WHERE state = 'approved' AND NOT is_paused
            ORDER BY id""";

    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM tenants WHERE id = $1";

    private static final String FIND_ALL = "SELECT " + COLUMNS + " FROM tenants ORDER BY state, title, id";

    private static final Function<Row, Tenant> MAPPER = row -> new Tenant(
            row.getLong("id"),
            row.getString("title"),
            row.getString("chat_type"),
            row.getString("state"),
            row.getBoolean("is_paused"),
            row.getString("paused_reason"),
            row.getBoolean("dry_run"),
            row.getBoolean("enable_instagram"),
            row.getInteger("posts_per_day"),
            row.getInteger("posting_hours_start"),
            row.getInteger("posting_hours_end"),
            row.getString("timezone"),
            row.getString("media_dir"),
            row.getLong("settings_version"));

    private final Pool pool;

    public TenantRepository(Pool pool) {
        this.pool = pool;
    }

    /** Approved, unpaused tenants: the ones that get a scheduler. */
    public Future<List<Tenant>> findActive() {
        return pool.query(FIND_ACTIVE).execute().map(TenantRepository::all);
    }

    public Future<Optional<Tenant>> findById(long id) {
        return pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(MAPPER.apply(rows.iterator().next())));
    }

    public Future<List<Tenant>> findAll() {
        return pool.query(FIND_ALL).execute().map(TenantRepository::all);
    }

    private static List<Tenant> all(RowSet<Row> rows) {
        List<Tenant> result = new ArrayList<>(rows.size());
        rows.forEach(row -> result.add(MAPPER.apply(row)));
        return result;
    }
}
