-- 0011: the time-driven rules. Each timer of a ticket fires once: its key
-- (the SLA warning, the breach, the reminder of one resolution, ...) is
-- recorded in the transaction that acts on it.
CREATE TABLE timers_fired (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    key       TEXT    NOT NULL,
    due_at    TEXT    NOT NULL,
    fired_at  TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, key)
);

-- New tickets look back for earlier ones of the same client (escalation
-- of repeated issues).
CREATE INDEX tickets_created ON tickets (prefix, created_at);
