-- When the story's caption was edited to its outcome. A press is stored first and its caption edited
-- after; a crash between the two leaves this NULL, and the posting verticle edits it again at start.
ALTER TABLE posting_history ADD COLUMN caption_edited_at timestamptz;

CREATE INDEX posting_history_unedited_idx ON posting_history (completed_at)
    WHERE caption_edited_at IS NULL AND telegram_message_id IS NOT NULL;
