-- Storyline's domain schema (architecture.md "Data", product.md D1-D22).
-- A tenant is a Telegram chat: tenants.id is the chat id. Every tenant-owned table carries
-- tenant_id NOT NULL with a foreign key that follows the chat when Telegram migrates a group to a
-- supergroup (ON UPDATE CASCADE), so moving a tenant is one UPDATE in one transaction.
-- Every timestamp is timestamptz.

CREATE TABLE tenants (
    id                   bigint PRIMARY KEY,                -- Telegram chat id
    title                text NOT NULL DEFAULT '',
    chat_type            text NOT NULL CHECK (chat_type IN ('group', 'supergroup', 'channel')),
    state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
    is_paused            boolean NOT NULL DEFAULT false,
    paused_reason        text,
    paused_at            timestamptz,
    paused_by            bigint,                            -- users.id (no FK: users may be pruned)
    dry_run              boolean NOT NULL DEFAULT false,
    enable_instagram     boolean NOT NULL DEFAULT false,
    posts_per_day        integer NOT NULL DEFAULT 3 CHECK (posts_per_day BETWEEN 1 AND 50),
    posting_hours_start  integer NOT NULL DEFAULT 9 CHECK (posting_hours_start BETWEEN 0 AND 23),
    posting_hours_end    integer NOT NULL DEFAULT 21 CHECK (posting_hours_end BETWEEN 0 AND 23),
    timezone             text NOT NULL DEFAULT 'UTC',
    media_dir            text,                              -- NULL = MEDIA_DIR/<chat id>
    member_count         integer,
    registered_by        bigint,
    registered_at        timestamptz NOT NULL DEFAULT now(),
    decided_by           bigint,
    decided_at           timestamptz,
    settings_version     bigint NOT NULL DEFAULT 1,         -- bumped on every settings change; schedulers redeploy on it
    updated_at           timestamptz NOT NULL DEFAULT now()
);
-- discovery: approved, unpaused tenants
CREATE INDEX tenants_active_idx ON tenants (id) WHERE state = 'approved' AND NOT is_paused;

