-- A cluster (D32): the same jar on several machines against this one database. PostgreSQL stays the
-- one truth: each node says it is alive in cluster_nodes; each active tenant's scheduler runs on the
-- node that holds its lease (renewed every 10 s, 30 s long); a node that dies stops renewing and the
-- others take its tenants when the leases run out. Every take raises the lease's epoch, the fencing
-- token the scheduler's claims carry: an old owner that wakes up can claim nothing. Named leases
-- (cluster_leases) elect one node for a cluster-wide job, such as polling Telegram. Lease times are the
-- database's clock, never a node's.
CREATE TABLE cluster_nodes (
    node_id     text PRIMARY KEY,
    address     text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    seen_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_leases (
    tenant_id    bigint PRIMARY KEY REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    owner        text NOT NULL,
    epoch        bigint NOT NULL,
    lease_until  timestamptz NOT NULL
);
CREATE INDEX tenant_leases_owner_idx ON tenant_leases (owner, lease_until);

CREATE TABLE cluster_leases (
    name         text PRIMARY KEY,
    owner        text NOT NULL,
    epoch        bigint NOT NULL,
    lease_until  timestamptz NOT NULL
);

-- The lease epoch a slot was claimed under: when a tenant changes hands, the new owner puts the claims
-- made under an older lease back into the plan at once (their node is gone or no longer owns the tenant;
-- the claim token keeps it from recording anything about them).
ALTER TABLE posting_queue ADD COLUMN claim_epoch bigint;
