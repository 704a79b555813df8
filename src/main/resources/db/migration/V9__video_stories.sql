-- Video stories (D29): a library item may be an MP4 or QuickTime video (mime_type video/mp4 or
-- video/quicktime), 3–60 s, H.264 or HEVC, as read from its boxes when it was indexed.
ALTER TABLE media_items
    ADD COLUMN duration_ms  integer CHECK (duration_ms IS NULL OR duration_ms > 0),
    ADD COLUMN video_codec  text CHECK (video_codec IS NULL OR video_codec IN ('H.264', 'HEVC'));
