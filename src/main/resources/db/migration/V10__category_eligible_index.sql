-- Planning under a category mix (D27) reads each category's eligible items in the D14 order: this
-- index walks one category's active items in that order, instead of the whole library's.
CREATE INDEX media_items_category_eligible_idx ON media_items (tenant_id, lower(category), last_posted_at NULLS FIRST, times_posted)
    WHERE is_active;
