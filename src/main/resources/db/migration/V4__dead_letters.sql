-- No poison batch: an update whose handling failed three times is set aside here, raw, with the
-- reason, and the bot goes on with the updates after it; nothing a person sent is silently lost.
CREATE TABLE telegram_dead_letters (
    id          bigserial PRIMARY KEY,
    bot_id      bigint      NOT NULL,
    update_id   bigint      NOT NULL,
    chat_id     bigint,
    raw         jsonb       NOT NULL,
    error       text        NOT NULL,
    attempts    integer     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bot_id, update_id)
);
