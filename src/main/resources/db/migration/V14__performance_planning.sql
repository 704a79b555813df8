-- Performance-aware planning (D31): a team may let the planner prefer, within its mix and every lock,
-- the images and categories whose earlier stories reached more of the account's followers. Off by
-- default. Reach per follower needs the follower count: the insights actor keeps the account's
-- (read at most every 6 hours) and each reading keeps the count it was taken with.
ALTER TABLE tenants ADD COLUMN plan_by_performance boolean NOT NULL DEFAULT false;
ALTER TABLE instagram_accounts ADD COLUMN followers_count integer CHECK (followers_count IS NULL OR followers_count >= 0);
ALTER TABLE instagram_accounts ADD COLUMN followers_checked_at timestamptz;
ALTER TABLE instagram_post_metrics ADD COLUMN followers integer;
