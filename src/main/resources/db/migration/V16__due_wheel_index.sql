-- Issue 19: one look at the whole queue a minute (the due wheel) finds the teams with a slot coming up,
-- instead of every scheduler looking at its own slots every minute (100,000 teams = 1,700 reads a second).
CREATE INDEX posting_queue_planned_due_idx ON posting_queue (due_at) WHERE state = 'planned';
