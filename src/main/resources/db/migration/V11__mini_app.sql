-- The Mini App (D30): its changes are recorded with source 'app' beside the chat's, the admin API's
-- and the CLI's, and a browser signs in with a one-time link the bot sends in the private chat
-- (/login). Only a hash of each link's token is kept: a copy of the database opens no session.
ALTER TABLE tenant_settings_history DROP CONSTRAINT tenant_settings_history_source_check;
ALTER TABLE tenant_settings_history ADD CONSTRAINT tenant_settings_history_source_check
    CHECK (source IN ('telegram', 'admin_api', 'cli', 'system', 'app'));
ALTER TABLE category_mix DROP CONSTRAINT category_mix_source_check;
ALTER TABLE category_mix ADD CONSTRAINT category_mix_source_check
    CHECK (source IN ('telegram', 'admin_api', 'cli', 'system', 'app'));

CREATE TABLE app_logins (
    token_hash bytea       PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX app_logins_expires_idx ON app_logins (expires_at);

-- A slot a person moved in the planner keeps its time: top-offs leave it alone (it is no longer the
-- settings' slot), and the plan shows who moved it.
ALTER TABLE posting_queue ADD COLUMN moved_by bigint REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE posting_queue ADD COLUMN moved_at timestamptz;

-- "plan now" from the planner is recorded as the app's.
ALTER TABLE service_runs DROP CONSTRAINT service_runs_trigger_check;
ALTER TABLE service_runs ADD CONSTRAINT service_runs_trigger_check
    CHECK (trigger IN ('startup', 'schedule', 'telegram', 'admin_api', 'cli', 'system', 'app'));
