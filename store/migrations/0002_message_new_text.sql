-- 0002: the new text of each inbound message (the reply without its quote
-- and signature), kept beside the full text.
ALTER TABLE messages ADD COLUMN new_text TEXT NOT NULL DEFAULT '';
