-- 0003: the mails a forwarded trail carried (JSON array of from, date,
-- subject, text), kept with the message that forwarded them.
ALTER TABLE messages ADD COLUMN forwarded TEXT NOT NULL DEFAULT '[]';