CREATE TABLE users (
    id             bigint PRIMARY KEY,                      -- Telegram user id
    username       text,
    first_name     text,
    last_name      text,
    role           text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    is_active      boolean NOT NULL DEFAULT true,
    total_posts    integer NOT NULL DEFAULT 0,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_username_idx ON users (lower(username));

CREATE TABLE tenant_members (
    tenant_id      bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    posts          integer NOT NULL DEFAULT 0,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX tenant_members_user_idx ON tenant_members (user_id);

CREATE TABLE tenant_settings_history (
    id          bigserial PRIMARY KEY,
    tenant_id   bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    setting     text NOT NULL,
    old_value   text,
    new_value   text,
    changed_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    source      text NOT NULL CHECK (source IN ('telegram', 'admin_api', 'cli', 'system')),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_settings_history_tenant_idx ON tenant_settings_history (tenant_id, changed_at DESC);

-- a settings value asked for with an edit button; the same user's next message in that chat is the value
CREATE TABLE pending_inputs (
    tenant_id            bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id              bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    setting              text NOT NULL,
    settings_message_id  bigint,
    prompt_message_id    bigint,
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE media_items (
    id                    bigserial PRIMARY KEY,
    tenant_id             bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    path                  text NOT NULL,                     -- absolute path of the file
    source                text NOT NULL CHECK (source IN ('folder', 'telegram')),
    file_hash             text NOT NULL,                     -- SHA-256, hex
    file_size             bigint NOT NULL CHECK (file_size >= 0),
    file_modified_at      timestamptz,
    mime_type             text NOT NULL,
    width                 integer,
    height                integer,
    title                 text,
    link                  text,
    caption               text,
    tags                  text[] NOT NULL DEFAULT '{}',
    category              text,                              -- top-level folder below the tenant's root
    requires_interaction  boolean NOT NULL DEFAULT false,
    custom_metadata       jsonb NOT NULL DEFAULT '{}',
    warnings              text[] NOT NULL DEFAULT '{}',
    duplicate_of          bigint REFERENCES media_items (id) ON DELETE SET NULL,
    telegram_file_unique_id text,
    is_active             boolean NOT NULL DEFAULT true,
    times_posted          integer NOT NULL DEFAULT 0,
    last_posted_at        timestamptz,
    added_by              bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, path)
);
-- eligibility (D14): active items of a tenant, never posted first, then least recently posted
CREATE INDEX media_items_eligible_idx ON media_items (tenant_id, last_posted_at NULLS FIRST, times_posted)
    WHERE is_active;
-- same-content checks (duplicates, repost avoidance by hash)
CREATE INDEX media_items_hash_idx ON media_items (tenant_id, file_hash);

CREATE TABLE media_locks (
    id             bigserial PRIMARY KEY,
    tenant_id      bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    media_item_id  bigint NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
    reason         text NOT NULL CHECK (reason IN ('posted', 'skipped', 'rejected', 'manual')),
    locked_until   timestamptz NOT NULL,                     -- 'infinity' for rejected
    created_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
-- locks by media: the newest lock of an item is authoritative (D13)
CREATE INDEX media_locks_item_idx ON media_locks (media_item_id, created_at DESC);
CREATE INDEX media_locks_tenant_idx ON media_locks (tenant_id, locked_until);

-- Planned and in-flight slots. A row leaves the queue when its slot ends (D8): the outcome moves to
-- posting_history in the same transaction that deletes it. 'retrying' = planned with next_attempt_at.
CREATE TABLE posting_queue (
    id                      bigserial PRIMARY KEY,
    tenant_id               bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    slot_key                text NOT NULL,                   -- <local date>#<slot index>, or manual-<n>
    local_date              date,
    slot_index              integer,
    scheduled_for           timestamptz NOT NULL,
    due_at                  timestamptz NOT NULL,            -- scheduled_for, or the next retry
    media_item_id           bigint REFERENCES media_items (id) ON DELETE SET NULL,  -- NULL = no image yet
    route                   text CHECK (route IN ('telegram', 'instagram')),
    state                   text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'claimed', 'notified', 'publishing')),
    is_manual               boolean NOT NULL DEFAULT false,
    dry_run                 boolean NOT NULL DEFAULT false,
    attempts                integer NOT NULL DEFAULT 0,
    next_attempt_at         timestamptz,
    last_error              text,
    claimed_at              timestamptz,
    notified_at             timestamptz,
    telegram_message_id     bigint,
    instagram_container_id  text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slot_key)
);
-- due slots per tenant (the claim query)
CREATE INDEX posting_queue_due_idx ON posting_queue (tenant_id, due_at) WHERE state = 'planned';
-- stale claims (reclaim) and notifications awaiting a person (expiry)
CREATE INDEX posting_queue_claimed_idx ON posting_queue (claimed_at) WHERE state IN ('claimed', 'publishing');
CREATE INDEX posting_queue_notified_idx ON posting_queue (tenant_id, notified_at) WHERE state = 'notified';
-- "not already queued" in eligibility
CREATE INDEX posting_queue_media_idx ON posting_queue (media_item_id);

CREATE TABLE posting_history (
    id                    bigserial PRIMARY KEY,
    tenant_id             bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    queue_item_id         bigint NOT NULL UNIQUE,            -- the queue row this ends; one outcome per slot
    media_item_id         bigint REFERENCES media_items (id) ON DELETE SET NULL,
    slot_key              text NOT NULL,
    scheduled_for         timestamptz NOT NULL,
    outcome               text NOT NULL CHECK (outcome IN ('posted', 'skipped', 'rejected', 'failed', 'expired')),
    route                 text CHECK (route IN ('telegram', 'instagram')),
    dry_run               boolean NOT NULL DEFAULT false,
    acted_by              bigint REFERENCES users (id) ON DELETE SET NULL,
    notified_at           timestamptz,
    completed_at          timestamptz NOT NULL DEFAULT now(),
    attempts              integer NOT NULL DEFAULT 0,
    error                 text,
    telegram_message_id   bigint,
    instagram_media_id    text,
    instagram_permalink   text
);
CREATE INDEX posting_history_tenant_idx ON posting_history (tenant_id, completed_at DESC);
-- repost avoidance by item and by content
CREATE INDEX posting_history_media_idx ON posting_history (media_item_id, completed_at DESC);

-- The getUpdates offset, stored only after a batch was handled.
CREATE TABLE telegram_state (
    bot_id          bigint PRIMARY KEY,
    update_offset   bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE interactions (
    id          bigserial PRIMARY KEY,
    tenant_id   bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    update_id   bigint,
    kind        text NOT NULL CHECK (kind IN ('command', 'callback', 'message', 'upload')),
    name        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX interactions_tenant_idx ON interactions (tenant_id, created_at DESC);
-- a replayed update is logged once
CREATE UNIQUE INDEX interactions_update_idx ON interactions (update_id, kind) WHERE update_id IS NOT NULL;

-- Background jobs and state-changing CLI commands. tenant_id is NULL for install-wide jobs
-- (backup, migrate); a job about one tenant always names it.
CREATE TABLE service_runs (
    id            bigserial PRIMARY KEY,
    tenant_id     bigint REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    service       text NOT NULL,
    trigger       text NOT NULL CHECK (trigger IN ('startup', 'schedule', 'telegram', 'admin_api', 'cli', 'system')),
    triggered_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
    inputs        jsonb NOT NULL DEFAULT '{}',
    summary       jsonb NOT NULL DEFAULT '{}',
    error         text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    duration_ms   bigint
);
CREATE INDEX service_runs_service_idx ON service_runs (service, started_at DESC);
CREATE INDEX service_runs_tenant_idx ON service_runs (tenant_id, started_at DESC);

CREATE TABLE instagram_accounts (
    id                  bigserial PRIMARY KEY,
    tenant_id           bigint NOT NULL UNIQUE REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    account_id          text NOT NULL,
    username            text,
    token_ciphertext    bytea NOT NULL,                      -- AES-256-GCM: nonce || ciphertext || tag
    token_expires_at    timestamptz,                         -- NULL = never expires
    token_refreshed_at  timestamptz,
    token_status        text NOT NULL DEFAULT 'valid' CHECK (token_status IN ('valid', 'invalid')),
    token_status_reason text,
    app_credentials_ref text,
    connected_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    connected_at        timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Messages to the admin chat, each key at most once an hour (D18); the table survives restarts.
CREATE TABLE alerts (
    id          bigserial PRIMARY KEY,
    alert_key   text NOT NULL,
    tenant_id   bigint REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    severity    text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
    message     text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    suppressed  integer NOT NULL DEFAULT 0
);
CREATE INDEX alerts_key_idx ON alerts (alert_key, sent_at DESC);
CREATE INDEX alerts_sent_idx ON alerts (sent_at DESC);
