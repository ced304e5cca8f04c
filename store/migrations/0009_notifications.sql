-- 0009: what the notification matrix and the outbox need.
-- An agent's department, so that a ticket's department tells its agents.
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';

-- Every delivery attempt of an outbox row, with what the relay said.
CREATE TABLE outbox_attempts (
    id        INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id),
    at        TEXT    NOT NULL,
    outcome   TEXT    NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'requeued')),
    detail    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id, id);

-- Token buckets of automatic mail to outside addresses (loop protection):
-- key is "addr:<address>" or "ticket:<ticket id>:<address>".
CREATE TABLE auto_mail_buckets (
    key        TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_at TEXT NOT NULL
);

-- The language a notification was written in (Content-Language, RFC 3282).
ALTER TABLE outbox ADD COLUMN lang TEXT NOT NULL DEFAULT '';
