-- 0004: the lifecycle: who works a ticket, how it ended, escalation,
-- department and category, and links between tickets.
ALTER TABLE tickets ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN escalated_at TEXT;              -- NULL when not escalated
ALTER TABLE tickets ADD COLUMN escalation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN category TEXT NOT NULL DEFAULT '';

-- A link from a ticket to another, by reference (both directions are rows).
CREATE TABLE ticket_links (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    ref       TEXT    NOT NULL,
    added_at  TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, ref)
);
