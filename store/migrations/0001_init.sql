-- 0001: tickets, their mail, history and the outbox.
-- Times are TEXT in UTC, fixed width (2006-01-02T15:04:05.000000000Z), so they sort.

-- One row per desk prefix: the last reference number handed out.
CREATE TABLE ref_sequences (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);

CREATE TABLE tickets (
    id         INTEGER PRIMARY KEY,
    prefix     TEXT    NOT NULL,
    number     INTEGER NOT NULL,
    subject    TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    client     TEXT    NOT NULL DEFAULT '',
    severity   INTEGER NOT NULL,
    priority   TEXT    NOT NULL DEFAULT '',
    status     TEXT    NOT NULL,
    requester  TEXT    NOT NULL,
    fields     TEXT    NOT NULL DEFAULT '{}', -- JSON object of questionnaire fields
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (prefix, number)
);
CREATE INDEX tickets_status ON tickets (status, updated_at);

CREATE TABLE participants (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    address   TEXT    NOT NULL,
    added_at  TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, address)
);

-- Every inbound mail, byte for byte, whatever became of it.
CREATE TABLE raw_messages (
    id          INTEGER PRIMARY KEY,
    received_at TEXT    NOT NULL,
    mail_from   TEXT    NOT NULL,          -- envelope sender, '' for the null return path
    rcpt_to     TEXT    NOT NULL,          -- JSON array of envelope recipients
    message_id  TEXT    NOT NULL,
    dedupe_key  TEXT    NOT NULL UNIQUE,   -- sender + Message-ID, or the sha256 when there is none
    size        INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    raw         BLOB    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('processed', 'failed')),
    error       TEXT    NOT NULL DEFAULT '',
    ticket_id   INTEGER REFERENCES tickets (id)
);

-- The conversation of a ticket: mail in and mail out.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    direction  TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    raw_id     INTEGER REFERENCES raw_messages (id),
    message_id TEXT    NOT NULL,
    from_addr  TEXT    NOT NULL,
    to_addrs   TEXT    NOT NULL DEFAULT '[]', -- JSON array
    cc_addrs   TEXT    NOT NULL DEFAULT '[]', -- JSON array
    subject    TEXT    NOT NULL,
    text_body  TEXT    NOT NULL,
    html_body  TEXT    NOT NULL DEFAULT '',
    problems   TEXT    NOT NULL DEFAULT '[]', -- JSON array of parse problems
    created_at TEXT    NOT NULL
);
CREATE INDEX messages_ticket ON messages (ticket_id, id);
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id <> '';

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages (id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    content_id   TEXT    NOT NULL DEFAULT '',
    inline       INTEGER NOT NULL DEFAULT 0,
    content      BLOB    NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

-- A ticket's history.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    message_id  INTEGER REFERENCES messages (id)
);
CREATE INDEX events_ticket ON events (ticket_id, id);

-- Mail to send. Written in the same transaction as the change that caused it;
-- the outbox worker delivers it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id),
    message_id      INTEGER NOT NULL REFERENCES messages (id), -- the outbound message row
    kind            TEXT    NOT NULL,
    envelope_from   TEXT    NOT NULL,
    rcpt_to         TEXT    NOT NULL,
    reply_to        TEXT    NOT NULL DEFAULT '',
    in_reply_to     TEXT    NOT NULL DEFAULT '',
    refs            TEXT    NOT NULL DEFAULT '', -- References, space separated, without brackets
    auto_submitted  TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
