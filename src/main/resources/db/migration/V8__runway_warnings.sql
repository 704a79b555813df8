-- Runway warnings (D28): the level a tenant's chat was last warned at for a category (1 ⚠️ low,
-- ≤ 7 days left; 2 🔴 critical, ≤ 2 days), so each level is said once. A category that recovers
-- (more than 7 days left again) loses its row and may be warned again when it next runs low.
-- The category 'library' stands for the whole library when the tenant has no mix.
CREATE TABLE runway_warnings (
    tenant_id  bigint      NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    category   text        NOT NULL,
    level      smallint    NOT NULL CHECK (level IN (1, 2)),
    days_left  double precision NOT NULL,
    warned_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, category)
);
