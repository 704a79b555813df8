-- Instagram backfill (D31): what the connected account already posted is imported into the library's
-- folder instagram/ (source 'instagram') and recorded as posted at its Instagram time, with its media
-- id, so the locks and "never twice" hold for it as for a story Storyline sent. A history row of an
-- import names no queue row: its queue_item_id is drawn from the queue's own sequence, so it can
-- never collide with a slot's.
ALTER TABLE media_items DROP CONSTRAINT media_items_source_check;
ALTER TABLE media_items ADD CONSTRAINT media_items_source_check CHECK (source IN ('folder', 'telegram', 'instagram'));

-- "already imported?" by media id, one look per listed item
CREATE INDEX posting_history_instagram_media_idx ON posting_history (tenant_id, instagram_media_id)
    WHERE instagram_media_id IS NOT NULL;
