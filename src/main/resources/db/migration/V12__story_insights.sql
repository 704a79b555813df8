-- Story insights (D31): Instagram keeps a story's numbers for 24 hours, so Storyline reads them hourly
-- while the story is live and once more between 22 and 23 hours (the final snapshot), and keeps them.
-- A story's series is the posting_history row that holds its Instagram media id: published through
-- the Graph API, or (later) a hand-posted story matched to the account's stories.
ALTER TABLE posting_history ADD COLUMN instagram_posted_at timestamptz;  -- live since; NULL = completed_at
ALTER TABLE posting_history ADD COLUMN insights_ended_at timestamptz;
ALTER TABLE posting_history ADD COLUMN insights_end text
    CHECK (insights_end IN ('final', 'expired', 'gone', 'missed'));
-- A story a person posted by hand (Posted pressed) is matched to one of the account's stories whose
-- time falls between the notification and the press, of the same media type; the evidence is kept.
-- Several candidates, or none within an hour of the press, are not guessed: the attempt ends.
ALTER TABLE posting_history ADD COLUMN instagram_match jsonb;
ALTER TABLE posting_history ADD COLUMN instagram_match_tried_at timestamptz;
ALTER TABLE posting_history ADD COLUMN instagram_match_end text
    CHECK (instagram_match_end IN ('matched', 'ambiguous', 'unmatched'));
CREATE INDEX posting_history_match_idx ON posting_history (completed_at)
    WHERE outcome = 'posted' AND instagram_media_id IS NULL AND instagram_match_end IS NULL;
-- stories published before this version: too old for a series are ended as 'missed'
UPDATE posting_history SET insights_ended_at = now(), insights_end = 'missed'
 WHERE instagram_media_id IS NOT NULL AND completed_at < now() - interval '22 hours';
-- the collector's look for due stories: the few whose series is running
CREATE INDEX posting_history_insights_idx ON posting_history ((coalesce(instagram_posted_at, completed_at)))
    WHERE instagram_media_id IS NOT NULL AND insights_ended_at IS NULL;

CREATE TABLE instagram_post_metrics (
    id                  bigserial PRIMARY KEY,
    tenant_id           bigint NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    history_id          bigint NOT NULL REFERENCES posting_history (id) ON DELETE CASCADE,
    instagram_media_id  text NOT NULL,
    taken_at            timestamptz NOT NULL,
    age_minutes         integer NOT NULL,
    is_final            boolean NOT NULL DEFAULT false,
    reach               integer,
    replies             integer,
    shares              integer,
    total_interactions  integer,
    follows             integer,
    profile_visits      integer,
    navigation          integer,
    taps_forward        integer,
    taps_back           integer,
    exits               integer,
    swipes_forward      integer,
    UNIQUE (history_id, taken_at)
);
CREATE INDEX instagram_post_metrics_tenant_idx ON instagram_post_metrics (tenant_id, taken_at DESC);
