-- Exactly once, fenced (D24): every claim of a slot draws a new token; every later update of the row by
-- whoever claimed it names that token, so a slot reclaimed from a slow or dead worker can never be
-- finished by it.
CREATE SEQUENCE posting_claim_seq;
ALTER TABLE posting_queue ADD COLUMN claim_token bigint;

-- A slot given up after MAX_ATTEMPTS interrupted tries rests its image for a day ('failed').
ALTER TABLE media_locks DROP CONSTRAINT media_locks_reason_check;
ALTER TABLE media_locks ADD CONSTRAINT media_locks_reason_check
    CHECK (reason IN ('posted', 'skipped', 'rejected', 'manual', 'failed'));
