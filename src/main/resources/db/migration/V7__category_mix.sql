-- A tenant's category mix (D27), kept as a Type-2 history: each change closes the current rows
-- (valid_to, is_current false) and adds the new ones in one transaction, so "what was the mix on
-- 3 March" has an answer. One current row per tenant and category; no current row = no mix (even
-- variety). Percents of the current rows add up to 100.
CREATE TABLE category_mix (
    id          bigserial PRIMARY KEY,
    tenant_id   bigint      NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    category    text        NOT NULL,
    percent     smallint    NOT NULL CHECK (percent BETWEEN 1 AND 100),
    valid_from  timestamptz NOT NULL,
    valid_to    timestamptz,
    is_current  boolean     NOT NULL DEFAULT true,
    changed_by  bigint      REFERENCES users (id) ON DELETE SET NULL,
    source      text        NOT NULL CHECK (source IN ('telegram', 'admin_api', 'cli', 'system')),
    CHECK (is_current = (valid_to IS NULL))
);
CREATE UNIQUE INDEX category_mix_current_idx ON category_mix (tenant_id, category) WHERE is_current;
CREATE INDEX category_mix_history_idx ON category_mix (tenant_id, valid_from DESC);
