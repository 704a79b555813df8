-- Messages that must arrive (D26): registration requests and decisions, alerts, story failure notices
-- and what the CLI or the admin API tells a chat. Written here first, sent by the server's Telegram
-- verticle, marked sent only once Telegram accepted them; whatever a crash interrupted goes out after
-- the restart. The CLI (another process) only writes rows; the server sends them within seconds.
CREATE TABLE outbox_messages (
    id          bigserial PRIMARY KEY,
    chat_id     bigint      NOT NULL,
    kind        text        NOT NULL,
    params      jsonb       NOT NULL,
    dedupe_key  text UNIQUE,
    state       text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts    integer     NOT NULL DEFAULT 0,
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX outbox_messages_pending ON outbox_messages (id) WHERE state = 'pending';
