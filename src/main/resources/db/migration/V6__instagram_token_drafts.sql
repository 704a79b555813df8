-- A token the admin API received, encrypted like a connected account's, until the Instagram verticle
-- has checked it with Graph (then it moves to instagram_accounts) or refused it (then it is dropped).
-- Only the draft's id travels on the event bus, never the token. A draft nobody took is dropped
-- after an hour.
CREATE TABLE instagram_token_drafts (
    id               bigserial PRIMARY KEY,
    tenant_id        bigint      NOT NULL,
    account_id       text        NOT NULL,
    token_ciphertext bytea       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
